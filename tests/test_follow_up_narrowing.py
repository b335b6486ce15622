"""The Follow-ups lists and the planner read only the delegations whose check-in can be due, or that can be losing
touch, by a bound in SQL: it must never leave out one that the cadence arithmetic would list."""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import cycle

import pytest
from flask.testing import FlaskClient

from tests import factories
from tracker.clock import today
from tracker.extensions import db
from tracker.models import ContactChannel, ContactLog, Tier, User, Visit
from tracker.reminders.followups import (
    due_follow_ups,
    first_needing_attention,
    follow_ups,
    losing_touch,
    needing_attention,
)
from tracker.reminders.policy import Cadence, current_policy
from tracker.reminders.services import save_cadences
from tracker.reminders.views import FOLLOW_UPS_SHOWN

DAY = date(2026, 6, 15)
#: Days before DAY that visits end (one in the future), and when contacts were logged relative to the end.
ENDED_AGO = (400, 200, 100, 61, 45, 30, 15, 14, 13, 7, 1, 0, -3)
CONTACTS = ((), (-1,), (10,), (10, 95), (100, 150), (2, 40, 181))


def _delegations() -> None:
    tiers = cycle([*Tier, None])
    for ago in ENDED_AGO:
        for contacts in CONTACTS:
            ends = DAY - timedelta(days=ago)
            visit = factories.visit(starts_on=ends - timedelta(days=4), ends_on=ends)
            delegation = factories.delegation(visit=visit, tier=next(tiers))
            for days in contacts:
                db.session.add(ContactLog(delegation_id=delegation.id, contacted_on=ends + timedelta(days=days),
                                          channel=ContactChannel.EMAIL, summary="Check-in"))
    db.session.commit()


def _ids(states: list) -> list[int]:
    return [state.delegation_id for state in states]


@pytest.mark.parametrize("policy", ["default", "custom"])
def test_the_narrowed_lists_are_the_lists_worked_out_over_every_delegation(app: object, policy: str) -> None:
    _delegations()
    if policy == "custom":
        current_policy().follow_up_offsets = "7,30,45"
        save_cadences({tier: Cadence(20 + 7 * n, 40 + 11 * n) for n, tier in enumerate(Tier)})
        db.session.commit()
    everyone = follow_ups()
    for day in (DAY + timedelta(days=step) for step in (-20, -1, 0, 1, 13, 60, 200)):
        ended = [state for state in everyone if state.visit_ended <= day]
        due = sorted((s for s in ended if s.is_due(day)), key=lambda s: (s.next_check_in, s.delegation_id))
        quiet = sorted((s for s in ended if s.is_losing_touch(day)), key=lambda s: (s.quiet_since, s.delegation_id))
        assert due and quiet, day  # the data covers both lists on every day tried
        assert _ids(due_follow_ups(day)) == _ids(due), day
        assert _ids(losing_touch(day)) == _ids(quiet), day
        assert tuple(map(_ids, needing_attention(day))) == (_ids(due), _ids(quiet)), day
        head = first_needing_attention(day, 5)
        assert (head.due_count, head.quiet_count) == (len(due), len(quiet))
        assert head.due == due[:5] and head.quiet == quiet[:5]  # the names are read for the rows shown


def test_the_page_lists_the_longest_waiting_and_counts_the_rest(signed_in: FlaskClient, staff: User) -> None:
    ends = today() - timedelta(days=30)
    for n in range(FOLLOW_UPS_SHOWN + 2):
        visit = factories.visit(starts_on=ends - timedelta(days=n + 4), ends_on=ends - timedelta(days=n))
        factories.delegation(visit=visit, liaison=staff)
    page = signed_in.get(f"/follow-ups?liaison={staff.id}").get_data(as_text=True)
    due_part = page.split("Losing touch")[0]
    assert f"Check-ins due ({FOLLOW_UPS_SHOWN + 2})" in due_part
    assert len(re.findall(r'href="/delegations/\d+"', due_part)) == FOLLOW_UPS_SHOWN
    assert "And 2 more, not shown here" in due_part
    oldest = db.session.scalar(db.select(Visit.title).order_by(Visit.ends_on).limit(1))
    assert oldest in due_part  # the longest waiting is listed first
