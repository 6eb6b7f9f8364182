import sphinx

extensions = []
project = "service"
release = sphinx.__version__
