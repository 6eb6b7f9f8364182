from safetensors import safe_open
