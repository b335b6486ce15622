"""The reminder policy and follow-up cadences admins set, with the SPEC's defaults when none is stored yet."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.clock import centre_zone
from tracker.database import insert_ignoring_duplicates
from tracker.extensions import db
from tracker.models import FollowUpCadence, ReminderPolicy, Tier, User

#: (ideal, maximum) days between contacts, by the tier a delegation had when it visited: closer follow-up
#: where the country's record is weakest.
DEFAULT_CADENCES: dict[Tier, tuple[int, int]] = {
    Tier.TIER_1: (90, 180),
    Tier.TIER_2: (60, 120),
    Tier.TIER_2_WATCH_LIST: (45, 90),
    Tier.TIER_3: (30, 60),
    Tier.SPECIAL_CASE: (45, 90),
    Tier.NOT_RATED: (60, 120),
}


def current_policy() -> ReminderPolicy:
    """The stored policy (the first migration seeds it); created with the defaults if it went missing."""
    policy = db.session.get(ReminderPolicy, 1, options=[joinedload(ReminderPolicy.paused_by)])
    if policy is None:  # two passes may notice at once: let the database keep one row
        db.session.execute(insert_ignoring_duplicates(ReminderPolicy, "id").values(id=1))
        policy = db.session.get_one(ReminderPolicy, 1)
    # Held by the session: its identity map holds objects weakly, and a page reads the policy twice (its figures,
    # then the banner), which with nothing holding it between queried it again.
    db.session.info["reminder_policy"] = policy
    return policy


@dataclass(frozen=True)
class Cadence:
    ideal_days: int
    max_days: int


def cadences() -> dict[Tier, Cadence]:
    """Every tier's cadence; a delegation with no known tier uses ``not_rated``'s."""
    stored = {row.tier: row for row in db.session.scalars(select(FollowUpCadence))}
    result = {}
    for tier, (ideal, maximum) in DEFAULT_CADENCES.items():
        row = stored.get(tier)
        result[tier] = Cadence(row.ideal_days, row.max_days) if row else Cadence(ideal, maximum)
    return result


def cadence_for(table: dict[Tier, Cadence], tier: Tier | None) -> Cadence:
    return table[tier or Tier.NOT_RATED]


def user_zone(user: User) -> ZoneInfo:
    """The zone a person's reminders are computed in: their own, or the centre's."""
    return ZoneInfo(user.time_zone) if user.time_zone else centre_zone()
