"""What "on time", "late" and "overdue" mean for a request, as SQL conditions.

Defined once, so that the requests list's filters, the follow-up health figures and the countries comparison
count the same requests. A delivery's day is its date in the centre's time zone.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, and_, or_, select

from tracker.clock import start_of
from tracker.extensions import db
from tracker.models import OPEN_STATUSES, InfoRequest, RequestStatus
from tracker.search.schema import TITLE_TRIGRAMS_TABLE, TRIGRAM
from tracker.search.titles import coded, match
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


def title_contains(text: str) -> ColumnElement[bool]:
    """Titles containing ``text``, in any case ("law" finds "Lawful" and "bylaw"), as the list has always read it.

    PostgreSQL finds them from the titles' trigram index as it is (ILIKE). See ``title_contains_indexed``."""
    return InfoRequest.title.icontains(text, autoescape=True)


def trigram_indexed(text: str | None) -> bool:
    """Whether the titles' trigram index finds the titles containing ``text`` (three characters or more)."""
    return text is not None and len(text) >= TRIGRAM


def title_contains_indexed(text: str, kinds: Collection[str], statuses: Collection[str]) -> ColumnElement[bool]:
    """``title_contains`` written so that the database starts from the titles' trigram index (for a text that
    ``trigram_indexed``), which also knows the list's ``kinds`` and ``statuses`` (none: any).

    PostgreSQL: ILIKE as it is (its GIN index holds the kind and status). SQLite: the requests FTS5's trigram table
    finds (the same titles, see tracker/search/titles.py)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return title_contains(text)
    if dialect == "sqlite":
        return InfoRequest.id.in_(_title_index(text, kinds, statuses))
    raise NotImplementedError(f"no title index for {dialect}")


def title_index_only(text: str, kinds: Collection[str], statuses: Collection[str]) -> Select[Any] | None:
    """The requests with titles containing ``text`` of these ``kinds`` and ``statuses``, from the index alone,
    counted without reading a request: SQLite, when the index tells the kinds and statuses apart; else None."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return None
    if dialect == "sqlite":
        return _title_index(text, kinds, statuses) if coded(kinds, statuses) else None
    raise NotImplementedError(f"no title index for {dialect}")


def _title_index(text: str, kinds: Collection[str], statuses: Collection[str]) -> Select[Any]:
    trigrams = sa.table(TITLE_TRIGRAMS_TABLE, sa.column("rowid"))
    return select(trigrams.c.rowid).where(sa.literal_column(TITLE_TRIGRAMS_TABLE).op("MATCH")(
        match(text, kinds, statuses)))
