"""Every route × every role, generated from the app's URL map so that a new route cannot be forgotten."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.html import any_csrf_token
from tracker.extensions import db
from tracker.models import MaterialVersion

ROLES = ["anonymous", "viewer", "staff", "admin"]
PUBLIC_ENDPOINTS = {"auth.login", "static"}
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
    delegation = factories.delegation()
    info_request = factories.info_request(delegation)
    attachment = factories.material(info_request)
    return {
        "visit_id": delegation.visit_id,
        "delegation_id": delegation.id,
        "delegate_id": factories.delegate(delegation).id,
        "need_id": factories.need(delegation).id,
        "request_id": info_request.id,
        "message_id": factories.outbox_message().id,
        "filename": "css/app.css",
        "material_id": attachment.material_id,
        "attachment_id": attachment.id,
        "version_id": _version_id(attachment.material_id),
    }


def _version_id(material_id: int) -> int:
    return db.session.scalar(select(MaterialVersion.id).where(MaterialVersion.material_id == material_id))


def _url(rule: str, records: dict[str, object]) -> str:
    for name, value in records.items():
        rule = rule.replace(f"<int:{name}>", str(value)).replace(f"<path:{name}>", str(value))
    assert "<" not in rule, f"test data has no value for a part of {rule}"
    return rule


def _client_as(role: str, client: FlaskClient) -> FlaskClient:
    if role != "anonymous":
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

    if endpoint in PUBLIC_ENDPOINTS:
        assert status < 400 or (method == "POST" and status == 400), status
    elif role == "anonymous":
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
