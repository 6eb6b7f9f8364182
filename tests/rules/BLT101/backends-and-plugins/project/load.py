import pandas as pd
from bs4 import BeautifulSoup
from transformers import AutoModelForCausalLM


def load(name):
    return AutoModelForCausalLM.from_pretrained(name, device_map="auto")


def sheet(path):
    return pd.read_excel(path)


def page(html):
    return BeautifulSoup(html, "lxml")
