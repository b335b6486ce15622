"""Every route × every role, generated from the app's URL map so that a new route cannot be forgotten."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests import factories
from tests.conftest import sign_in
from tests.html import any_csrf_token
from tests.portal.helpers import new_link, sign_in_delegate
from tracker.calendar_feed.tokens import new_feed_token
from tracker.extensions import db
from tracker.models import MaterialVersion, User

ROLES = ["anonymous", "viewer", "staff", "admin", "delegate"]
PUBLIC_ENDPOINTS = {"auth.login", "static", "calendar_feed.feed"}
#: Portal views that work without a delegate session; every other portal view needs one, and only that.
PORTAL_ANONYMOUS = {"portal.sign_in", "portal.link", "portal.language"}
DELEGATE_EMAIL = "delegate.of.records@gov.example"
#: State-changing routes that every signed-in user may use.
OPEN_TO_VIEWERS = {"auth.logout"}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route, HEAD and OPTIONS aside."""
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule))
    return routes


def _all_routes() -> list[tuple[str, str, str]]:
    from tracker import create_app
    from tracker.config import TestConfig

    return _routes(create_app(TestConfig))


@pytest.fixture
def records() -> dict[str, object]:
    return make_records()


def make_records() -> dict[str, object]:
    """A record of each kind a URL names, keyed by the URL's parameter."""
    delegation = factories.delegation()
    info_request = factories.info_request(delegation)
    attachment = factories.material(info_request)
    return {
        "visit_id": delegation.visit_id,
        "delegation_id": delegation.id,
        "delegate_id": factories.delegate(delegation, email=DELEGATE_EMAIL).id,
        "need_id": factories.need(delegation).id,
        "request_id": info_request.id,
        "message_id": factories.outbox_message().id,
        "country_id": delegation.country_id,
        "filename": "css/app.css",
        "material_id": attachment.material_id,
        "attachment_id": attachment.id,
        "version_id": _version_id(attachment.material_id),
        "summary_id": factories.needs_summary(delegation).id,
        "token": new_link(DELEGATE_EMAIL),
        "calendar_token": _calendar_token(),
    }


def _calendar_token() -> str:
    owner = factories.user()
    token = new_feed_token(owner)
    db.session.execute(update(User).where(User.id == owner.id).values(calendar_token_hash=owner.calendar_token_hash))
    db.session.commit()
    return token


def _version_id(material_id: int) -> int:
    return db.session.scalar(select(MaterialVersion.id).where(MaterialVersion.material_id == material_id))


def _url(rule: str, records: dict[str, object]) -> str:
    for name, value in records.items():
        for converter in ("int:", "path:", ""):
            rule = rule.replace(f"<{converter}{name}>", str(value))
    assert "<" not in rule, f"test data has no value for a part of {rule}"
    return rule


def _client_as(role: str, client: FlaskClient) -> FlaskClient:
    if role == "delegate":
        sign_in_delegate(client, DELEGATE_EMAIL)
    elif role != "anonymous":
        sign_in(client, factories.user(role=role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "method", "rule"), _all_routes())
def test_every_route_enforces_roles(
    client: FlaskClient, records: dict[str, object], role: str, endpoint: str, method: str, rule: str
) -> None:
    client = _client_as(role, client)
    url = _url(rule, records)
    data = {"csrf_token": any_csrf_token(client)} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    status = response.status_code

    if endpoint in PUBLIC_ENDPOINTS and method == "GET" and role == "anonymous":
        # A public page answers itself, not with a redirect to the sign-in page (its stylesheet must load there).
        assert status == 200, status
    elif endpoint in PUBLIC_ENDPOINTS or endpoint in PORTAL_ANONYMOUS:
        assert status < 400 or (method == "POST" and status == 400), status
    elif endpoint.startswith("portal."):
        if role != "delegate":  # staff are not delegates: the portal asks them to sign in as one
            assert status == 302 and response.headers["Location"] == "/portal/sign-in", status
        elif method == "GET":
            assert status == 200 or (endpoint == "portal.download" and status == 302), status
        else:
            assert status in (200, 302, 400), status
            assert "expired" not in response.get_data(as_text=True)
    elif role in ("anonymous", "delegate"):  # a delegate is not a staff user
        assert status == 302 and "/login" in response.headers["Location"]
    elif role != "admin" and getattr(client.application.view_functions[endpoint], "is_admin_only", False):
        assert status == 403
    elif method == "GET":
        assert status == 200 or (endpoint == "materials.download" and status == 302), status  # a link redirects
    elif role == "viewer" and endpoint not in OPEN_TO_VIEWERS:
        assert status == 403
    else:
        # Staff and admins get through to the form: an empty form is refused with a message, never a 5xx.
        assert status in (200, 302, 400), status
        assert status != 400 or "Form expired" not in response.get_data(as_text=True)


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    """The matrix is built from a fresh app; it must see the same routes as the app under test."""
    assert sorted(_routes(app)) == sorted(_all_routes())


def test_viewer_sees_no_edit_buttons(client: FlaskClient, records: dict[str, object]) -> None:
    client = _client_as("viewer", client)
    page = client.get(f"/delegations/{records['delegation_id']}").get_data(as_text=True)
    assert "Add request" not in page and "Edit delegation" not in page
    assert "Review of the draft law" in page


def test_unknown_ids_answer_404(signed_in: FlaskClient, records: dict[str, object]) -> None:
    for url in ("/visits/999999", "/delegations/999999", "/requests/999999",
                f"/delegations/{records['delegation_id']}/delegates/999999/edit",
                "/visits/99999999999999999999999"):
        assert signed_in.get(url).status_code == 404, url


def test_a_child_of_another_delegation_answers_404(signed_in: FlaskClient, records: dict[str, object]) -> None:
    other = factories.delegation()
    need_of_other = factories.need(other)
    response = signed_in.get(f"/delegations/{records['delegation_id']}/needs/{need_of_other.id}/edit")
    assert response.status_code == 404


def _portal_routes_with_ids() -> list[tuple[str, str, str]]:
    return [route for route in _all_routes() if route[0].startswith("portal.") and "<int:" in route[2]]


@pytest.mark.parametrize(("endpoint", "method", "rule"), _portal_routes_with_ids())
def test_every_portal_route_answers_404_for_another_delegations_ids(
    client: FlaskClient, records: dict[str, object], endpoint: str, method: str, rule: str
) -> None:
    other = factories.delegation(country=factories.country("THA"))
    other_request = factories.info_request(other)
    theirs = {
        "request_id": other_request.id,
        "attachment_id": factories.material(other_request).id,
        "summary_id": factories.needs_summary(other).id,
    }
    client = _client_as("delegate", client)
    data = {"csrf_token": any_csrf_token(client), "verdict": "useful", "confirm": "1"} if method == "POST" else None
    response = client.open(_url(rule, theirs), method=method, data=data)
    assert response.status_code == 404, response.status_code
