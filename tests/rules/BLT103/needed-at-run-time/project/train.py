from mmengine.config import Config

print(Config)
