"""The migrations build the models' schema, from an empty database, with the reference data."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

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
