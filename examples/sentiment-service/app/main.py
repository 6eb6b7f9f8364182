"""HTTP API: score single texts, or a whole spreadsheet of reviews."""

import pandas as pd
from fastapi import FastAPI, UploadFile

from app.model import score

app = FastAPI()


@app.post("/score")
def score_text(text: str) -> dict[str, float]:
    return {"positive": score([text])[0]}


@app.post("/score-file")
async def score_file(upload: UploadFile) -> list[float]:
    reviews = pd.read_excel(await upload.read())
    return score(reviews["text"].tolist())
