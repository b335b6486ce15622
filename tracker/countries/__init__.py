"""Countries: the TIP-report tier history, a page per country and a comparison across countries."""

from flask import Blueprint

bp = Blueprint("countries", __name__, url_prefix="/countries")
