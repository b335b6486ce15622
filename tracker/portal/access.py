"""The portal's own gate: every portal view needs a delegate session except those marked ``anonymous_ok``.

Portal views are ``@public`` for the staff role check (a delegate is not a staff user); this gate runs after it,
for the portal blueprint only. What a delegate may see is their delegations': a request, material or summary of
another delegation answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from flask import abort, current_app, g, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.models import Delegate, Delegation
from tracker.portal.identity import COOKIE_NAME, session_for

View = TypeVar("View", bound=Callable[..., object])


def anonymous_ok(view: View) -> View:
    """Mark a portal view that works without a delegate session (signing in, the language switcher)."""
    view.is_portal_anonymous = True  # type: ignore[attr-defined]
    return view


def load_delegate() -> Response | None:
    """Before every portal request: find the session and the delegate rows of its address; refuse if needed."""
    now = datetime.now(UTC)
    portal_session = session_for(request.cookies.get(COOKIE_NAME), now)
    g.portal_session = portal_session
    g.portal_delegates = []
    if portal_session is not None:
        g.portal_delegates = list(db.session.scalars(
            select(Delegate)
            .where(Delegate.email == portal_session.email)
            .options(joinedload(Delegate.delegation).options(
                joinedload(Delegation.country), joinedload(Delegation.visit), joinedload(Delegation.liaison)))
            .order_by(Delegate.id)
        ))
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "is_portal_anonymous", False) or g.portal_delegates:
        return None
    return redirect(url_for("portal.sign_in"))


def delegates() -> list[Delegate]:
    """The signed-in person's delegate rows, one per delegation that lists their address."""
    return g.portal_delegates  # type: ignore[no-any-return]


def delegation_ids() -> list[int]:
    return [delegate.delegation_id for delegate in delegates()]


def delegate_in(delegation_id: int) -> Delegate:
    """The signed-in person as a delegate of this delegation; 404 if they are not one."""
    for delegate in delegates():
        if delegate.delegation_id == delegation_id:
            return delegate
    abort(404)
