"""Sentiment model: a transformers pipeline placed on whatever devices are available."""

from functools import lru_cache

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

MODEL_NAME = "distilbert-base-uncased-finetuned-sst-2-english"


@lru_cache(maxsize=1)
def load():
    tokenizer = AutoTokenizer.from_pretrained(MODEL_NAME)
    model = AutoModelForSequenceClassification.from_pretrained(MODEL_NAME, device_map="auto")
    return tokenizer, model


def score(texts: list[str]) -> list[float]:
    tokenizer, model = load()
    batch = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch.to(model.device)).logits
    return logits.softmax(dim=-1)[:, 1].tolist()
