import chromadb

client = chromadb.Client()
