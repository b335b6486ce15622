"""The migrations build the models' schema, from an empty database, with the reference data."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskCliRunner
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from tracker import create_app
from tracker.config import TestConfig
from tracker.extensions import db
from tracker.models import Country, Region, TierPlacement
from tracker.search.schema import include_name


def test_head_matches_the_models() -> None:
    """The test database was built by `upgrade()` from empty; autogenerate must find nothing to do (the search
    index's FTS5 tables and tsvector column are not models: the app's Alembic hook leaves them out)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_tracker_db_check_finds_nothing_to_do(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_every_iso_country_and_kosovo_is_there() -> None:
    assert db.session.scalar(select(func.count(Country.id))) == 250
    kosovo = db.session.scalar(select(Country).where(Country.iso3 == "XKX"))
    assert kosovo is not None and kosovo.iso2 == "XK"


def test_bundled_tier_history_is_loaded() -> None:
    years = db.session.execute(select(func.min(TierPlacement.year), func.max(TierPlacement.year))).one()
    assert tuple(years) == (2001, 2015)
    assert db.session.scalar(select(func.count(TierPlacement.id))) == 2251


def test_upgrade_and_downgrade_an_empty_database(app: Flask, tmp_path: Path) -> None:
    """From nothing to head and back to nothing, on a database of its own."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": tmp_path})
    with fresh.app_context():
        upgrade()
        assert set(sa.inspect(db.engine).get_table_names()) >= {"information_requests", "timeline_entries"}
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert db.session.scalar(select(func.count(Country.id))) == 250
        db.session.remove()
        db.engine.dispose()


def test_every_country_the_report_rates_has_its_bureau() -> None:
    regions = {iso3: region for iso3, region in db.session.execute(select(Country.iso3, Country.region))}
    rated = set(db.session.scalars(select(Country.iso3).join(TierPlacement.country).distinct()))
    assert {iso3 for iso3 in rated if regions[iso3] is None} == set()
    assert (regions["MDA"], regions["THA"], regions["MAR"], regions["KAZ"], regions["XKX"]) == (
        Region.EUROPE, Region.EAST_ASIA_PACIFIC, Region.NEAR_EAST, Region.SOUTH_CENTRAL_ASIA, Region.EUROPE,
    )  # fmt: skip
    assert (regions["USA"], regions["CUW"], regions["HKG"], regions["SOM"]) == (
        Region.WESTERN_HEMISPHERE, Region.WESTERN_HEMISPHERE, Region.EAST_ASIA_PACIFIC, Region.AFRICA,
    )  # fmt: skip
    assert regions["GRL"] is None and regions["ATA"] is None  # territories the report does not cover


def test_upgrading_a_database_with_records_keeps_them(tmp_path: Path) -> None:
    """SQLite copies a table to change it; with foreign keys on, dropping the old countries table would delete
    its tier placements (ON DELETE CASCADE). The migrations run with foreign keys off and check them after."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": tmp_path})
    with old.app_context():
        upgrade(revision="a22133c1ed69")
        with db.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO users (id, email, name, role, password_hash, is_enabled, session_token, created_at) "
                "VALUES (1, 'a@b.example', 'A', 'staff', 'x', 1, 't', '2025-01-01 00:00:00')"
            ))  # fmt: skip
            connection.execute(sa.text(
                "INSERT INTO visits (id, title, starts_on, ends_on, host_programme, location, notes, version, "
                "created_at) VALUES (1, 'V', '2025-01-01', '2025-01-02', '', '', '', 1, '2025-01-01 00:00:00')"
            ))  # fmt: skip
            connection.execute(sa.text(
                "INSERT INTO delegations (visit_id, country_id, liaison_id, status, notes, version, created_at) "
                "SELECT 1, id, 1, 'active', '', 1, '2025-01-01 00:00:00' FROM countries WHERE iso3 = 'MDA'"
            ))  # fmt: skip
        upgrade()
        assert db.session.scalar(select(func.count(TierPlacement.id))) == 2251
        assert db.session.scalar(sa.text("SELECT count(*) FROM delegations")) == 1
        assert db.session.scalar(sa.text("PRAGMA foreign_keys")) == 1
        db.session.remove()
        db.engine.dispose()


def test_every_timeline_kind_passes_the_migrated_check_constraint() -> None:
    """Adding a kind changes a CHECK constraint that autogenerate does not compare: prove the migration did it."""
    from tests import factories
    from tracker.models import TimelineEntry, TimelineKind

    delegation = factories.delegation()
    for kind in TimelineKind:
        db.session.add(TimelineEntry(delegation_id=delegation.id, kind=kind, summary=kind.label))
    db.session.commit()
    assert db.session.scalar(select(func.count(TimelineEntry.id))) == len(TimelineKind)
