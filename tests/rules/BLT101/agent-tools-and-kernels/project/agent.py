from awq import AutoAWQForCausalLM
from langchain_community.agent_toolkits.load_tools import load_tools
from langchain_community.document_transformers import Html2TextTransformer
from serpapi import GoogleSearch
from transformers import AutoModelForCausalLM


def tools(llm):
    return load_tools(["ddg-search", "llm-math"], llm=llm)


def pages_to_text(html_docs):
    return Html2TextTransformer().transform_documents(html_docs)


def search(query, key):
    return GoogleSearch({"q": query, "api_key": key}).get_dict()


def load(path, quantized):
    if quantized:
        return AutoAWQForCausalLM.from_quantized(path, fuse_layers=True)
    return AutoModelForCausalLM.from_pretrained(path, trust_remote_code=True)
