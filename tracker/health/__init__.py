"""Follow-up health (SPEC §5): are we following through, and where not? Figures, charts and their CSV."""

from flask import Blueprint

bp = Blueprint("health", __name__, url_prefix="/health")
