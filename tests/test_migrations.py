"""The migrations build the models' schema, from an empty database, with the reference data."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from tracker import create_app
from tracker.config import TestConfig
from tracker.extensions import db
from tracker.models import Country, TierPlacement


def test_head_matches_the_models() -> None:
    """The test database was built by `upgrade()` from empty; autogenerate must find nothing to do."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


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


def test_every_timeline_kind_passes_the_migrated_check_constraint() -> None:
    """Adding a kind changes a CHECK constraint that autogenerate does not compare: prove the migration did it."""
    from tests import factories
    from tracker.models import TimelineEntry, TimelineKind

    delegation = factories.delegation()
    for kind in TimelineKind:
        db.session.add(TimelineEntry(delegation_id=delegation.id, kind=kind, summary=kind.label))
    db.session.commit()
    assert db.session.scalar(select(func.count(TimelineEntry.id))) == len(TimelineKind)
