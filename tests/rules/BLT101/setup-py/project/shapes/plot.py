from shapes import numpy
import matplotlib.pyplot as plt
