import cv2
import fastapi
import matplotlib.pyplot as plt

plt.imshow([[0]])
