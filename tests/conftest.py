"""Fixtures: one migrated database per run (SQLite, or PostgreSQL from TRACKER_TEST_DATABASE_URL),
emptied of everything but the reference data after each test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, current_app
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from hypothesis import HealthCheck, settings

from tests import factories
from tests.smtp import SMTPServer
from tracker import create_app
from tracker.config import TestConfig
from tracker.countries.reference import bundled_tiers
from tracker.database import insert_ignoring_duplicates
from tracker.extensions import db
from tracker.models import Country, FollowUpCountsZone, ReminderPolicy, TierPlacement, User

#: Hypothesis (the hostile-input tests): by default the same examples on every run, from a seed and with no
#: example database, so that CI is reproducible and a failure is the same on the next run;
#: HYPOTHESIS_PROFILE=explore tries many random examples when hunting for bugs (a failure prints how to replay it).
settings.register_profile(
    "repeatable", max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "10")), derandomize=True, database=None,
    deadline=None, suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore", max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "200")), database=None, deadline=None,
    print_blob=True, suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

#: Shipped with the schema by the first migration; kept between tests.
REFERENCE_TABLES = {"countries", "tier_placements", "alembic_version"}


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    A request reuses the app context it finds, so without this a test and its requests would share one
    ``g`` (Flask-Login's current user) and one database session (hiding lazy loads and stale reads).
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def,override]
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TRACKER_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


def _drop_everything(url: str) -> None:
    """Start a PostgreSQL test database from nothing, whatever an earlier run left there."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = _database_url(tmp_path_factory.mktemp("db"))
    _drop_everything(url)
    return url


#: The settings every test app shares: the test database and a temporary instance folder.
SHARED_SETTINGS = ("SQLALCHEMY_DATABASE_URI", "INSTANCE_DIR", "MAIL_URL", "UPLOAD_DIR")


def _test_app(settings: dict[str, object]) -> Flask:
    app = create_app(TestConfig, settings)
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")
    app = _test_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_DIR": instance,
        "MAIL_URL": f"file://{instance / 'mail'}",
        "UPLOAD_DIR": str(instance / "uploads"),
    })
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app


@pytest.fixture
def another_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """Build another app on the test database: with the environment as the test set it (e.g. an https
    TRACKER_BASE_URL), other settings, or a route of its own added before its first request."""
    built: list[Flask] = []

    def build(**settings: object) -> Flask:
        built.append(_test_app({**{name: app.config[name] for name in SHARED_SETTINGS}, **settings}))
        return built[-1]

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def empty_database() -> None:
    """Delete every row but the reference data, children first."""
    db.session.remove()
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    with db.engine.begin() as connection:
        for table in tables:
            if table.name == "audit_entries":
                _delete_audit_entries(connection)
            else:
                connection.execute(table.delete())
        # The migration seeds the reminder policy and nothing in the app deletes it: put it back as a fresh
        # database has it, so that no page writes its repair row in the middle of a request.
        connection.execute(insert_ignoring_duplicates(ReminderPolicy, "id").values(id=1))
        # Nothing left to count: the follow-up summary is right in the centre's zone (no page counts it again).
        connection.execute(FollowUpCountsZone.__table__.insert().values(id=1, zone=current_app.config["TIMEZONE"]))


def _delete_audit_entries(connection: sa.Connection) -> None:
    """The audit log refuses DELETE (a trigger the migration made); tests set the trigger aside to empty it."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(sa.text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
        connection.execute(sa.text("DELETE FROM audit_entries"))
        connection.execute(sa.text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"))
    elif dialect == "sqlite":
        triggers = connection.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entries'"
        )).all()
        for name, _sql in triggers:
            connection.execute(sa.text(f'DROP TRIGGER "{name}"'))
        connection.execute(sa.text("DELETE FROM audit_entries"))
        for _name, sql in triggers:
            connection.execute(sa.text(sql))
    else:
        raise NotImplementedError(dialect)


@pytest.fixture(autouse=True)
def _app_context(app: Flask) -> Iterator[None]:
    """Each test runs in an app context and leaves only the reference data behind."""
    with app.app_context():
        yield
        empty_database()


@pytest.fixture
def restore_tier_history() -> Iterator[None]:
    """For tests that import tiers: afterwards the reference history is put back as shipped."""
    yield
    db.session.remove()
    with db.engine.begin() as connection:
        connection.execute(TierPlacement.__table__.delete())
        ids = {iso3: id_ for iso3, id_ in connection.execute(sa.select(Country.iso3, Country.id))}
        rows = [{"country_id": ids[row.iso3], "year": row.year, "tier": row.tier} for row in bundled_tiers()]
        connection.execute(TierPlacement.__table__.insert(), rows)


@pytest.fixture
def records() -> dict[str, object]:
    """One record of each kind the URL map names, to fill in every route's ids (see tests/routes.py)."""
    from tests.routes import records as route_records  # tests.routes signs in with this module's helpers

    return route_records()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def staff() -> User:
    return factories.user(role="staff")


@pytest.fixture
def admin() -> User:
    return factories.user(role="admin")


@pytest.fixture
def viewer() -> User:
    return factories.user(role="viewer")


def sign_in(client: FlaskClient, user: User, password: str = factories.PASSWORD) -> None:
    """Sign in through the real form (CSRF included)."""
    from tests.html import csrf_token

    token = csrf_token(client.get("/login"))
    response = client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def signed_in(client: FlaskClient, staff: User) -> FlaskClient:
    sign_in(client, staff)
    return client


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[SMTPServer]:
    """A real SMTP server on loopback, and the app's mail going to it."""
    server = SMTPServer()
    server.start()
    monkeypatch.setitem(app.config, "MAIL_URL", server.url)
    yield server
    server.stop()
