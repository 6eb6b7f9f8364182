from diffusers import StableDiffusionXLPipeline


def load(checkpoint):
    # diffusers 0.27 and later read the original config without omegaconf
    return StableDiffusionXLPipeline.from_single_file(checkpoint)
