import onnxruntime
import tensorflow
