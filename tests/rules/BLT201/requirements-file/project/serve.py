import faiss
import numpy
