"""The admin area: the centre lead's tools (users, audit log, personal data, imports, reminder policy, mail log,
scheduler health)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
