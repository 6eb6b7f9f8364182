import onnx_graphsurgeon as gs
from diffusers import StableDiffusionPipeline
from polygraphy.backend.onnx.loader import fold_constants


def load(checkpoint):
    return StableDiffusionPipeline.from_single_file(checkpoint)


def optimize(model):
    graph = gs.import_onnx(fold_constants(model, allow_onnxruntime_shape_inference=True))
    return gs.export_onnx(graph.cleanup())
