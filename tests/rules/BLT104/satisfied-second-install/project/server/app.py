import numpy
import requests
import yaml
