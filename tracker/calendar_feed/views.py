"""The feed's address (public: calendar programs have no session; the secret in it is the key) and the buttons on
the preferences page that make a new address or stop the feed."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from tracker.auth.access import acting_user, public
from tracker.calendar_feed import bp
from tracker.calendar_feed.feed import build_feed
from tracker.calendar_feed.tokens import feed_owner, new_feed_token, stop_feed
from tracker.clock import today
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.routing import external_url


@bp.get("/calendar/<calendar_token>.ics")
@public
def feed(calendar_token: str) -> Response:
    """The user's due dates as iCalendar; a wrong or revoked address answers 404, like one that never existed."""
    user = feed_owner(calendar_token)
    if user is None:
        abort(404)
    response = Response(build_feed(user, today(), datetime.now(UTC)), content_type="text/calendar; charset=utf-8")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.post("/preferences/calendar")
def new_address() -> str | BaseResponse:
    """Make a new feed address and show it, once; the previous address stops working."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("reminders.preferences", _anchor="calendar"))
    token = new_feed_token(acting_user())
    db.session.commit()
    address = external_url("calendar_feed.feed", calendar_token=token)
    return render_template("calendar_feed/address.html", address=address)


@bp.post("/preferences/calendar/stop")
def stop() -> BaseResponse:
    """Stop the feed: its address answers 404 from now on."""
    if EmptyForm().validate_on_submit():
        stop_feed(acting_user())
        db.session.commit()
        flash("Your calendar feed is stopped; calendars subscribed to it will no longer update.", "success")
    return redirect(url_for("reminders.preferences", _anchor="calendar"))
