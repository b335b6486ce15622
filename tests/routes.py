"""Every route of the app's URL map, records to fill in its ids, and a client signed in as each role.

Shared by the role × route matrix, the check of every page's markup and headers, and the hostile-input
tests, so that a new route is covered by all of them without being listed anywhere.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests import factories
from tests.conftest import sign_in
from tests.portal.helpers import new_link, sign_in_delegate
from tracker.calendar_feed.tokens import new_feed_token
from tracker.extensions import db
from tracker.models import MaterialVersion, User

ROLES = ["anonymous", "viewer", "staff", "admin", "delegate"]
#: Reachable without signing in: signing in, asking for a reset link, choosing a password from an emailed link
#: (an invitation or a reset: the person has no password yet, or has forgotten it), and the calendar feed
#: (calendar programs have no session; its secret address is the key).
PUBLIC_ENDPOINTS = {"auth.login", "auth.forgot_password", "auth.set_password", "static", "calendar_feed.feed"}
#: The second sign-in step (the code) is public too, but without a password step first it sends back to sign in.
PUBLIC_SECOND_STEP = {"auth.login_code"}
#: Portal views that work without a delegate session; every other portal view needs one, and only that.
PORTAL_ANONYMOUS = {"portal.sign_in", "portal.link", "portal.language"}
DELEGATE_EMAIL = "delegate.of.records@gov.example"


class Route(NamedTuple):
    endpoint: str
    method: str
    rule: str


def routes(app: Flask) -> list[Route]:
    """Every route of the app, one per method, HEAD and OPTIONS aside."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append(Route(rule.endpoint, method, rule.rule))
    return found


def all_routes() -> list[Route]:
    """The routes of a freshly built app, for parametrising tests at collection time."""
    from tracker import create_app
    from tracker.config import TestConfig

    return routes(create_app(TestConfig))


def records() -> dict[str, object]:
    """One record of each kind a URL names (through the ``records`` fixture), linked as in real use."""
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
        "user_id": factories.user(role="staff").id,
        "account_token": factories.invitation()[1],
    }


def _calendar_token() -> str:
    owner = factories.user()
    token = new_feed_token(owner)
    db.session.execute(update(User).where(User.id == owner.id).values(calendar_token_hash=owner.calendar_token_hash))
    db.session.commit()
    return token


def _version_id(material_id: int) -> int:
    return db.session.scalar(select(MaterialVersion.id).where(MaterialVersion.material_id == material_id))


def url_of(rule: str, values: dict[str, object]) -> str:
    """The rule with its parts filled in from ``values`` (by parameter name)."""
    for name, value in values.items():
        for converter in ("int:", "path:", ""):
            rule = rule.replace(f"<{converter}{name}>", str(value))
    assert "<" not in rule, f"test data has no value for a part of {rule}"
    return rule


def client_as(role: str, client: FlaskClient) -> FlaskClient:
    if role == "delegate":
        sign_in_delegate(client, DELEGATE_EMAIL)
    elif role != "anonymous":
        sign_in(client, factories.user(role=role))
    return client


def role_for(app: Flask, endpoint: str, method: str = "GET") -> str:
    """The least privileged role that may use a route (admin for GET pages: it sees every button and menu)."""
    if endpoint in PUBLIC_ENDPOINTS or endpoint in PUBLIC_SECOND_STEP or endpoint in PORTAL_ANONYMOUS:
        return "anonymous"
    if endpoint.startswith("portal."):
        return "delegate"
    if method == "GET" or getattr(app.view_functions[endpoint], "is_admin_only", False):
        return "admin"
    return "staff"
