"""A country's move to another tier in a new report, told to whoever follows up its delegations.

A move is a tier that differs from the country's previous report, in a report year after the last
one the tracker had for it: corrections to past years are data fixes, not news. Each move becomes a
timeline entry on every active delegation from that country, and its liaison sees recent ones on the
dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select

from tracker import wording
from tracker.clock import start_of
from tracker.countries.names import KnownCountry
from tracker.extensions import db
from tracker.models import Country, Delegation, DelegationStatus, Tier, TimelineEntry, TimelineKind, User, Visit
from tracker.timeline import record

#: How long a tier change stays on the liaison's dashboard.
RECENT_DAYS = 90


class TierMove(NamedTuple):
    country: KnownCountry
    year: int
    before: Tier
    after: Tier


def tier_moves(
    history: dict[tuple[int, int], Tier], written: Iterable[tuple[KnownCountry, int, Tier]]
) -> list[TierMove]:
    """The moves that ``written`` placements make, given the history before they were written."""
    latest: dict[int, tuple[int, Tier]] = {}
    for (country_id, year), tier in sorted(history.items()):
        latest[country_id] = (year, tier)
    newer: dict[KnownCountry, list[tuple[int, Tier]]] = defaultdict(list)
    for country, year, tier in written:
        if country.id in latest and year > latest[country.id][0]:
            newer[country].append((year, tier))
    moves = []
    for country, placements in newer.items():
        previous = latest[country.id][1]
        for year, tier in sorted(placements):
            if tier != previous:
                moves.append(TierMove(country, year, previous, tier))
            previous = tier
    return moves


def record_tier_moves(moves: Sequence[TierMove], actor: User | None) -> int:
    """Add each move to the timeline of every active delegation from its country; return how many entries."""
    by_country: dict[int, list[TierMove]] = defaultdict(list)
    for move in moves:
        by_country[move.country.id].append(move)
    if not by_country:
        return 0
    delegations = db.session.execute(
        select(Delegation.id, Delegation.country_id).where(
            Delegation.country_id.in_(by_country), Delegation.status == DelegationStatus.ACTIVE
        )
    ).all()
    for delegation_id, country_id in delegations:
        for move in by_country[country_id]:
            summary = wording.tier_moved(move.country.name, move.before, move.after, move.year)
            record(TimelineKind.TIER_CHANGE, summary, delegation_id=delegation_id, actor=actor)
    return sum(len(by_country[country_id]) for _, country_id in delegations)


class RecentTierChange(NamedTuple):
    """A tier change on the dashboard: what it said, when, and on which delegation."""

    delegation_id: int
    country: str
    visit_title: str
    summary: str
    created_at: datetime


def recent_tier_changes(liaison_id: int, today: date, limit: int) -> list[RecentTierChange]:
    """Tier changes of the last ``RECENT_DAYS`` days on the delegations this person liaises with, newest first."""
    since = start_of(today - timedelta(days=RECENT_DAYS))
    # The recent tier changes first (few, by the timeline's kind and time), then whose they are: looking among each
    # of the person's delegations' entries took a lookup per delegation (thousands for the demo's admin).
    recent = (
        select(TimelineEntry.id)
        .where(TimelineEntry.kind == TimelineKind.TIER_CHANGE, TimelineEntry.created_at >= since)
        .cte("recent_tier_changes")
        .prefix_with("MATERIALIZED", dialect="sqlite")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    # The columns shown, not the entries and delegations with what they load (their delegate, country and visit):
    # PostgreSQL took 3 ms to plan those joins.
    rows = db.session.execute(
        select(Delegation.id, Country.name, Visit.title, TimelineEntry.summary, TimelineEntry.created_at)
        .join(recent, recent.c.id == TimelineEntry.id)
        .join(Delegation, TimelineEntry.delegation_id == Delegation.id)
        .join(Country, Country.id == Delegation.country_id)
        .join(Visit, Visit.id == Delegation.visit_id)
        .where(Delegation.liaison_id == liaison_id)
        .order_by(TimelineEntry.created_at.desc(), TimelineEntry.id.desc())
        .limit(limit)
    )
    return [RecentTierChange(*row) for row in rows]
