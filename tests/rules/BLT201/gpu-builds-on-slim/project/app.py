import fastapi
import onnxruntime
import tensorflow as tf
import xgboost

model = xgboost.XGBClassifier(tree_method="hist")
