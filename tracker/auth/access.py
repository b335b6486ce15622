"""Role enforcement for every route, in one place: a new view is private and read-only unless it says otherwise."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, request
from flask_login import current_user

from tracker.extensions import login_manager
from tracker.models import User

View = TypeVar("View", bound=Callable[..., object])

#: Methods a viewer may use; anything else changes data and needs the staff or admin role.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def acting_user() -> User:
    """The signed-in user as a model object, to record who did something."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def public(view: View) -> View:
    """Mark a view as reachable without signing in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def admin_only(view: View) -> View:
    """Mark a view as reserved to admins."""
    view.is_admin_only = True  # type: ignore[attr-defined]
    return view


def open_to_viewers(view: View) -> View:
    """Mark a state-changing view that any signed-in user may use (signing out)."""
    view.is_open_to_viewers = True  # type: ignore[attr-defined]
    return view


def enforce_roles():  # type: ignore[no-untyped-def]
    """Before every request: sign-in required, viewers read only, admin views for admins."""
    view = current_app.view_functions.get(request.endpoint or "")
    # Stylesheets are public too: the sign-in pages (and the whole delegate portal) need them before any sign-in.
    if view is None or request.endpoint == "static" or getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if getattr(view, "is_admin_only", False) and not current_user.is_admin:
        abort(403)
    changes_data = request.method not in READ_METHODS
    if changes_data and not current_user.can_edit and not getattr(view, "is_open_to_viewers", False):
        abort(403)
    return None
