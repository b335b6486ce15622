"""``tracker demo-data --scale national``: SPEC §7's data set, loaded in bulk, the same for a seed.

The tests load a thousandth of it (the hidden ``--divisor``); the proportions are the national ones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite

from tests import factories
from tests.conftest import empty_database
from tests.test_demo_data import _snapshot
from tracker.clock import today
from tracker.demo import bulk, national
from tracker.extensions import db
from tracker.health import summary_triggers
from tracker.models import (
    Delegate,
    Delegation,
    FollowUpCount,
    FollowUpCountsZone,
    InfoRequest,
    RequestStatus,
    SearchDocument,
    TimelineEntry,
    User,
    Visit,
)
from tracker.models.requests import OPEN_STATUSES
from tracker.reminders import check_in_columns
from tracker.search import index
from tracker.search.terms import Terms


def _load(runner: FlaskCliRunner, *options: str) -> str:
    result = runner.invoke(args=["demo-data", "--scale", "national", "--divisor", "1000", *options])
    assert result.exit_code == 0, result.output
    return result.output


def _count(column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(runner: FlaskCliRunner) -> None:
    _load(runner, "--seed", "5")
    first = _snapshot()
    empty_database()
    _load(runner, "--seed", "5")
    assert _snapshot() == first
    empty_database()
    _load(runner, "--seed", "6")
    assert _snapshot() != first


def test_national_proportions_history_and_status_mix(runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(national, "CHUNK", 30)  # visits straddle chunks, as at full size
    output = _load(runner)
    assert "Created 36 users, 41 visits, 100 delegations" in output
    assert _count(Delegate.id) == 300
    assert 900 <= _count(InfoRequest.id) <= 1000  # the visit still to come has none yet
    assert 2500 <= _count(TimelineEntry.id) <= 4000
    starts = list(db.session.scalars(select(Visit.starts_on)))
    assert min(starts) <= today() - timedelta(days=365 * 19) and max(starts) > today()
    statuses = list(db.session.scalars(select(InfoRequest.status)))
    finished = sum(status not in OPEN_STATUSES for status in statuses)
    assert finished > 0.9 * len(statuses) and RequestStatus.DELIVERED in statuses
    assert set(db.session.scalars(select(Delegation.tier_report_year))) - {None}
    # Every searchable row went through the search index's triggers.
    assert _count(SearchDocument.id) >= _count(Delegate.id) + _count(InfoRequest.id)


def test_a_delivery_comes_around_its_due_date_after_the_steps_before_it(runner: FlaskCliRunner) -> None:
    """Delivered by 60 days after the due date at the latest (``tracker.demo.chance``'s lateness), never before the
    request was logged; its delivery step's moment is the delivery's."""
    _load(runner)
    delivered = db.session.execute(
        select(InfoRequest.id, InfoRequest.created_at, InfoRequest.due_on, InfoRequest.delivered_at)
        .where(InfoRequest.delivered_at.is_not(None))
    ).all()
    assert len(delivered) > 100
    for request_id, created_at, due_on, delivered_at in delivered:
        assert created_at <= delivered_at, request_id
        assert delivered_at.date() <= due_on + timedelta(days=61), (request_id, due_on, delivered_at)


def test_rows_added_after_the_load_get_fresh_ids(runner: FlaskCliRunner) -> None:
    _load(runner)
    visit = factories.visit()  # on PostgreSQL, only if the sequences moved past the loaded ids
    db.session.commit()
    assert visit.id == _count(Visit.id)


def test_refuses_a_database_that_has_data(runner: FlaskCliRunner) -> None:
    factories.visit()
    db.session.commit()
    result = runner.invoke(args=["demo-data", "--scale", "national", "--divisor", "1000"])
    assert result.exit_code != 0 and "empty database" in result.output
    assert _count(User.id) == 0


def _documents() -> set[tuple]:
    query = select(SearchDocument.kind, SearchDocument.record_id, SearchDocument.title, SearchDocument.body)
    return set(map(tuple, db.session.execute(query)))


def _schema() -> dict[str, list]:
    """The loaded tables' foreign keys and the database's triggers, which the load sets aside for a while."""
    inspector = sa.inspect(db.engine)
    keys = {table.name: inspector.get_foreign_keys(table.name) for table in national.TABLES.values()}
    if db.engine.dialect.name == "sqlite":
        triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    else:
        triggers = "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"
    return keys | {"triggers": list(map(tuple, db.session.execute(sa.text(triggers))))}


def test_the_search_index_is_what_the_triggers_make_and_they_are_back_after_the_load(runner: FlaskCliRunner) -> None:
    schema = _schema()
    db.session.rollback()
    _load(runner)
    assert _schema() == schema
    bulk_made = _documents()
    hits = {word: index.search(Terms.parse(word)).hits for word in ("law", "ministry", "exchange")}
    assert all(hits.values())

    # The same documents, written by the triggers this time: emptied, then every source row "edited".
    db.session.execute(sa.delete(SearchDocument))
    for table, column in [("visits", "title"), ("delegations", "notes"), ("delegates", "name"),
                          ("stated_needs", "description"), ("information_requests", "title")]:  # fmt: skip
        db.session.execute(sa.text(f"UPDATE {table} SET {column} = {column}"))
    db.session.commit()
    assert _documents() == bulk_made
    assert {word: index.search(Terms.parse(word)).hits for word in hits} == hits
    # And rows added after the load are indexed at once.
    delegate = factories.delegate(factories.delegation(), name="Zephyrine Quillfeather")
    db.session.commit()
    assert [hit.record_id for hit in index.search(Terms.parse("quillfeather")).hits] == [delegate.id]


def _kept() -> tuple[list[tuple], list[tuple]]:
    """The follow-up summary (rows that reached 0 and stay are left out), and each delegation's last contact and
    follow-up dates."""
    summary = select(FollowUpCount.__table__).where(FollowUpCount.count != 0)
    columns = [getattr(Delegation, name) for name in ("last_contact_on", *check_in_columns.COLUMNS)]
    return (
        list(map(tuple, db.session.execute(summary.order_by(*FollowUpCount.__table__.primary_key)))),
        list(map(tuple, db.session.execute(select(Delegation.id, *columns).order_by(Delegation.id)))),
    )


def _version() -> int:
    return db.session.scalar(select(FollowUpCountsZone.version))


def test_what_the_triggers_keep_is_complete_after_the_load_and_kept_after_it(runner: FlaskCliRunner) -> None:
    # SQLite's load works it out once at the end, with those triggers off; PostgreSQL's triggers keep it per batch:
    # either way, the same as counting from scratch. And the figures workers kept before the load are let go.
    version = _version()
    db.session.rollback()
    _load(runner)
    assert _version() != version
    loaded = _kept()
    assert loaded[0] and any(row[1] for row in loaded[1])  # a summary, and contacts
    connection = db.session.connection()
    summary_triggers.count_last_contacts(connection)
    summary_triggers.count_everything(connection, current_app.config["TIMEZONE"])
    check_in_columns.compute_everything(connection)
    assert _kept() == loaded
    # The triggers are back: a request logged after the load is counted at once.
    requests = db.session.scalar(select(func.sum(FollowUpCount.count)).where(FollowUpCount.measure == "requests"))
    factories.info_request(db.session.scalars(select(Delegation).limit(1)).one())
    db.session.commit()
    assert db.session.scalar(
        select(func.sum(FollowUpCount.count)).where(FollowUpCount.measure == "requests")
    ) == requests + 1


def test_moments_are_stored_on_sqlite_as_sqlalchemy_stores_them() -> None:
    dialect = sqlite.dialect()
    store = sa.DateTime().dialect_impl(dialect).bind_processor(dialect)
    for moment in (datetime(2026, 3, 4, 5, 6, tzinfo=UTC), datetime(2007, 11, 30, 23, 59, 58, 123, tzinfo=UTC)):
        assert bulk.sqlite_moment(moment) == store(moment.replace(tzinfo=None))
