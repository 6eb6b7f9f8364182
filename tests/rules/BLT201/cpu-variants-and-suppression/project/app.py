import onnxruntime
import tensorflow
import xgboost
