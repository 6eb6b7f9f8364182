# written for Python 2: `import locator` found the sibling module locator.py
import locator
import scipy.spatial


def warp(points):
    return locator.nearest(points, scipy.spatial.Delaunay)
