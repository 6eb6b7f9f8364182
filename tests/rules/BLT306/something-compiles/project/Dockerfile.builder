FROM nvidia/cuda:12.1.1-devel-ubuntu22.04 AS build
COPY kernel.cu .
RUN nvcc -o /kernel kernel.cu

FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04
COPY --from=build /kernel /kernel
