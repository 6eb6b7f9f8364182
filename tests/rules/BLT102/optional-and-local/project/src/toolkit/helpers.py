import toolkit
from detector import build_model
