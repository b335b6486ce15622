"""A bare Flask page, served the same way as the tracker: the floor the tracker's pages are compared with."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"
