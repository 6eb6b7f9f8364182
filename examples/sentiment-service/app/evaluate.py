"""Offline evaluation against a labelled CSV."""

import sys

import pandas as pd
from sklearn.metrics import classification_report

from app.model import score


def main(path: str) -> None:
    frame = pd.read_csv(path)
    predicted = [int(p > 0.5) for p in score(frame["text"].tolist())]
    print(classification_report(frame["label"], predicted))


if __name__ == "__main__":
    main(sys.argv[1])
