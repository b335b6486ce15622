from flask import Blueprint

bp = Blueprint("delegations", __name__)

from tracker.delegations import views  # noqa: E402,F401
