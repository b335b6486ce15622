"""``tracker demo-data``: complete, plausible and reproducible sample data, and a demo admin who can sign in."""

from __future__ import annotations

import re
import stat
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from tests.conftest import empty_database, sign_in
from tracker.clock import today
from tracker.countries.services import tier_as_of
from tracker.delegations.scope import DelegationScope
from tracker.extensions import db
from tracker.health.figures import Dimension, follow_up_health
from tracker.info_requests.workflow import next_statuses
from tracker.models import (
    ContactLog,
    Country,
    Delegate,
    Delegation,
    DelegationStatus,
    InfoRequest,
    NeedCategory,
    Priority,
    RequestKind,
    RequestStatus,
    Role,
    StatedNeed,
    TimelineEntry,
    TimelineKind,
    User,
    Visit,
)

SIGN_IN_LINE = re.compile(r"Demo admin: (\S+) / (\S+)")


@pytest.fixture(autouse=True)
def instance_dir(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the demo admin's sign-in file out of the developer's instance/."""
    monkeypatch.setitem(app.config, "INSTANCE_DIR", tmp_path)
    return tmp_path


def _demo_data(runner: FlaskCliRunner, *options: str) -> str:
    result = runner.invoke(args=["demo-data", "--scale", "small", *options])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def demo_output(runner: FlaskCliRunner) -> str:
    return _demo_data(runner)


def _requests() -> list[InfoRequest]:
    return list(db.session.scalars(select(InfoRequest).order_by(InfoRequest.id)))


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    """What a person would see, without database ids (which need not repeat after deleting rows)."""
    queries = {
        "visits": select(Visit.title, Visit.starts_on, Visit.ends_on, Visit.host_programme, Visit.location),
        "delegations": select(Visit.title, Country.iso3, Delegation.status, User.email)
        .join(Delegation.visit)
        .join(Delegation.country)
        .join(Delegation.liaison),
        "delegates": select(Delegate.name, Delegate.email, Delegate.preferred_language),
        "requests": select(
            InfoRequest.title, InfoRequest.kind, InfoRequest.status, InfoRequest.priority, InfoRequest.due_on,
            InfoRequest.need_id.is_(None), InfoRequest.delivered_at, InfoRequest.created_at,
        ),  # fmt: skip
        "contacts": select(ContactLog.contacted_on, ContactLog.channel, ContactLog.summary),
        "timeline": select(TimelineEntry.kind, TimelineEntry.summary, TimelineEntry.body, TimelineEntry.created_at),
    }
    return {name: sorted(map(tuple, db.session.execute(query)), key=repr) for name, query in queries.items()}


def test_demo_data_shows_every_status_kind_priority_and_need_category(demo_output: str) -> None:
    requests = _requests()
    assert {r.status for r in requests} == set(RequestStatus)
    assert {r.kind for r in requests} == set(RequestKind)
    assert {r.priority for r in requests} == set(Priority)
    assert set(db.session.scalars(select(StatedNeed.category))) == set(NeedCategory)
    assert set(db.session.scalars(select(Delegation.status))) == set(DelegationStatus)


def test_demo_data_is_big_enough_to_explore(demo_output: str) -> None:
    assert len(_requests()) >= 100
    assert db.session.scalar(select(func.count(Delegation.id))) >= 25
    assert db.session.scalar(select(func.count(func.distinct(Delegation.country_id)))) >= 15
    starts = list(db.session.scalars(select(Visit.starts_on)))
    assert len(starts) >= 12
    assert min(starts) <= today() - timedelta(days=600)
    assert max(starts) > today()
    assert "Created 6 users" in demo_output


def test_demo_users_are_one_admin_four_staff_and_a_viewer(demo_output: str) -> None:
    roles = sorted(db.session.scalars(select(User.role)))
    assert roles == sorted([Role.ADMIN, *[Role.STAFF] * 4, Role.VIEWER])
    staff_ids = set(db.session.scalars(select(User.id).where(User.role != Role.VIEWER)))
    assert set(db.session.scalars(select(InfoRequest.owner_id))) <= staff_ids
    assert set(db.session.scalars(select(Delegation.liaison_id))) <= staff_ids


def test_requests_fall_due_weeks_after_they_were_logged_across_the_years(demo_output: str) -> None:
    requests = _requests()
    assert all(r.due_on - r.created_at.date() >= timedelta(days=6) for r in requests)
    due = [r.due_on for r in requests]
    assert min(due) <= today() - timedelta(days=600) and max(due) > today()


def test_the_health_charts_have_a_story_to_tell(demo_output: str) -> None:
    """Several visit years, mostly on time but not always, some overdue now and in past months, some quiet."""
    health = follow_up_health(DelegationScope(), Dimension.YEAR, today())
    assert len(health.groups) >= 3
    total = health.total
    assert total.late >= 5 and total.overdue >= 3 and 0.4 < (total.on_time_share or 0) < 0.95
    assert total.quiet >= 2 and total.median_days
    trend = [point.overdue for point in health.trend]
    assert sum(1 for count in trend if count) >= 6 and len(set(trend)) >= 3


def test_finished_requests_carry_their_reason_or_delivery_time(demo_output: str) -> None:
    for r in _requests():
        assert bool(r.status_reason) is r.status.needs_reason, r
        delivered = r.status in (RequestStatus.DELIVERED, RequestStatus.CLOSED)
        assert (r.delivered_at is not None) is delivered, r
        assert r.created_by_id is not None


def test_tier_snapshots_are_filled_from_the_tier_history(demo_output: str) -> None:
    rows = db.session.execute(select(Delegation, Visit.starts_on).join(Delegation.visit)).all()
    assert any(delegation.tier is not None for delegation, _ in rows)
    for delegation, starts_on in rows:
        assert (delegation.tier, delegation.tier_report_year) == tier_as_of(delegation.country_id, starts_on)


def test_linked_needs_belong_to_the_requests_delegation(demo_output: str) -> None:
    linked = db.session.execute(
        select(InfoRequest.delegation_id, StatedNeed.delegation_id).join(
            StatedNeed, InfoRequest.need_id == StatedNeed.id
        )
    ).all()
    assert len(linked) >= 10
    assert all(request_delegation == need_delegation for request_delegation, need_delegation in linked)


def test_delegations_have_two_to_four_delegates_with_distinct_emails(demo_output: str) -> None:
    by_delegation: dict[int, list[Delegate]] = defaultdict(list)
    for delegate in db.session.scalars(select(Delegate)):
        by_delegation[delegate.delegation_id].append(delegate)
    assert len(by_delegation) == db.session.scalar(select(func.count(Delegation.id)))
    for delegates in by_delegation.values():
        assert 2 <= len(delegates) <= 4
        emails = [d.email for d in delegates]
        assert len(set(emails)) == len(emails)
        assert all(email.endswith(".example") for email in emails)
        assert all(re.fullmatch("[a-z]{2}", d.preferred_language) for d in delegates)


def test_each_request_timeline_follows_the_status_flow_in_the_past(demo_output: str) -> None:
    entries: dict[int, list[TimelineEntry]] = defaultdict(list)
    query = select(TimelineEntry).where(TimelineEntry.request_id.is_not(None))
    for entry in db.session.scalars(query.order_by(TimelineEntry.created_at, TimelineEntry.id)):
        entries[entry.request_id].append(entry)
    now = datetime.now(UTC)
    labels = {status.label: status for status in RequestStatus}
    for info_request in _requests():
        timeline = entries[info_request.id]
        assert timeline[0].kind is TimelineKind.CREATED and timeline[0].created_at == info_request.created_at
        assert all(entry.created_at < now and entry.actor_id is not None for entry in timeline)
        status = RequestStatus.NEW
        for entry in timeline[1:]:
            assert entry.kind in (TimelineKind.STATUS_CHANGED, TimelineKind.COMMENT)
            if entry.kind is TimelineKind.STATUS_CHANGED:
                before, after = (labels[label] for label in entry.summary.removeprefix("Status: ").split(" → "))
                assert before is status and after in next_statuses(status), entry.summary
                status = after
        assert status is info_request.status
    kinds = set(db.session.scalars(select(TimelineEntry.kind)))
    assert {TimelineKind.COMMENT, TimelineKind.CONTACT} <= kinds


def test_contacts_follow_the_visit_and_some_delegations_have_gone_quiet(demo_output: str) -> None:
    day = today()
    contacts = db.session.execute(
        select(ContactLog.contacted_on, Visit.ends_on).join(ContactLog.delegation).join(Delegation.visit)
    ).all()
    assert all(ends_on < contacted_on < day for contacted_on, ends_on in contacts)
    contact_entries = select(func.count(TimelineEntry.id)).where(TimelineEntry.kind == TimelineKind.CONTACT)
    assert db.session.scalar(contact_entries) == len(contacts)
    last_contact = func.max(ContactLog.contacted_on)
    ended = db.session.execute(
        select(Delegation.status, Visit.ends_on, last_contact.label("last_contact"))
        .join(Delegation.visit)
        .outerjoin(ContactLog, ContactLog.delegation_id == Delegation.id)
        .where(Visit.ends_on < day - timedelta(days=30))
        .group_by(Delegation.id, Delegation.status, Visit.ends_on)
    ).all()
    assert sum(1 for row in ended if row.last_contact) > len(ended) * 0.75
    quiet_since = day - timedelta(days=90)
    active = [row for row in ended if row.status is DelegationStatus.ACTIVE]
    assert sum(1 for row in active if (row.last_contact or row.ends_on) < quiet_since) >= 2


def test_every_team_member_has_a_request_due_this_week(demo_output: str) -> None:
    day = today()
    owners = db.session.scalars(
        select(InfoRequest.owner_id).where(
            InfoRequest.status.in_([s for s in RequestStatus if s.is_open]),
            InfoRequest.due_on.between(day, day + timedelta(days=6)),
        )
    )
    assert set(owners) == set(db.session.scalars(select(User.id).where(User.role != Role.VIEWER)))


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(runner: FlaskCliRunner) -> None:
    _demo_data(runner, "--seed", "7")
    first = _snapshot()
    empty_database()
    _demo_data(runner, "--seed", "7")
    assert _snapshot() == first
    empty_database()
    _demo_data(runner, "--seed", "8")
    assert _snapshot()["requests"] != first["requests"]


def test_demo_admin_can_sign_in_with_the_printed_password(
    demo_output: str, client: FlaskClient, instance_dir: Path
) -> None:
    match = SIGN_IN_LINE.search(demo_output)
    assert match, demo_output
    email, password = match.groups()
    admin = db.session.scalar(select(User).where(User.email == email))
    assert admin is not None and admin.role is Role.ADMIN
    sign_in(client, admin, password)
    saved = instance_dir / "demo-admin.txt"
    assert match.group(0) in saved.read_text()
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_if_empty_skips_a_database_with_visits_and_repeats_the_sign_in(
    demo_output: str, runner: FlaskCliRunner
) -> None:
    before = _snapshot()
    output = _demo_data(runner, "--if-empty")
    assert "already has data" in output
    assert SIGN_IN_LINE.search(output).group(0) == SIGN_IN_LINE.search(demo_output).group(0)  # type: ignore[union-attr]
    assert _snapshot() == before


def test_if_empty_fills_an_empty_database(runner: FlaskCliRunner) -> None:
    output = _demo_data(runner, "--if-empty")
    assert SIGN_IN_LINE.search(output)
    assert len(_requests()) >= 100


def test_demo_data_refuses_to_run_twice(demo_output: str, runner: FlaskCliRunner) -> None:
    requests_before = len(_requests())
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "already has demo data" in result.output
    assert len(_requests()) == requests_before


def test_unknown_scale_is_refused(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["demo-data", "--scale", "huge"])
    assert result.exit_code == 2
    assert db.session.scalar(select(func.count(Visit.id))) == 0
