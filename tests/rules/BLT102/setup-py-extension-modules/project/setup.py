from setuptools import Extension, setup
from torch.utils import cpp_extension

setup(
    name="fastquant",
    packages=["fastquant"],
    install_requires=["torch"],
    ext_modules=[
        cpp_extension.CUDAExtension("quant_cuda", ["kernels/quant_cuda.cpp"]),
        Extension(name="fastquant_cpu._ops", sources=["kernels/ops.c"]),
    ],
    cmdclass={"build_ext": cpp_extension.BuildExtension},
)
