"""The follow-up summary kept by triggers equals a count from scratch, written here in Python from the records,
after every kind of write: ORM and bulk inserts, status changes, due dates moved, deliveries, tiers, countries
and visit dates changed, contacts, and deletes that cascade; and the migration's backfill counts the same."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import delete, select, update

from tests import factories
from tracker.clock import today
from tracker.delegations.scope import DelegationScope
from tracker.extensions import db
from tracker.health.figures import QUIET_DAYS, Dimension, follow_up_health, trend_days
from tracker.health.summary import DAYS_BAND, NEVER, day_number, day_of, month_number
from tracker.health.summary_triggers import count_everything, count_last_contacts, count_overdue_months, ensure_counted
from tracker.info_requests.queries import CALLED_OFF, delivered_late, delivered_on_time, overdue, overdue_on
from tracker.models import (
    OPEN_STATUSES,
    ContactChannel,
    ContactLog,
    Delegation,
    DelegationStatus,
    FollowUpCount,
    InfoRequest,
    NeedCategory,
    RequestKind,
    RequestStatus,
    StatedNeed,
    Tier,
    Visit,
)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def summary() -> Counter[tuple]:
    """The summary's rows that count something."""
    rows = db.session.execute(
        select(FollowUpCount.measure, FollowUpCount.visit_year, FollowUpCount.country_id, FollowUpCount.tier,
               FollowUpCount.day, FollowUpCount.until, FollowUpCount.count).where(FollowUpCount.count != 0)
    )  # fmt: skip
    return Counter({tuple(row[:6]): row[6] for row in rows})


def from_scratch(zone: str) -> Counter[tuple]:
    """What the summary should hold, worked out from the records one by one (see tracker.health.summary)."""
    local = ZoneInfo(zone)
    visits = {visit.id: visit for visit in db.session.scalars(select(Visit))}
    delegations = {delegation.id: delegation for delegation in db.session.scalars(select(Delegation))}
    last_contact: dict[int, date] = {}
    for delegation_id, contacted_on in db.session.execute(select(ContactLog.delegation_id, ContactLog.contacted_on)):
        last_contact[delegation_id] = max(contacted_on, last_contact.get(delegation_id, contacted_on))

    def cohort(delegation_id: int) -> tuple:
        delegation = delegations[delegation_id]
        tier = delegation.tier.value if delegation.tier else ""
        return visits[delegation.visit_id].starts_on.year, delegation.country_id, tier

    counts: Counter[tuple] = Counter()

    def count(measure: str, delegation_id: int, day: int = 0, until: int = 0) -> None:
        year, country_id, tier = cohort(delegation_id)
        counts[(measure, year, country_id, tier, day, until)] += 1
        if measure != "overdue":  # the others by coarser cohorts too
            for suffix, key in (("_by_tier", (0, 0, tier)), ("_by_year", (year, 0, "*")),
                                ("_by_country", (0, country_id, "*"))):
                counts[(measure + suffix, *key, day, until)] += 1

    for delegation in delegations.values():
        count("delegations", delegation.id)
        ends_on, last = visits[delegation.visit_id].ends_on, last_contact.get(delegation.id)
        if delegation.status is DelegationStatus.ACTIVE:
            count("active", delegation.id)
            count("active_ended", delegation.id, day_number(ends_on))
            count("active_quiet", delegation.id, day_number(last or ends_on))
        if last:
            count("last_contact", delegation.id, day_number(last))
    for need in db.session.scalars(select(StatedNeed)):
        count(f"need:{need.category.value}", need.delegation_id)
    for request in db.session.scalars(select(InfoRequest)):
        created_on = request.created_at.astimezone(local).date()
        delivered_on = request.delivered_at.astimezone(local).date() if request.delivered_at else None
        count("requests", request.delegation_id)
        if delivered_on:
            count("on_time" if delivered_on <= request.due_on else "late", request.delegation_id)
            days = (delivered_on - created_on).days
            count("days", request.delegation_id, days)
            count("days_band", request.delegation_id, int(days / DAYS_BAND))  # as SQL divides: towards zero
        if request.status.is_open:
            count("open", request.delegation_id)
            count("open_due", request.delegation_id, day_number(request.due_on))
        overdue_from = day_number(max(created_on, request.due_on + timedelta(days=1)))
        until = day_number(delivered_on) if delivered_on else NEVER
        if request.status not in CALLED_OFF and overdue_from < until:
            count("overdue", request.delegation_id, overdue_from, until)
            from_month = month_number(day_of(overdue_from))
            until_month = month_number(delivered_on) if delivered_on else NEVER
            if from_month < until_month:
                count("overdue_months", request.delegation_id, from_month, until_month)
    return counts


def _last_contacts_are_kept() -> None:
    kept = dict(db.session.execute(select(Delegation.id, Delegation.last_contact_on)).all())
    latest = dict(db.session.execute(
        select(ContactLog.delegation_id, sa.func.max(ContactLog.contacted_on)).group_by(ContactLog.delegation_id)
    ).all())  # fmt: skip
    assert kept == {delegation_id: latest.get(delegation_id) for delegation_id in kept}


def _request(delegation: Delegation, created: date, due: date, delivered: datetime | None = None,
             status: RequestStatus | None = None) -> InfoRequest:
    status = status or (RequestStatus.DELIVERED if delivered else RequestStatus.IN_PROGRESS)
    reason = "Not ours to do" if status.needs_reason else None
    return factories.info_request(delegation, created_at=_at(created), due_on=due, status=status,
                                  status_reason=reason, delivered_at=delivered)  # fmt: skip


def _contact(delegation: Delegation, on: date) -> ContactLog:
    contact = ContactLog(delegation_id=delegation.id, contacted_on=on, channel=ContactChannel.CALL, summary="x")
    db.session.add(contact)
    db.session.commit()
    return contact


def _records(day: date) -> dict[str, object]:
    """Three countries over two visit years, every kind of request, needs and contacts (ORM and bulk)."""

    def ago(days: int) -> date:
        return day - timedelta(days=days)

    first = factories.visit(starts_on=day - timedelta(days=500))
    second = factories.visit(starts_on=day - timedelta(days=120))
    moldova = factories.delegation(visit=first, country=factories.country("MDA"), tier=Tier.TIER_2)
    thailand = factories.delegation(visit=second, country=factories.country("THA"), tier=Tier.TIER_3)
    nigeria = factories.delegation(visit=second, country=factories.country("NGA"))
    late = _request(moldova, ago(490), ago(460), _at(ago(440), hour=23))
    on_time = _request(thailand, ago(110), ago(80), _at(ago(81)))
    owed = _request(thailand, ago(100), ago(30))
    _request(nigeria, ago(100), ago(-10))
    _request(nigeria, ago(100), ago(50), status=RequestStatus.DECLINED)
    for delegation, category in ((moldova, NeedCategory.LEGISLATION), (thailand, NeedCategory.DATA),
                                 (nigeria, NeedCategory.DATA)):  # fmt: skip
        factories.need(delegation, category=category)
    _contact(moldova, ago(400))
    thai_contact = _contact(thailand, ago(20))
    # Bulk: rows inserted with Core, as the demo loader and the CSV import do.
    db.session.execute(sa.insert(InfoRequest.__table__), [
        {"delegation_id": nigeria.id, "kind": RequestKind.DATA, "title": f"Figures {n}", "owner_id": nigeria.liaison_id,
         "due_on": ago(40 - n), "created_at": _at(ago(90)), "status": status,
         "delivered_at": _at(ago(45 - 2 * n)) if status is RequestStatus.DELIVERED else None}
        for n, status in enumerate([RequestStatus.DELIVERED, RequestStatus.NEW, RequestStatus.WAITING,
                                    RequestStatus.DELIVERED, RequestStatus.CLOSED])
    ])  # fmt: skip
    db.session.execute(sa.insert(ContactLog.__table__), [
        {"delegation_id": nigeria.id, "contacted_on": ago(200 - n), "channel": ContactChannel.EMAIL, "summary": "y"}
        for n in range(3)
    ])  # fmt: skip
    db.session.commit()
    return {"first": first, "second": second, "moldova": moldova, "thailand": thailand, "nigeria": nigeria,
            "late": late, "on_time": on_time, "owed": owed, "thai_contact": thai_contact}  # fmt: skip


def _change_everything(records: dict, day: date) -> None:
    """Status changes, a delivery, due dates moved, cohorts moved, contacts and needs changed, deletes."""
    owed, thailand, nigeria = records["owed"], records["thailand"], records["nigeria"]
    request = db.session.get(InfoRequest, owed.id)
    request.due_on = day + timedelta(days=3)  # a due date moved after waiting on the delegate
    db.session.commit()
    request.status, request.delivered_at = RequestStatus.DELIVERED, _at(day - timedelta(days=1))
    db.session.commit()
    request.status = RequestStatus.IN_PROGRESS  # reopened: still counted as delivered then
    db.session.commit()
    db.session.execute(update(InfoRequest).where(InfoRequest.id == records["late"].id)
                       .values(status=RequestStatus.WITHDRAWN, status_reason="No longer needed"))  # fmt: skip
    db.session.execute(update(InfoRequest).where(InfoRequest.status == RequestStatus.NEW)
                       .values(due_on=day - timedelta(days=7)))  # fmt: skip
    moved = db.session.get(Delegation, thailand.id)
    moved.tier, moved.country_id = Tier.TIER_2_WATCH_LIST, factories.country("KEN").id
    db.session.commit()
    db.session.get(Delegation, nigeria.id).status = DelegationStatus.CLOSED
    db.session.commit()
    second = db.session.get(Visit, records["second"].id)
    second.starts_on, second.ends_on = second.starts_on - timedelta(days=365), second.ends_on + timedelta(days=2)
    db.session.commit()
    contact = db.session.get(ContactLog, records["thai_contact"].id)
    contact.contacted_on = day - timedelta(days=95)
    db.session.commit()
    db.session.execute(delete(ContactLog).where(ContactLog.delegation_id == nigeria.id,
                                                ContactLog.contacted_on == day - timedelta(days=198)))  # fmt: skip
    db.session.execute(update(StatedNeed).where(StatedNeed.delegation_id == nigeria.id)
                       .values(category=NeedCategory.PREVENTION))  # fmt: skip
    db.session.execute(delete(InfoRequest).where(InfoRequest.id == records["on_time"].id))
    db.session.commit()


def test_the_summary_follows_every_write_and_equals_a_count_from_scratch(app: Flask) -> None:
    day = today()
    records = _records(day)
    zone = app.config["TIMEZONE"]
    assert summary() == from_scratch(zone)
    _change_everything(records, day)
    assert summary() == from_scratch(zone)
    _last_contacts_are_kept()
    # Deletes that cascade: a delegation (its requests, needs, contacts), then a visit (its delegations and theirs).
    db.session.execute(delete(Delegation).where(Delegation.id == records["moldova"].id))
    db.session.commit()
    assert summary() == from_scratch(zone)
    db.session.execute(delete(Visit).where(Visit.id == records["second"].id))
    db.session.commit()
    assert summary() == Counter() == from_scratch(zone)


def test_the_summary_is_counted_again_in_another_time_zone(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    day = today()
    _records(day)
    monkeypatch.setitem(app.config, "TIMEZONE", "Pacific/Auckland")
    ensure_counted()
    assert summary() == from_scratch("Pacific/Auckland") != from_scratch("UTC")
    # The triggers count in the summary's zone from then on.
    _request(factories.delegation(), day - timedelta(days=9), day - timedelta(days=5), _at(day - timedelta(days=5), 20))
    assert summary() == from_scratch("Pacific/Auckland")


def test_the_figures_count_what_the_lists_conditions_select(app: Flask) -> None:
    """The health figures from the summary equal the same figures counted over the requests and delegations with
    the lists' own conditions."""
    day = today()
    records = _records(day)
    _change_everything(records, day)
    health = follow_up_health(DelegationScope(), Dimension.YEAR, day)
    requests = select(sa.func.count()).select_from(InfoRequest)
    assert health.total.on_time == db.session.scalar(requests.where(delivered_on_time()))
    assert health.total.late == db.session.scalar(requests.where(delivered_late()))
    assert health.total.overdue == db.session.scalar(requests.where(overdue(day)))
    assert health.total.open == db.session.scalar(requests.where(InfoRequest.status.in_(OPEN_STATUSES))) > 0
    assert [point.overdue for point in health.trend] == [
        db.session.scalar(requests.where(overdue_on(d))) for d in trend_days(day)
    ]
    contacts = dict(db.session.execute(
        select(ContactLog.delegation_id, sa.func.max(ContactLog.contacted_on)).group_by(ContactLog.delegation_id)
    ).all())  # fmt: skip
    followed = quiet = 0
    for delegation, ends_on in db.session.execute(select(Delegation, Visit.ends_on).join(Delegation.visit)):
        if delegation.status is DelegationStatus.ACTIVE:
            followed += ends_on < day
            quiet += contacts.get(delegation.id, ends_on) < day - timedelta(days=QUIET_DAYS)
    assert (health.total.followed_up, health.total.quiet) == (followed, quiet)
    assert health.total.on_time + health.total.late + health.total.overdue > 0 and followed > 0


def test_the_migrations_backfill_counts_what_the_triggers_did(app: Flask) -> None:
    """The migration fills the new column and counts the records already there with these two functions."""
    day = today()
    _change_everything(_records(day), day)
    kept = summary()
    db.session.execute(update(Delegation).values(last_contact_on=None))
    db.session.execute(delete(FollowUpCount))
    db.session.flush()
    connection = db.session.connection()
    count_last_contacts(connection)
    count_everything(connection, app.config["TIMEZONE"])
    db.session.commit()
    assert summary() == kept == from_scratch(app.config["TIMEZONE"])
    _last_contacts_are_kept()


def test_overdue_months_counted_from_the_overdue_spans_equal_what_the_triggers_count(app: Flask) -> None:
    """Migration j2e4a6c8d0f3 counts the overdue spans by month from the summary's overdue spans."""
    day = today()
    _change_everything(_records(day), day)
    kept = summary()
    assert any(key[0].startswith("overdue_months") for key in kept)
    db.session.execute(delete(FollowUpCount).where(FollowUpCount.measure.like("overdue_months%")))
    count_overdue_months(db.session.connection())
    db.session.commit()
    assert summary() == kept
