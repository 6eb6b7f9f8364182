from torchvision.io import write_video


def save(frames, path):
    write_video(path, frames, fps=24)
