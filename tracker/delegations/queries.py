"""Per-delegation figures as correlated subqueries (or kept columns), so a list shows them in the same single
query."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, func, select

from tracker.models import OPEN_STATUSES, Delegate, Delegation, InfoRequest, Visit


def open_request_count() -> ScalarSelect[Any]:
    """How many of the delegation's requests still owe it something."""
    return (
        select(func.count(InfoRequest.id))
        .where(InfoRequest.delegation_id == Delegation.id, InfoRequest.status.in_(OPEN_STATUSES))
        .correlate(Delegation)
        .scalar_subquery()
    )


def last_contact_on() -> ColumnElement[Any]:
    """The date of the latest logged contact with the delegation (None if there was none): a column that triggers
    on ``contact_logs`` keep (tracker/health/summary_triggers.py), so lists sort and filter on it without a subquery."""
    return Delegation.last_contact_on


def delegate_count() -> ScalarSelect[Any]:
    return (
        select(func.count(Delegate.id))
        .where(Delegate.delegation_id == Delegation.id)
        .correlate(Delegation)
        .scalar_subquery()
    )


def delegations_of_visit() -> ScalarSelect[Any]:
    """How many delegations the visit received."""
    return select(func.count(Delegation.id)).where(Delegation.visit_id == Visit.id).correlate(Visit).scalar_subquery()


def quiet_since() -> ColumnElement[Any]:
    """Since when nobody has been in touch with the delegation: its latest contact, or the end of its visit
    (the query joins ``Visit``)."""
    return func.coalesce(last_contact_on(), Visit.ends_on)


def no_contact_for(days: int, day: date) -> ColumnElement[bool]:
    """The visit has ended and no contact was logged in the ``days`` days before ``day``."""
    return quiet_since() < day - timedelta(days=days)
