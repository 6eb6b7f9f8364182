import torch
from sklearn.linear_model import LogisticRegression

model = LogisticRegression()
print(torch.cuda.is_available())
