"""Each delegation's next check-in, quiet-since and losing-touch dates, kept by triggers, equal the same dates worked
out from scratch in Python (``schedule.next_check_in`` and the tier's cadence) after every kind of write: ORM and bulk
inserts (the national loader among them), contacts logged, moved and deleted, tiers, statuses and visits changed, a
delegate erased, the policy's offsets and the cadences changed, deletes that cascade; and the Follow-ups page's lists
and counts read from them are the ones worked out in Python."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import delete, select, update

from tests import factories
from tracker import personal_data
from tracker.clock import today
from tracker.extensions import db
from tracker.models import (
    ContactChannel,
    ContactLog,
    Delegation,
    DelegationStatus,
    FollowUpCadence,
    ReminderPolicy,
    Tier,
    Visit,
)
from tracker.reminders import schedule, services
from tracker.reminders.check_in_columns import compute_everything
from tracker.reminders.followups import FollowUp, first_needing_attention, follow_ups
from tracker.reminders.policy import Cadence, cadence_for, cadences, current_policy

Dates = dict[int, tuple[date | None, ...]]


def kept() -> Dates:
    rows = db.session.execute(select(Delegation.id, Delegation.next_check_in_on, Delegation.quiet_since_on,
                                     Delegation.losing_touch_on))  # fmt: skip
    return {delegation_id: tuple(dates) for delegation_id, *dates in rows}


def from_scratch() -> Dates:
    """The dates worked out from the contacts themselves, the visit, the tier and the policy, one by one."""
    offsets, table = current_policy().offsets, cadences()
    latest = dict(db.session.execute(
        select(ContactLog.delegation_id, sa.func.max(ContactLog.contacted_on)).group_by(ContactLog.delegation_id)
    ).all())  # fmt: skip
    dates = {}
    rows = select(Delegation.id, Delegation.status, Delegation.tier, Visit.ends_on).join(Delegation.visit)
    for delegation_id, status, tier, ends_on in db.session.execute(rows):
        if status is not DelegationStatus.ACTIVE:
            dates[delegation_id] = (None, None, None)
            continue
        cadence, last = cadence_for(table, tier), latest.get(delegation_id)
        quiet_since = last or ends_on
        dates[delegation_id] = (
            schedule.next_check_in(ends_on, last, offsets, cadence.ideal_days),
            quiet_since,
            max(ends_on, quiet_since + timedelta(days=cadence.max_days + 1)),
        )
    return dates


def _contact(delegation_id: int, on: date) -> ContactLog:
    contact = ContactLog(delegation_id=delegation_id, contacted_on=on, channel=ContactChannel.CALL, summary="x")
    db.session.add(contact)
    db.session.commit()
    return contact


def _ended(day: date, days_ago: int) -> Visit:
    return factories.visit(starts_on=day - timedelta(days=days_ago + 4))


def test_the_kept_dates_follow_every_write_and_equal_a_computation_from_scratch(app: Flask) -> None:
    day = today()
    liaison = factories.user()
    old, recent, coming = _ended(day, 400), _ended(day, 20), factories.visit(starts_on=day + timedelta(days=30))
    moldova = factories.delegation(visit=old, country=factories.country("MDA"), tier=Tier.TIER_2, liaison=liaison)
    thailand = factories.delegation(visit=recent, country=factories.country("THA"), tier=Tier.TIER_3)
    kenya = factories.delegation(visit=coming, country=factories.country("KEN"), liaison=liaison)
    assert kept() == from_scratch()
    assert kept()[moldova.id][0] == old.ends_on + timedelta(days=14)

    # Contacts: ORM and bulk, before a visit's end, between and after the check-ins; moved and deleted.
    _contact(moldova.id, old.ends_on + timedelta(days=100))
    moved = _contact(thailand.id, day - timedelta(days=5))
    _contact(kenya.id, day - timedelta(days=200))  # before a visit that has not happened: quiet since then
    db.session.execute(sa.insert(ContactLog.__table__), [
        {"delegation_id": moldova.id, "contacted_on": old.ends_on + timedelta(days=n), "channel": ContactChannel.EMAIL,
         "summary": "y"} for n in (10, 200, 250)
    ])  # fmt: skip
    db.session.commit()
    assert kept() == from_scratch()
    db.session.get(ContactLog, moved.id).contacted_on = day - timedelta(days=50)
    db.session.commit()
    latest = ContactLog.contacted_on == old.ends_on + timedelta(days=250)
    db.session.execute(delete(ContactLog).where(ContactLog.delegation_id == moldova.id, latest))
    db.session.commit()
    assert kept() == from_scratch()

    # Bulk delegations (the demo loader, the CSV import), a tier and a visit changed, a visit's end moved.
    db.session.execute(sa.insert(Delegation.__table__), [
        {"visit_id": recent.id, "country_id": factories.country(iso3).id, "liaison_id": liaison.id, "tier": tier,
         "status": DelegationStatus.ACTIVE, "notes": "", "version": 1, "created_at": datetime.now(UTC)}
        for iso3, tier in (("NGA", None), ("PER", Tier.SPECIAL_CASE), ("NPL", Tier.TIER_1))
    ])  # fmt: skip
    db.session.commit()
    changed = db.session.get(Delegation, thailand.id)
    changed.tier, changed.visit_id = Tier.TIER_1, old.id
    db.session.commit()
    db.session.execute(update(Delegation).where(Delegation.tier.is_(None)).values(status=DelegationStatus.CLOSED))
    db.session.commit()
    assert kept() == from_scratch()
    db.session.get(Delegation, kenya.id).status = DelegationStatus.ACTIVE  # a closed follow-up opened again
    db.session.commit()
    db.session.execute(update(Visit).where(Visit.id == recent.id).values(ends_on=recent.ends_on + timedelta(days=3)))
    db.session.commit()
    assert kept() == from_scratch()

    # A delegate erased (names replaced in the delegation's rows, its contacts' summaries among them).
    person = factories.delegate(moldova, name="Ion Popescu")
    _contact(moldova.id, day - timedelta(days=1))
    personal_data.erase(db.session.get_one(type(person), person.id), db.session.get_one(type(liaison), liaison.id),
                        datetime.now(UTC))  # fmt: skip
    db.session.commit()
    assert kept() == from_scratch()

    # The policy: other offsets, other cadences (one tier's row removed: its default again), the row re-created.
    policy = current_policy()
    policy.follow_up_offsets = "7, 30, 365"
    services.save_cadences({Tier.TIER_1: Cadence(20, 25), Tier.NOT_RATED: Cadence(10, 11)})
    db.session.commit()
    assert kept() == from_scratch()
    db.session.execute(update(FollowUpCadence).where(FollowUpCadence.tier == Tier.TIER_3).values(max_days=300))
    db.session.execute(delete(FollowUpCadence).where(FollowUpCadence.tier == Tier.TIER_1))
    db.session.commit()
    assert kept() == from_scratch()
    db.session.execute(delete(ReminderPolicy))
    db.session.commit()
    db.session.execute(sa.insert(ReminderPolicy.__table__).values(id=1, follow_up_offsets="21, 60"))
    db.session.commit()
    assert kept() == from_scratch()

    # Deletes that cascade: a visit and its delegations and their contacts; what remains is still right.
    db.session.execute(delete(Visit).where(Visit.id == old.id))
    db.session.commit()
    assert kept() == from_scratch() and len(kept()) == 4


def test_the_migrations_backfill_works_out_what_the_triggers_kept(app: Flask) -> None:
    day = today()
    for days_ago, tier in ((300, Tier.TIER_1), (100, None), (15, Tier.TIER_3)):
        delegation = factories.delegation(visit=_ended(day, days_ago), tier=tier)
        _contact(delegation.id, day - timedelta(days=days_ago // 2))
    before = kept()
    db.session.execute(update(Delegation).values(next_check_in_on=None, quiet_since_on=None, losing_touch_on=None))
    compute_everything(db.session.connection())
    db.session.commit()
    assert kept() == before == from_scratch()


def _due_and_quiet(day: date, *criteria: sa.ColumnElement[bool]) -> tuple[list[FollowUp], list[FollowUp]]:
    """Both lists worked out in Python over every active delegation (as the page did before the kept dates)."""
    states = follow_ups(*criteria)
    due = sorted((s for s in states if s.is_due(day)), key=lambda s: (s.next_check_in, s.delegation_id))
    quiet = sorted((s for s in states if s.is_losing_touch(day)), key=lambda s: (s.quiet_since, s.delegation_id))
    return due, quiet


def test_the_pages_lists_and_counts_are_the_ones_worked_out_in_python(app: Flask) -> None:
    day = today()
    liaison = factories.user()
    visits = [_ended(day, days_ago) for days_ago in (5, 14, 30, 95, 95, 200, 400)]
    visits.append(factories.visit(starts_on=day + timedelta(days=3)))
    tiers = [None, *Tier]
    for n, visit in enumerate(visits):
        for k, iso3 in enumerate(("MDA", "THA", "KEN")):
            delegation = factories.delegation(visit=visit, country=factories.country(iso3), tier=tiers[(n + k) % 7],
                                              liaison=liaison if k else factories.user())  # fmt: skip
            if (n + k) % 3:
                _contact(delegation.id, visit.ends_on + timedelta(days=(n * 37 + k * 11) % 160 - 20))
    for days_ago in (120, 121):  # not rated: losing touch after 120 days without contact, from the 121st
        factories.delegation(visit=_ended(day, days_ago), country=factories.country("PER"), liaison=liaison)
    closed = factories.delegation(visit=visits[-2], country=factories.country("NGA"), status=DelegationStatus.CLOSED)
    for criteria in ([], [Delegation.liaison_id == liaison.id]):
        due, quiet = _due_and_quiet(day, *criteria)
        for shown in (3, 50):
            lists = first_needing_attention(day, shown, *criteria)
            assert (lists.due, lists.due_count) == (due[:shown], len(due))
            assert (lists.quiet, lists.quiet_count) == (quiet[:shown], len(quiet))
    assert 3 < len(due) < 16 and 3 < len(quiet) < 16
    assert [(day - state.quiet_since).days for state in quiet if state.tier is None][-1] == 121
    assert closed.id not in {state.delegation_id for state in due + quiet}


def test_the_bulk_loaders_delegations_and_contacts_get_their_dates(app: Flask, runner: FlaskCliRunner) -> None:
    """The national loader writes with bulk Core inserts (COPY on PostgreSQL), the search triggers set aside."""
    result = runner.invoke(args=["demo-data", "--scale", "national", "--divisor", "3000"])
    assert result.exit_code == 0, result.output
    dates = kept()
    assert dates == from_scratch()
    assert sum(next_check_in is not None for next_check_in, *_ in dates.values()) > 5
