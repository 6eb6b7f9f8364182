import flask
import transformers

app = flask.Flask(__name__)
