from transformers import pipeline

classify = pipeline("sentiment-analysis")
