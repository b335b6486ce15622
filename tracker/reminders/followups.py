"""Where each delegation stands in its follow-up cadence: next check-in, and whether we are losing touch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select

from tracker.delegations.queries import last_contact_on
from tracker.extensions import db
from tracker.models import Country, Delegation, DelegationStatus, Tier, User, Visit
from tracker.reminders import schedule
from tracker.reminders.policy import cadence_for, cadences, current_policy


@dataclass(frozen=True)
class FollowUp:
    delegation_id: int
    liaison_id: int
    liaison_name: str
    country: str
    visit_title: str
    visit_ended: date
    tier: Tier | None
    last_contact: date | None
    next_check_in: date
    max_days: int

    @property
    def quiet_since(self) -> date:
        return self.last_contact or self.visit_ended

    def is_due(self, today: date) -> bool:
        return self.next_check_in <= today

    def is_losing_touch(self, today: date) -> bool:
        """No contact for longer than the tier's maximum interval."""
        return (today - self.quiet_since).days > self.max_days


def follow_ups(*criteria: ColumnElement[Any]) -> list[FollowUp]:
    """The follow-up state of every active delegation whose visit has ended (narrowed by ``criteria``), in one
    query; the cadence arithmetic runs in Python because it depends on the admin's policy."""
    policy = current_policy()
    offsets = policy.offsets
    table = cadences()
    last_contact = last_contact_on().label("last_contact")
    rows = db.session.execute(
        select(
            Delegation.id,
            Delegation.liaison_id,
            User.name.label("liaison_name"),
            Country.name.label("country"),
            Visit.title.label("visit_title"),
            Visit.ends_on,
            Delegation.tier,
            last_contact,
        )
        .join(Visit, Visit.id == Delegation.visit_id)
        .join(Country, Country.id == Delegation.country_id)
        .join(User, User.id == Delegation.liaison_id)
        .where(Delegation.status == DelegationStatus.ACTIVE, *criteria)
        # In id order: the planner's candidates come in this order, and rows that triggers have updated
        # (delegations.last_contact_on) no longer come back in it unasked on PostgreSQL.
        .order_by(Delegation.id)
    ).all()
    states = []
    for row in rows:
        cadence = cadence_for(table, row.tier)
        states.append(
            FollowUp(
                delegation_id=row.id,
                liaison_id=row.liaison_id,
                liaison_name=row.liaison_name,
                country=row.country,
                visit_title=row.visit_title,
                visit_ended=row.ends_on,
                tier=row.tier,
                last_contact=row.last_contact,
                next_check_in=schedule.next_check_in(row.ends_on, row.last_contact, offsets, cadence.ideal_days),
                max_days=cadence.max_days,
            )
        )
    return states


def due_follow_ups(today: date, *criteria: ColumnElement[Any]) -> list[FollowUp]:
    """Check-ins due by ``today``, the longest-waiting first."""
    due = [state for state in follow_ups(Visit.ends_on <= today, *criteria) if state.is_due(today)]
    return sorted(due, key=lambda state: state.next_check_in)


def losing_touch(today: date, *criteria: ColumnElement[Any]) -> list[FollowUp]:
    """Delegations past their tier's maximum interval without contact, the quietest first."""
    quiet = [state for state in follow_ups(Visit.ends_on <= today, *criteria) if state.is_losing_touch(today)]
    return sorted(quiet, key=lambda state: state.quiet_since)


#: The Follow-ups page's CSV: both of its lists, each row saying which.
FOLLOW_UP_HEADINGS = (
    "list", "delegation_id", "country", "visit", "tier", "liaison", "next_check_in", "last_contact", "quiet_since",
    "days_without_contact", "max_days_without_contact",
)  # fmt: skip


def follow_up_rows(today: date, due: list[FollowUp], quiet: list[FollowUp]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``FOLLOW_UP_HEADINGS``: the check-ins due, then the delegations losing touch."""
    for name, states in (("Check-in due", due), ("Losing touch", quiet)):
        for state in states:
            yield (
                name, state.delegation_id, state.country, state.visit_title, state.tier.label if state.tier else None,
                state.liaison_name, state.next_check_in, state.last_contact, state.quiet_since,
                (today - state.quiet_since).days, state.max_days,
            )  # fmt: skip
