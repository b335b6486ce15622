"""The admin area: the centre lead's tools (users, audit log, personal data, imports, reminder policy, mail log,
scheduler health)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from tracker.admin import audit_log, personal_data, tier_import, users, views  # noqa: E402,F401
