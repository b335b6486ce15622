"""The feed itself, an RFC 5545 calendar built with the icalendar library: one all-day event per open request a
user owns (on its due date) and per check-in due with a delegation they liaise with."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vDuration
from sqlalchemy import Row, select

from tracker.extensions import db
from tracker.models import OPEN_STATUSES, Country, Delegation, InfoRequest, User, Visit
from tracker.reminders.followups import FollowUp, follow_ups
from tracker.routing import external_url
from tracker.templating import format_date

#: The dates a feed covers: what slipped recently and the year ahead (a calendar shows dates, the dashboard the rest).
DAYS_BACK, DAYS_AHEAD = 90, 365
#: How often a calendar program should fetch the feed again.
REFRESH = timedelta(hours=1)
PRODUCT = "-//Exchange-visit follow-up tracker//Calendar feed//EN"


def build_feed(user: User, today: date, now: datetime) -> bytes:
    """The calendar of ``user``'s due dates between DAYS_BACK before ``today`` and DAYS_AHEAD after, stamped ``now``."""
    first, last = today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Follow-up tracker: {user.name}")
    calendar.add("x-wr-caldesc", "Due dates of your open requests and check-ins with your delegations")
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})  # RFC 7986
    calendar.add("x-published-ttl", vDuration(REFRESH))  # the same, for Outlook
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    for row in _open_requests(user, first, last):
        url = external_url("info_requests.detail", request_id=row.id)
        description = (
            f"{row.kind.label}, {row.status.label.lower()}, {row.priority.label.lower()} priority. "
            f"Delegation from {row.country} at {row.visit}.\n{url}"
        )
        calendar.add_component(
            _event(f"request-{row.id}@{host}", row.due_on, f"Due: {row.title} ({row.country})", url, description, now)
        )
    for state in _check_ins(user, first, last):
        url = external_url("delegations.detail", delegation_id=state.delegation_id)
        last_contact = format_date(state.last_contact) if state.last_contact else "none since the visit"
        description = (
            f"Check-in with the delegation from {state.country} ({state.visit_title}). "
            f"Last contact: {last_contact}.\n{url}"
        )
        summary = f"Check in: {state.country} delegation"
        calendar.add_component(
            _event(f"follow-up-{state.delegation_id}@{host}", state.next_check_in, summary, url, description, now)
        )
    return calendar.to_ical()


def _event(uid: str, day: date, summary: str, url: str, description: str, now: datetime) -> Event:
    """An all-day event that does not show the day as busy."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def _open_requests(user: User, first: date, last: date) -> list[Row[Any]]:
    return list(db.session.execute(
        select(InfoRequest.id, InfoRequest.title, InfoRequest.kind, InfoRequest.status, InfoRequest.priority,
               InfoRequest.due_on, Country.name.label("country"), Visit.title.label("visit"))
        .join(Delegation, Delegation.id == InfoRequest.delegation_id)
        .join(Country, Country.id == Delegation.country_id)
        .join(Visit, Visit.id == Delegation.visit_id)
        .where(InfoRequest.owner_id == user.id, InfoRequest.status.in_(OPEN_STATUSES),
               InfoRequest.due_on.between(first, last))
        .order_by(InfoRequest.due_on, InfoRequest.id)
    ))  # fmt: skip


def _check_ins(user: User, first: date, last: date) -> list[FollowUp]:
    return [state for state in follow_ups(Delegation.liaison_id == user.id) if first <= state.next_check_in <= last]
