import ipdb
import numpy as np
import pandas as pd
import yaml


def train(path: str) -> None:
    settings = yaml.safe_load(open(path))
    frame = pd.DataFrame(np.zeros((3, 3)))
    ipdb.set_trace()
    print(settings, frame)
