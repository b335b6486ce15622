"""Where each delegation stands in its follow-up cadence: next check-in, and whether we are losing touch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_, select

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


def follow_ups(*criteria: ColumnElement[Any], named: bool = True) -> list[FollowUp]:
    """The follow-up state of every active delegation (narrowed by ``criteria``), in one query; the cadence
    arithmetic runs in Python because it depends on the admin's policy. ``named=False`` leaves the country,
    visit and liaison names empty, for a first pass that only sorts and counts (those joins cost at scale)."""
    policy = current_policy()
    offsets = policy.offsets
    table = cadences()
    query = select(
        Delegation.id,
        Delegation.liaison_id,
        User.name if named else literal(""),
        Country.name if named else literal(""),
        Visit.title if named else literal(""),
        Visit.ends_on,
        Delegation.tier,
        last_contact_on(),
    ).join(Visit, Visit.id == Delegation.visit_id)
    if named:
        query = query.join(Country, Country.id == Delegation.country_id).join(User, User.id == Delegation.liaison_id)
    rows = db.session.connection().execute(  # plain tuples: at national scale, tens of thousands of them
        # In id order: the planner's candidates come in this order, and rows that triggers have updated
        # (delegations.last_contact_on) no longer come back in it unasked on PostgreSQL.
        query.where(Delegation.status == DelegationStatus.ACTIVE, *criteria).order_by(Delegation.id)
    ).all()
    states = []
    for delegation_id, liaison_id, liaison_name, country, visit_title, ends_on, tier, last_contact in rows:
        cadence = cadence_for(table, tier)
        states.append(
            FollowUp(
                delegation_id=delegation_id,
                liaison_id=liaison_id,
                liaison_name=liaison_name,
                country=country,
                visit_title=visit_title,
                visit_ended=ends_on,
                tier=tier,
                last_contact=last_contact,
                next_check_in=schedule.next_check_in(ends_on, last_contact, offsets, cadence.ideal_days),
                max_days=cadence.max_days,
            )
        )
    return states


def may_be_due(today: date) -> list[ColumnElement[bool]]:
    """Criteria that keep every delegation whose check-in can be due by ``today``, and leave out most others.

    A check-in falls at least the first offset after the visit's end, and, after a contact logged since then,
    at least the tier's ideal interval after it."""
    first = current_policy().offsets[0]
    shortest = min(first, *(cadence.ideal_days for cadence in cadences().values()))
    last_contact = last_contact_on()
    return [
        Visit.ends_on <= today - timedelta(days=first),
        or_(last_contact.is_(None), last_contact <= today - timedelta(days=shortest)),
    ]


def may_be_losing_touch(today: date) -> ColumnElement[bool]:
    """A criterion that keeps every delegation whose visit has ended and that has been quiet for longer than the
    shortest maximum interval of any tier."""
    shortest = min(cadence.max_days for cadence in cadences().values())
    return and_(
        Visit.ends_on <= today,
        func.coalesce(last_contact_on(), Visit.ends_on) < today - timedelta(days=shortest),
    )


def by_check_in(state: FollowUp) -> tuple[date, int]:
    return state.next_check_in, state.delegation_id


def _by_quiet(state: FollowUp) -> tuple[date, int]:
    return state.quiet_since, state.delegation_id


def due_follow_ups(today: date, *criteria: ColumnElement[Any]) -> list[FollowUp]:
    """Check-ins due by ``today``, the longest-waiting first."""
    due = [state for state in follow_ups(*may_be_due(today), *criteria) if state.is_due(today)]
    return sorted(due, key=by_check_in)


def losing_touch(today: date, *criteria: ColumnElement[Any]) -> list[FollowUp]:
    """Delegations past their tier's maximum interval without contact, the quietest first."""
    quiet = [state for state in follow_ups(may_be_losing_touch(today), *criteria) if state.is_losing_touch(today)]
    return sorted(quiet, key=_by_quiet)


def needing_attention(today: date, *criteria: ColumnElement[Any]) -> tuple[list[FollowUp], list[FollowUp]]:
    """``due_follow_ups`` and ``losing_touch`` from one query: the Follow-ups page's CSV has both."""
    return _split(today, follow_ups(_needing_attention(today), *criteria))


@dataclass(frozen=True)
class FirstNeedingAttention:
    """The head of each list of the Follow-ups page, and how long each list is."""

    due: list[FollowUp]
    due_count: int
    quiet: list[FollowUp]
    quiet_count: int


def first_needing_attention(today: date, shown: int, *criteria: ColumnElement[Any]) -> FirstNeedingAttention:
    """The first ``shown`` of each of ``needing_attention``'s lists, and their lengths: found and counted by index on
    the dates the database keeps for each active delegation (tracker/reminders/check_in_columns.py; None once
    closed), then read with their names for the rows shown only."""
    due = [Delegation.next_check_in_on <= today, *criteria]
    quiet = [Delegation.losing_touch_on <= today, *criteria]
    connection = db.session.connection()
    due_ids = connection.scalars(
        select(Delegation.id).where(*due).order_by(Delegation.next_check_in_on, Delegation.id).limit(shown)
    ).all()
    quiet_ids = connection.scalars(  # not null: where SQLite's index walk starts (closed delegations come first)
        select(Delegation.id)
        .where(Delegation.quiet_since_on.is_not(None), *quiet)
        .order_by(Delegation.quiet_since_on, Delegation.id)
        .limit(shown)
    ).all()
    named = with_names({*due_ids, *quiet_ids})
    # Both counts in one statement: each is an index's count; a round trip each was a tenth of the panel's time.
    due_count, quiet_count = connection.execute(select(_count(due), _count(quiet))).one()
    return FirstNeedingAttention(
        due=[named[delegation_id] for delegation_id in due_ids], due_count=due_count,
        quiet=[named[delegation_id] for delegation_id in quiet_ids], quiet_count=quiet_count,
    )  # fmt: skip


def _count(criteria: list[ColumnElement[bool]]) -> ColumnElement[int]:
    return select(func.count()).select_from(Delegation).where(*criteria).scalar_subquery()


def with_names(delegation_ids: set[int]) -> dict[int, FollowUp]:
    """These delegations' states with their names, for the rows a list sorted and counted without names shows."""
    if not delegation_ids:
        return {}
    return {state.delegation_id: state for state in follow_ups(Delegation.id.in_(delegation_ids))}


def _needing_attention(today: date) -> ColumnElement[bool]:
    return or_(and_(*may_be_due(today)), may_be_losing_touch(today))


def _split(today: date, states: list[FollowUp]) -> tuple[list[FollowUp], list[FollowUp]]:
    return (
        sorted((state for state in states if state.is_due(today)), key=by_check_in),
        sorted((state for state in states if state.is_losing_touch(today)), key=_by_quiet),
    )


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
