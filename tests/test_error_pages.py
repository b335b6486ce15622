"""Error pages in the app's layout with the request id; nothing leaks a stack trace; every unexpected error is logged
with the id the person sees, on the response header too."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests import factories
from tests.conftest import sign_in
from tests.html import any_csrf_token, inline_code
from tests.test_page_security import assert_security_headers
from tracker.auth.access import public
from tracker.portal.views import portal_unexpected_error
from tracker.request_ids import HEADER

SHOWN_ID = re.compile(r'<code class="request-id">([^<]+)</code>')


@pytest.fixture
def failing_app(another_app: Callable[..., Flask]) -> Flask:
    """An app with two routes of its own: one that aborts with any code, one that fails after logging."""
    app = another_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-only/abort/<int:code>")
    @public
    def abort_with(code: int) -> str:
        abort(code)

    @app.get("/test-only/fail")
    @public
    def fail() -> str:
        logging.getLogger("some.library").warning("About to fail")
        raise RuntimeError("secret detail of the failure")

    return app


def _shown_request_id(response: TestResponse) -> str:
    match = SHOWN_ID.search(response.get_data(as_text=True))
    assert match, "no request id on the page"
    assert match.group(1) == response.headers[HEADER]
    return match.group(1)


def _assert_error_page(response: TestResponse, code: int, layout: str = 'class="site-header"') -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert layout in page and '<main id="main"' in page and "app.css" in page
    assert "Traceback" not in page and "File &#34;" not in page
    assert inline_code(page) == []
    assert_security_headers(response)
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers[HEADER])
    return _shown_request_id(response) if code == 500 else response.headers[HEADER]


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429])
def test_each_error_code_has_a_page_in_the_layout(failing_app: Flask, code: int) -> None:
    response = failing_app.test_client().get(f"/test-only/abort/{code}")
    _assert_error_page(response, code)


def test_errors_met_in_use_have_their_pages(client: FlaskClient) -> None:
    assert "There is nothing at this address" in client.get("/no/such/page").get_data(as_text=True)
    _assert_error_page(client.get("/no/such/page"), 404, layout="Follow-up tracker")
    sign_in(client, factories.user(role="viewer"))
    _assert_error_page(client.get("/logout"), 405)
    _assert_error_page(client.post("/visits/new", data={"csrf_token": any_csrf_token(client)}), 403)


def test_an_expired_form_and_a_body_over_the_limit_have_their_pages(another_app: Callable[..., Flask]) -> None:
    client = another_app(MAX_CONTENT_LENGTH=10_000).test_client()
    sign_in(client, factories.user())
    expired = client.post("/visits/new", data={"csrf_token": "stale"})
    assert "Form expired" in expired.get_data(as_text=True)
    _assert_error_page(expired, 400)
    too_large = client.post("/visits/new", data={"notes": "x" * 10_001, "csrf_token": any_csrf_token(client)})
    _assert_error_page(too_large, 413)


def test_an_unexpected_error_is_logged_with_the_request_id_shown_to_the_user(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = failing_app.test_client().get("/test-only/fail")
    shown = _assert_error_page(response, 500)
    page = response.get_data(as_text=True)
    assert "secret detail" not in page and "RuntimeError" not in page
    assert "it has been logged" in page
    logged = [record for record in caplog.records if record.name == "tracker.errors"]
    assert len(logged) == 1 and logged[0].exc_info is not None
    assert logged[0].request_id == shown and shown in logged[0].getMessage()  # type: ignore[attr-defined]
    assert "GET /test-only/fail" in logged[0].getMessage()
    earlier = next(record for record in caplog.records if record.name == "some.library")
    assert earlier.request_id == shown  # type: ignore[attr-defined]


def test_a_proxys_request_id_is_kept_when_it_looks_like_one(client: FlaskClient) -> None:
    kept = "2f1c9a8e-5b7d-4e0a-9c3b-1d2e3f4a5b6c"
    assert client.get("/login", headers={HEADER: kept}).headers[HEADER] == kept
    for hostile in ("", "has spaces", "x" * 129, "<script>", "line\\nbreak", "-starts-with-a-dash"):
        answered = client.get("/login", headers={HEADER: hostile}).headers[HEADER]
        assert answered != hostile and re.fullmatch(r"[0-9a-f]{16}", answered)
    first, second = client.get("/login").headers[HEADER], client.get("/login").headers[HEADER]
    assert first != second


def test_log_records_outside_a_request_carry_a_dash(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("tracker.test").info("No request here")
    assert caplog.records[-1].request_id == "-"  # type: ignore[attr-defined]


def test_portal_errors_use_the_portal_layout_with_the_request_id(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    missing = client.get("/portal/no-such-page")
    _assert_error_page(missing, 404, layout='class="portal-header"')
    assert "request-id" not in missing.get_data(as_text=True)  # only a server error is logged for quoting
    assert "The link may be wrong" in missing.get_data(as_text=True)
    with app.test_request_context("/portal/sign-in", headers={HEADER: "portal-request-1"}):
        page, code = portal_unexpected_error(RuntimeError("secret detail"))
    assert code == 500 and 'class="portal-header"' in page and "secret detail" not in page
    assert '<code class="request-id">portal-request-1</code>' in page
    assert caplog.records[-1].request_id == "portal-request-1"  # type: ignore[attr-defined]
