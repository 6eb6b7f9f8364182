import dlib
import numpy as np

DETECTOR = dlib.get_frontal_face_detector()
ZEROS = np.zeros(3)
