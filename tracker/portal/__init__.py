"""The delegate portal (SPEC §2, §5): delegates sign in with an emailed link and see their delegation's requests,
shared materials and public timeline; they ask questions and give feedback. In English, French and Spanish.

Staff-side screens for it (invitations, revoking sessions, "what we heard") are the ``portal_staff`` blueprint.
Their routes (``views``, ``staff``) are imported when the blueprints are registered, not here: other domains'
pages import the portal's services, and the portal imports theirs.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("portal", __name__, url_prefix="/portal")
staff_bp = Blueprint("portal_staff", __name__)


def init_app(app: Flask) -> None:
    """Flask-Babel, whose locale selector keeps staff screens in English; portal times in the centre's zone."""
    from tracker.extensions import babel
    from tracker.portal.languages import select_locale

    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["TIMEZONE"])
    babel.init_app(app, locale_selector=select_locale)


__all__ = ["bp", "init_app", "staff_bp"]
