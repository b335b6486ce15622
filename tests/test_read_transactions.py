"""A request that only read ends its transaction with COMMIT (so that psycopg keeps its prepared statements); one
that may have written, holds an unsaved change, failed, or was not a safe method is rolled back as before."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask, request
from sqlalchemy import event, select, text

from tests import factories
from tests.conftest import sign_in
from tracker.auth.access import public
from tracker.extensions import csrf, db
from tracker.models import Visit


@pytest.fixture
def test_app(another_app: Callable[..., Flask]) -> Flask:
    """An app with routes of its own that read, change or fail on the visit named by ``?id=``."""
    app = another_app()

    def visit() -> Visit:
        found = db.session.get(Visit, int(request.args["id"]))
        assert found is not None
        return found

    @app.route("/test-only/read", methods=["GET", "POST"])
    @public
    def read() -> str:
        return visit().title

    @app.get("/test-only/flush")
    @public
    def flush() -> str:
        visit().title = "Flushed, never committed"
        db.session.flush()
        return "flushed"

    @app.get("/test-only/change")
    @public
    def change() -> str:
        visit().title = "Changed, never flushed"
        return "changed"

    @app.get("/test-only/update-by-text")
    @public
    def update_by_text() -> str:
        db.session.execute(text("UPDATE visits SET title = 'Updated, never committed' WHERE id = :id"),
                           {"id": visit().id})
        return "updated"

    @app.get("/test-only/fail")
    @public
    def fail() -> str:
        visit()
        raise RuntimeError("failed after reading")

    csrf.exempt(read)
    return app


@pytest.fixture
def endings(test_app: Flask) -> Iterator[list[str]]:
    """How the test app's transactions end, in order ("commit" or "rollback")."""
    with test_app.app_context():
        engine = db.engine
    seen: list[str] = []

    def committed(connection: object) -> None:
        seen.append("commit")

    def rolled_back(connection: object) -> None:
        seen.append("rollback")

    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    yield seen
    event.remove(engine, "commit", committed)
    event.remove(engine, "rollback", rolled_back)


def _title(visit_id: int) -> str:
    db.session.expire_all()
    return db.session.scalars(select(Visit.title).where(Visit.id == visit_id)).one()


def test_a_get_that_only_read_ends_with_commit(test_app: Flask, endings: list[str]) -> None:
    visit = factories.visit(title="Study visit")
    response = test_app.test_client().get(f"/test-only/read?id={visit.id}")
    assert response.get_data(as_text=True) == "Study visit"
    assert endings == ["commit"]


def test_a_post_that_only_read_is_rolled_back(test_app: Flask, endings: list[str]) -> None:
    visit = factories.visit(title="Study visit")
    response = test_app.test_client().post(f"/test-only/read?id={visit.id}")
    assert response.status_code == 200
    assert endings == ["rollback"]


@pytest.mark.parametrize("path", ["/test-only/flush", "/test-only/change", "/test-only/update-by-text"])
def test_a_get_that_wrote_or_changed_something_is_rolled_back(test_app: Flask, endings: list[str], path: str) -> None:
    visit = factories.visit(title="Study visit")
    response = test_app.test_client().get(f"{path}?id={visit.id}")
    assert response.status_code == 200
    assert endings == ["rollback"]
    assert _title(visit.id) == "Study visit"


def test_a_get_that_failed_is_rolled_back(test_app: Flask, endings: list[str]) -> None:
    visit = factories.visit(title="Study visit")
    response = test_app.test_client().get(f"/test-only/fail?id={visit.id}")
    assert response.status_code == 500
    assert endings == ["rollback"]


def test_a_page_of_the_app_that_only_reads_ends_with_commit(test_app: Flask, endings: list[str]) -> None:
    """A real page, signed in: the session checks, the page's queries, the audit's after-request hook."""
    client = test_app.test_client()
    sign_in(client, factories.user())
    endings.clear()
    assert client.get("/visits/").status_code == 200
    assert endings == ["commit"]
