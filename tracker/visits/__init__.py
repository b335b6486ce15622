from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")

from tracker.visits import roster_import, views  # noqa: E402,F401
