"""Bad input in every form gets a message and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tests.html import csrf_token
from tracker.extensions import db
from tracker.models import ContactLog, Delegate, Delegation, InfoRequest, StatedNeed, TimelineEntry, Visit

LONG = "x" * 5000
TABLES = (Visit, Delegation, Delegate, StatedNeed, InfoRequest, ContactLog, TimelineEntry)


def _snapshot() -> dict[str, object]:
    """Row counts and versions: what a refused form must leave untouched."""
    counts = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}
    versions = {
        model.__tablename__: sorted(db.session.scalars(select(model.version)))
        for model in (Visit, Delegation, InfoRequest)
    }
    return {"counts": counts, "versions": versions}


@pytest.fixture
def world() -> dict[str, int]:
    delegation = factories.delegation()
    other = factories.delegation()
    return {
        "visit": delegation.visit_id,
        "delegation": delegation.id,
        "liaison": delegation.liaison_id,
        "need": factories.need(delegation).id,
        "other_need": factories.need(other).id,
        "delegate": factories.delegate(delegation, email="taken@ministry.example").id,
        "request": factories.info_request(delegation).id,
        "country": delegation.country_id,
    }


def _visit(w: dict[str, int], **bad: object) -> tuple[str, dict[str, object]]:
    data = {"title": "Exchange", "starts_on": "2025-05-01", "ends_on": "2025-05-03", "host_id": 0}
    return "/visits/new", {**data, **bad}


def _delegation(w: dict[str, int], **bad: object) -> tuple[str, dict[str, object]]:
    data = {"country_id": factories.country("THA").id, "liaison_id": w["liaison"], "tier": "", "status": "active"}
    return f"/visits/{w['visit']}/delegations/new", {**data, **bad}


def _delegate(w: dict[str, int], **bad: object) -> tuple[str, dict[str, object]]:
    data = {"name": "Ana", "email": "ana@ministry.example", "preferred_language": "es"}
    return f"/delegations/{w['delegation']}/delegates/new", {**data, **bad}


def _need(w: dict[str, int], **bad: object) -> tuple[str, dict[str, object]]:
    return f"/delegations/{w['delegation']}/needs/new", {"category": "data", "description": "Stats", **bad}


def _contact(w: dict[str, int], **bad: object) -> tuple[str, dict[str, object]]:
    data = {"contacted_on": "2025-06-01", "channel": "call", "summary": "Called"}
    return f"/delegations/{w['delegation']}/contacts/new", {**data, **bad}


def _request(w: dict[str, int], **bad: object) -> tuple[str, dict[str, object]]:
    data = {"kind": "data", "title": "Stats", "need_id": 0, "owner_id": w["liaison"], "due_on": "2026-12-01",
            "priority": "normal"}
    return f"/delegations/{w['delegation']}/requests/new", {**data, **bad}


Form = Callable[..., tuple[str, dict[str, object]]]

CASES: list[tuple[str, Form, dict[str, object], str]] = [
    ("visit: empty title", _visit, {"title": "  "}, "This field is required"),
    ("visit: title too long", _visit, {"title": LONG}, "longer than 200"),
    ("visit: impossible date", _visit, {"starts_on": "2025-02-30"}, "Not a valid date"),
    ("visit: ends before start", _visit, {"ends_on": "2025-04-01"}, "cannot end before it starts"),
    ("visit: unknown host", _visit, {"host_id": 999999}, "Not a valid choice"),
    ("delegation: unknown country", _delegation, {"country_id": 999999}, "Not a valid choice"),
    ("delegation: country already there", _delegation, {"country_id": "__country__"}, "already has a delegation"),
    ("delegation: unknown liaison", _delegation, {"liaison_id": 999999}, "Not a valid choice"),
    ("delegation: unknown tier", _delegation, {"tier": "tier_9"}, "Not a valid choice"),
    ("delegation: no liaison", _delegation, {"liaison_id": ""}, ""),
    ("delegate: empty name", _delegate, {"name": ""}, "This field is required"),
    ("delegate: bad email", _delegate, {"email": "ana@"}, "Invalid email"),
    ("delegate: email taken", _delegate, {"email": "TAKEN@ministry.example"}, "has that email"),
    ("delegate: unknown language", _delegate, {"preferred_language": "zz"}, "Not a valid choice"),
    ("need: empty", _need, {"description": ""}, "This field is required"),
    ("need: unknown category", _need, {"category": "pizza"}, "Not a valid choice"),
    ("contact: future date", _contact, {"contacted_on": "2999-01-01"}, "future date"),
    ("contact: impossible date", _contact, {"contacted_on": "2025-13-01"}, "Not a valid date"),
    ("request: empty title", _request, {"title": ""}, "This field is required"),
    ("request: unknown kind", _request, {"kind": "favour"}, "Not a valid choice"),
    ("request: another delegation's need", _request, {"need_id": "__other_need__"}, "Not a valid choice"),
    ("request: unknown owner", _request, {"owner_id": 999999}, "Not a valid choice"),
    ("request: impossible due date", _request, {"due_on": "2026-02-29"}, "Not a valid date"),
    ("request: due date far away", _request, {"due_on": "2999-01-01"}, "ten years"),
    ("request: description too long", _request, {"description": "y" * 20001}, "longer than 20000"),
]


@pytest.mark.parametrize(("name", "form", "bad", "message"), CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_with_a_message(
    signed_in: FlaskClient, world: dict[str, int], name: str, form: Form, bad: dict[str, object], message: str
) -> None:
    placeholders = {"__country__": world["country"], "__other_need__": world["other_need"]}
    bad = {key: placeholders.get(value, value) if isinstance(value, str) else value for key, value in bad.items()}
    url, data = form(world, **bad)
    before = _snapshot()
    response = signed_in.post(url, data={**data, "csrf_token": csrf_token(signed_in.get("/"))})
    assert response.status_code == 200, name
    assert message in response.get_data(as_text=True), name
    assert "Please correct the fields marked below." in response.get_data(as_text=True)
    assert _snapshot() == before


@pytest.mark.parametrize("form", [_visit, _delegation, _delegate, _need, _contact, _request])
def test_the_good_version_of_each_form_is_accepted(signed_in: FlaskClient, world: dict[str, int], form: Form) -> None:
    """The bad-input cases above differ from an accepted form only by what they break."""
    url, data = form(world)
    response = signed_in.post(url, data={**data, "csrf_token": csrf_token(signed_in.get("/"))})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_the_country_of_a_new_delegation_is_chosen_not_defaulted(signed_in: FlaskClient, world: dict[str, int]) -> None:
    page = signed_in.get(f"/visits/{world['visit']}/delegations/new").get_data(as_text=True)
    first_option = page[page.index('<select id="country_id"'):].split("</option>")[0]
    assert first_option.endswith('value="0">— choose a country —')
    url, data = _delegation(world, country_id=0)
    before = _snapshot()
    response = signed_in.post(url, data={**data, "csrf_token": csrf_token(signed_in.get("/"))})
    assert "Choose the delegation&#39;s country." in response.get_data(as_text=True)
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("url_of", "fields", "message"),
    [
        (lambda w: f"/visits/{w['visit']}/edit",
         {"title": "Exchange", "starts_on": "2025-05-05", "ends_on": "2025-05-01", "host_id": 0},
         "cannot end before it starts"),
        (lambda w: f"/requests/{w['request']}/edit",
         {"kind": "data", "title": "", "need_id": 0, "owner_id": "__liaison__", "due_on": "2026-01-01",
          "priority": "normal"},
         "This field is required"),
        (lambda w: f"/requests/{w['request']}/comments", {"body": "   "}, "This field is required"),
        (lambda w: f"/delegations/{w['delegation']}/delegates/{w['delegate']}/edit",
         {"name": "Ana", "email": "not an email", "preferred_language": "en"}, "Invalid email"),
    ],
    ids=["visit edit", "request edit", "empty comment", "delegate edit"],
)
def test_bad_edits_are_refused_and_change_nothing(
    signed_in: FlaskClient, world: dict[str, int], url_of: Callable[[dict[str, int]], str],
    fields: dict[str, object], message: str,
) -> None:
    url = url_of(world)
    data = {key: world["liaison"] if value == "__liaison__" else value for key, value in fields.items()}
    before = _snapshot()
    response = signed_in.post(url, data={**data, "version": 1, "csrf_token": csrf_token(signed_in.get("/"))})
    assert response.status_code in (200, 400)
    assert message in response.get_data(as_text=True)
    assert _snapshot() == before
