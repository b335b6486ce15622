"""Per-delegation figures as correlated subqueries, so a list shows them in the same single query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, func, select

from tracker.models import OPEN_STATUSES, ContactLog, Delegate, Delegation, InfoRequest


def open_request_count() -> ScalarSelect[Any]:
    """How many of the delegation's requests still owe it something."""
    return (
        select(func.count(InfoRequest.id))
        .where(InfoRequest.delegation_id == Delegation.id, InfoRequest.status.in_(OPEN_STATUSES))
        .correlate(Delegation)
        .scalar_subquery()
    )


def last_contact_on() -> ScalarSelect[Any]:
    """The date of the latest logged contact with the delegation (None if there was none)."""
    return (
        select(func.max(ContactLog.contacted_on))
        .where(ContactLog.delegation_id == Delegation.id)
        .correlate(Delegation)
        .scalar_subquery()
    )


def delegate_count() -> ScalarSelect[Any]:
    return (
        select(func.count(Delegate.id))
        .where(Delegate.delegation_id == Delegation.id)
        .correlate(Delegation)
        .scalar_subquery()
    )
