"""What "on time", "late" and "overdue" mean for a request, as SQL conditions.

Defined once, so that the requests list's filters, the follow-up health figures and the countries comparison
count the same requests. A delivery's day is its date in the centre's time zone.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from tracker.clock import start_of
from tracker.models import OPEN_STATUSES, InfoRequest, RequestStatus
from tracker.sql_dates import local_date

#: Requests that will never be delivered, by decision: they owe nothing and are never overdue.
CALLED_OFF = (RequestStatus.DECLINED, RequestStatus.WITHDRAWN)


def delivered_on() -> ColumnElement[Any]:
    return local_date(InfoRequest.delivered_at)


def delivered() -> ColumnElement[bool]:
    return InfoRequest.delivered_at.is_not(None)


def delivered_on_time() -> ColumnElement[bool]:
    """Delivered no later than the due date."""
    return and_(delivered(), delivered_on() <= InfoRequest.due_on)


def delivered_late() -> ColumnElement[bool]:
    return and_(delivered(), delivered_on() > InfoRequest.due_on)


def overdue(day: date) -> ColumnElement[bool]:
    """Still owed on ``day`` (today) and past its due date."""
    return and_(InfoRequest.status.in_(OPEN_STATUSES), InfoRequest.due_on < day)


def overdue_on(day: date) -> ColumnElement[bool]:
    """Was overdue on ``day``: logged by then, due before it, and not delivered by the end of it.

    Read from the request as it is now: declined and withdrawn requests are left out (the tracker does not keep
    when they were called off), and a due date moved after waiting on the delegate counts as moved all along.
    For today it is the same as ``overdue``.
    """
    day_after = start_of(day + timedelta(days=1))
    return and_(
        InfoRequest.status.not_in(CALLED_OFF),
        InfoRequest.created_at < day_after,
        InfoRequest.due_on < day,
        or_(InfoRequest.delivered_at.is_(None), InfoRequest.delivered_at >= day_after),
    )
