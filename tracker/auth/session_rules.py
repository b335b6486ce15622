"""Rules on a signed-in staff session, checked before every request: it ends after a spell of inactivity, and an
admin must set up two-factor sign-in first when the centre requires it (TRACKER_REQUIRE_ADMIN_2FA)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from tracker import audit
from tracker.extensions import db
from tracker.models import AuditAction

#: When the session was last used (a POSIX timestamp in the signed session cookie).
SEEN_AT = "seen_at"
#: The last-seen time is rewritten at most this often, so that not every response sets a cookie.
SEEN_EVERY_SECONDS = 60
#: What an admin who must set up two-factor sign-in can still reach.
ENROLMENT_ENDPOINTS = frozenset({
    "auth.two_factor", "auth.two_factor_start", "auth.two_factor_confirm", "auth.logout", "static",
})


def end_idle_session() -> None:
    """Sign out a staff session untouched for TRACKER_IDLE_MINUTES; the page then asks to sign in again."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    now = datetime.now(UTC).timestamp()
    seen = session.get(SEEN_AT)
    if isinstance(seen, int | float) and now - seen > current_app.config["IDLE_MINUTES"] * 60:
        minutes = current_app.config["IDLE_MINUTES"]
        audit.record(AuditAction.IDLE_SIGN_OUT, f"Signed out after {minutes} minutes without activity",
                     target_kind="user", target_id=current_user.id)
        db.session.commit()
        logout_user()
        session.pop(SEEN_AT, None)
        flash(f"You were signed out after {minutes} minutes without activity. Sign in again to go on.", "info")
        return
    if not isinstance(seen, int | float) or now - seen > SEEN_EVERY_SECONDS:
        session[SEEN_AT] = now


def require_admin_two_factor() -> Response | None:
    """With TRACKER_REQUIRE_ADMIN_2FA on, send an admin without two-factor sign-in to set it up."""
    if (
        current_app.config["REQUIRE_ADMIN_2FA"]
        and current_user.is_authenticated
        and current_user.is_admin
        and not current_user.has_two_factor
        and request.endpoint not in ENROLMENT_ENDPOINTS
    ):
        flash("The centre requires two-factor sign-in for admins. Set it up to go on.", "info")
        return redirect(url_for("auth.two_factor"))
    return None
