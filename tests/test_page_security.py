"""Every page works under the Content-Security-Policy (no inline code, nothing from another site), every response
carries the security headers, and behind HTTPS every cookie is Secure and browsers are told to stay on HTTPS."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests import factories
from tests.conftest import sign_in
from tests.html import inline_code
from tests.portal.helpers import sign_in_delegate
from tests.routes import DELEGATE_EMAIL, Route, all_routes, client_as, role_for, url_of
from tracker.portal.identity import COOKIE_NAME


def assert_security_headers(response: TestResponse) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"):
        assert directive in policy, (directive, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"


GET_ROUTES = [route for route in all_routes() if route.method == "GET"]


@pytest.mark.parametrize("route", GET_ROUTES, ids=[route.endpoint for route in GET_ROUTES])
def test_every_page_needs_no_inline_code_and_carries_the_security_headers(
    app: Flask, client: FlaskClient, records: dict[str, object], route: Route
) -> None:
    client = client_as(role_for(app, route.endpoint), client)
    response = client.get(url_of(route.rule, records))
    assert response.status_code in (200, 302), response.status_code  # a link material's download redirects
    assert_security_headers(response)
    if response.mimetype == "text/html":
        assert inline_code(response.get_data(as_text=True)) == []
        assert response.headers["Cache-Control"] == "no-store"


def test_the_checker_finds_inline_code_and_assets_from_elsewhere() -> None:
    page = (
        '<script>alert(1)</script><script src="/static/js/app.js"></script><style>p{}</style>'
        '<p style="color:red" onclick="go()">x</p><a href=" JavaScript:go()">x</a>'
        '<img src="https://cdn.example/x.png"><link rel="stylesheet" href="//cdn.example/x.css">'
        '<img srcset="/a.png 1x, http://cdn.example/b.png 2x"><img src="data:image/png;base64,AA==">'
        '<a href="https://example.org/report">a link to another site is fine</a>'
    )
    assert len(inline_code(page)) == 8, inline_code(page)


def test_over_plain_http_cookies_are_not_secure_and_no_hsts(client: FlaskClient) -> None:
    sign_in(client, factories.user())
    response = client.get("/")
    assert "Strict-Transport-Security" not in response.headers
    session_cookie = client.get_cookie("session")
    assert session_cookie is not None and not session_cookie.secure and session_cookie.http_only


@pytest.fixture
def https_app(another_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("TRACKER_BASE_URL", "https://tracker.example.org")
    return another_app()


def _https_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def test_behind_https_the_staff_session_cookie_is_secure_httponly_and_lax(https_app: Flask) -> None:
    client = _https_client(https_app)
    login_page = client.get("/login")
    assert login_page.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_security_headers(login_page)
    sign_in(client, factories.user())
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.secure and cookie.http_only and cookie.same_site == "Lax"
    assert https_app.config["REMEMBER_COOKIE_SECURE"] is True  # Flask-Login's, should "remember me" come back


def test_behind_https_the_portal_cookie_is_secure_httponly_and_lax(
    https_app: Flask, records: dict[str, object]
) -> None:
    client = _https_client(https_app)
    sign_in_delegate(client, DELEGATE_EMAIL)
    home = client.get("/portal/")
    assert home.status_code == 200 and "Strict-Transport-Security" in home.headers
    cookie = client.get_cookie(COOKIE_NAME, path="/portal")
    assert cookie is not None and cookie.secure and cookie.http_only and cookie.same_site == "Lax"
