"""Information requests (the package name avoids reading like the ``requests`` library or ``flask.request``)."""

from flask import Blueprint

bp = Blueprint("info_requests", __name__)
