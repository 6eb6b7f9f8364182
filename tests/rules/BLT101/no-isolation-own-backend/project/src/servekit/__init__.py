import yaml

CONFIG = yaml.safe_load("a: 1")
