import onnx
import onnxruntime
import requests
import torchvision
