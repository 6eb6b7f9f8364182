import chromadb

chromadb.collection()
