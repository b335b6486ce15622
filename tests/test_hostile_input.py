"""Hostile input (SPEC §8): arbitrary text, numbers, dates, ids and files posted to every form of the URL map, and
hostile URLs to every page. Never a server error; a refusal changes nothing in the database.

Each form is found on the page that shows it (so its fields are those a person sees, with their options), filled by
Hypothesis with values near and far from what the form expects, and sent with a valid CSRF token by the role that
may use it. The examples are the same on every run (see the Hypothesis profiles in conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from tests import factories
from tests.hostile import is_refusal, refusal_changes_nothing, submissions
from tests.html import form_posting_to, forms
from tests.routes import DELEGATE_EMAIL, Route, all_routes, client_as, role_for, url_of
from tracker.calendar_feed.tokens import new_feed_token
from tracker.extensions import db
from tracker.models import OutboxMessage, OutboxStatus, User
from tracker.portal.identity import open_session
from tracker.reminders.services import pause

# -- where each form is -------------------------------------------------------------------------------------------

PageOfForm = Callable[[Flask, FlaskClient, dict[str, object]], tuple[TestResponse, str]]


def _shown_on(endpoint: str, setup: Callable[[dict[str, object]], None] | None = None) -> PageOfForm:
    """The form is on another page (``endpoint``), once ``setup`` has put the records in the state that shows it
    (the first time the page is opened)."""
    done: list[dict[str, object]] = []

    def page(app: Flask, client: FlaskClient, records: dict[str, object]) -> tuple[TestResponse, str]:
        if setup is not None and not any(seen is records for seen in done):  # once per test
            setup(records)
            done.append(records)
        rule = next(route.rule for route in all_routes() if route.endpoint == endpoint and route.method == "GET")
        path = url_of(rule, records)
        return client.get(path), path

    return page


def _paused(records: dict[str, object]) -> None:
    pause("Moving to the new mail server", factories.user(role="admin"), datetime.now(UTC))
    db.session.commit()


def _message_in(status: OutboxStatus) -> Callable[[dict[str, object]], None]:
    def setup(records: dict[str, object]) -> None:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == records["message_id"]).values(status=status))
        db.session.commit()

    return setup


def _delegate_signed_in(records: dict[str, object]) -> None:
    open_session(DELEGATE_EMAIL, datetime.now(UTC))
    db.session.commit()


def _tier_import_preview(app: Flask, client: FlaskClient, records: dict[str, object]) -> tuple[TestResponse, str]:
    path = "/admin/tiers/import"
    upload = form_posting_to(client.get(path), path, path)
    table = BytesIO(b"country,tier,year\nMoldova,Tier 2,2016\n")
    return client.post(path, data=upload.data(file=(table, "tiers.csv"))), path


def _user_set(**values: object) -> Callable[[dict[str, object]], None]:
    def setup(records: dict[str, object]) -> None:
        db.session.execute(update(User).where(User.id == records["user_id"]).values(**values))
        db.session.commit()

    return setup


def _feed_of_newest_user(records: dict[str, object]) -> None:
    """The person the test signed in is the newest user: give them a calendar feed, so its "stop" form shows."""
    user = db.session.scalars(select(User).order_by(User.id.desc())).first()
    assert user is not None
    new_feed_token(user)
    db.session.commit()


def _after(page_path: str, action: str) -> PageOfForm:
    """The page a form on ``page_path`` that posts to ``action`` answers with (or ``page_path`` itself, once the
    form has been sent and the page shows what came of it)."""

    def page(app: Flask, client: FlaskClient, records: dict[str, object]) -> tuple[TestResponse, str]:
        response = client.get(page_path)
        found = [form for form in forms(response, page_path) if form.method == "post" and form.action == action]
        if found:
            response = client.post(action, data=found[0].data(), follow_redirects=True)
        return response, response.request.path

    return page


def _two_factor_on(app: Flask, client: FlaskClient, records: dict[str, object]) -> tuple[TestResponse, str]:
    """The two-factor page of a signed-in person who has turned two-factor sign-in on."""
    path = "/account/two-factor"
    response = client.get(path)
    if "/account/two-factor/start" in response.get_data(as_text=True):
        enrolment, _ = _after(path, "/account/two-factor/start")(app, client, records)
        secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', enrolment.get_data(as_text=True))
        assert secret, "the enrolment page shows the key"
        confirm = form_posting_to(enrolment, path, "/account/two-factor/confirm")
        client.post("/account/two-factor/confirm", data=confirm.data(code=pyotp.TOTP(secret.group(1)).now()))
        response = client.get(path)
    return response, path


def _roster_preview(app: Flask, client: FlaskClient, records: dict[str, object]) -> tuple[TestResponse, str]:
    path = f"/visits/{records['visit_id']}/roster"
    upload = form_posting_to(client.get(path), path, path)
    roster = BytesIO(b"Country,Name,Email\nMoldova,Ana Ciobanu,ana.ciobanu@gov.example\n")
    return client.post(path, data=upload.data(file=(roster, "roster.csv"))), path


#: Routes that take only POST: the page that shows their form.
FORM_PAGES: dict[str, PageOfForm] = {
    "auth.logout": _shown_on("dashboard.home"),
    "reminders.pause": _shown_on("reminders.health"),
    "reminders.resume": _shown_on("reminders.health", _paused),
    "reminders.test_mail": _shown_on("reminders.health"),
    "reminders.mail_retry": _shown_on("reminders.mail_detail", _message_in(OutboxStatus.FAILED)),
    "reminders.mail_resend": _shown_on("reminders.mail_detail", _message_in(OutboxStatus.SENT)),
    "admin.tier_import_confirm": _tier_import_preview,
    "portal_staff.invite": _shown_on("delegations.detail"),
    "portal_staff.revoke": _shown_on("delegations.detail", _delegate_signed_in),
    "portal_staff.send_heard": _shown_on("delegations.detail"),
    "info_requests.comment": _shown_on("info_requests.detail"),
    "info_requests.reminders": _shown_on("info_requests.detail"),
    "info_requests.status": _shown_on("info_requests.detail"),
    "materials.visibility": _shown_on("info_requests.detail"),
    "materials.link": _shown_on("materials.add"),
    "materials.reuse": _shown_on("materials.add"),
    "materials.upload": _shown_on("materials.add"),
    "portal.language": _shown_on("portal.sign_in"),
    "portal.feedback": _shown_on("portal.request_detail"),
    "portal.sign_out": _shown_on("portal.home"),
    "admin.invite": _shown_on("admin.users"),
    "admin.role": _shown_on("admin.users"),
    "admin.deactivate": _shown_on("admin.users"),
    "admin.reactivate": _shown_on("admin.users", _user_set(is_enabled=False)),
    "admin.invite_again": _shown_on("admin.users", _user_set(password_hash=None)),
    "calendar_feed.new_address": _shown_on("reminders.preferences"),
    "calendar_feed.stop": _shown_on("reminders.preferences", _feed_of_newest_user),
    "auth.two_factor_start": _shown_on("auth.two_factor"),
    "auth.two_factor_confirm": _after("/account/two-factor", "/account/two-factor/start"),
    "auth.two_factor_disable": _two_factor_on,
    "auth.recovery_codes": _two_factor_on,
    "visits.roster_confirm": _roster_preview,
}
#: Forms these tests cannot reach, and where they are tested instead.
NOT_REACHED = {
    "auth.login_code": "needs the password step of an account with two-factor sign-in: tests/test_two_factor.py",
}

ROUTES = all_routes()
GET_ENDPOINTS = {route.endpoint for route in ROUTES if route.method == "GET"}
POST_ROUTES = [route for route in ROUTES if route.method == "POST" and route.endpoint not in NOT_REACHED]


def test_every_form_is_found() -> None:
    """A new POST-only route needs its page here, or its form would go untested."""
    missing = {route.endpoint for route in POST_ROUTES if route.endpoint not in GET_ENDPOINTS | FORM_PAGES.keys()}
    assert not missing, f"add the page that shows the form of {missing} to FORM_PAGES"


def _page_of_form(route: Route) -> PageOfForm:
    if route.endpoint in FORM_PAGES:
        return FORM_PAGES[route.endpoint]

    def same_address(app: Flask, client: FlaskClient, records: dict[str, object]) -> tuple[TestResponse, str]:
        path = url_of(route.rule, records)
        return client.get(path), path

    return same_address


@pytest.mark.parametrize("route", POST_ROUTES, ids=[f"{route.endpoint}:{route.rule}" for route in POST_ROUTES])
def test_arbitrary_input_to_every_form_never_fails_and_a_refusal_changes_nothing(
    app: Flask, client: FlaskClient, records: dict[str, object], route: Route, request: pytest.FixtureRequest
) -> None:
    if route.endpoint.startswith("admin.tier_import"):
        request.getfixturevalue("restore_tier_history")  # an example may import tiers
    client = client_as(role_for(app, route.endpoint, "POST"), client)
    page_of_form = _page_of_form(route)
    url = url_of(route.rule, records)
    form = form_posting_to(*page_of_form(app, client, records), url)

    # Each example opens the page again, as a person would, and sends the hidden values it now has (an edit form's
    # version of the record) unless the example spoils them; the values are drawn for the form as first seen, so that
    # Hypothesis can replay an example. The examples share the records: what one saves, the next sees.
    @given(submissions(form))
    def post(submission: MultiDict[str, object]) -> None:
        response, page_path = page_of_form(app, client, records)
        shown = [found for found in forms(response, page_path) if found.method == "post" and found.action == url]
        for hidden in (control for control in (shown[0].fields if shown else []) if control.kind == "hidden"):
            first_seen = next((c.value for c in form.fields if c.name == hidden.name), None)
            if submission.getlist(hidden.name) == [first_seen]:
                submission.setlist(hidden.name, [hidden.value])

        def send() -> bool:
            answer = client.post(url, data=submission)
            answer.close()  # runs what the app does after the response (the portal sends mail then)
            assert answer.status_code < 500, answer.get_data(as_text=True)[-2000:]
            return is_refusal(answer)

        refusal_changes_nothing(send)

    post()


def test_a_nul_character_anywhere_is_refused_before_it_reaches_the_database(
    signed_in: FlaskClient, records: dict[str, object]
) -> None:
    """PostgreSQL cannot hold NUL in text (psycopg raised: a server error); the suite on SQLite must refuse it too."""
    page = f"/delegations/{records['delegation_id']}/delegates/{records['delegate_id']}/edit"
    form = form_posting_to(signed_in.get(page), page, page)
    for data in (form.data(organisation="\x00"), form.data(**{"name\x00": "x"})):

        def send(data: dict[str, object] = data) -> bool:
            assert signed_in.post(page, data=data).status_code == 400
            return True

        refusal_changes_nothing(send)
    assert signed_in.get("/visits/?q=%00").status_code == 400


# -- hostile URLs ---------------------------------------------------------------------------------------------------

GET_ROUTES = [route for route in ROUTES if route.method == "GET"]
#: Ids and names no record has: zero, negative, past every integer type, NUL, path tricks, very long.
HOSTILE_PARTS = ["0", "-1", "2147483648", str(2**63), str(10**30), "%00", "..%2f..%2fpyproject.toml", "..",
                 "%2e%2e%2f", "x" * 5000, "1.5", "%ff", "１", "1%0a"]
#: Query strings: pages out of range, NUL, 100 kB, names Flask's url_for reserves, a view's own argument names,
#: redirects elsewhere.
HOSTILE_QUERIES = [
    "page=-1", "page=0", f"page={10**30}", "page=abc", "page=1.5", "q=" + "x" * 100_000, "q=%00", "%00=%00",
    "year=-1", f"year={10**30}", "due_from=0001-01-01&due_to=9999-12-31", "due_from=2026-02-30", f"owner={2**63}",
    "status=%ff", "sort=;drop", "_external=1&_scheme=javascript", "_anchor=x", "endpoint=x", "_method=DELETE",
    "visit_id=1&delegation_id=2&request_id=3&country_id=4", "next=//evil.example", "next=javascript:alert(1)",
    "need=99999999999999999999", "about=-1", "who=all", "page=2&page=3", "a=" + "&b=" * 2000,
]


def _parts(rule: str) -> list[str]:
    """The names of a rule's variable parts: "/visits/<int:visit_id>/edit" → ["visit_id"]."""
    return re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule)


PARAMETRISED = [route for route in GET_ROUTES if "<" in route.rule]


@pytest.mark.parametrize("route", PARAMETRISED, ids=[route.endpoint for route in PARAMETRISED])
def test_hostile_ids_in_every_address_answer_4xx(
    app: Flask, client: FlaskClient, records: dict[str, object], route: Route
) -> None:
    client = client_as(role_for(app, route.endpoint), client)
    for part in _parts(route.rule):
        for value in HOSTILE_PARTS:
            response = client.get(url_of(route.rule, {**records, part: value}))
            response.close()
            assert 400 <= response.status_code < 500 or part == "token", (part, value, response.status_code)
            assert response.status_code < 500, (part, value)


#: Values for each filter of a page: blank, out of range, of another type, very long.
FILTER_VALUES = [" ", "-1", "0", str(2**63), "abc", "%ff", "0001-01-01", "9999-12-31", "2026-02-30", "x" * 300]


@pytest.mark.parametrize("route", GET_ROUTES, ids=[route.endpoint for route in GET_ROUTES])
def test_hostile_query_strings_on_every_page_never_fail(
    app: Flask, client: FlaskClient, records: dict[str, object], route: Route
) -> None:
    client = client_as(role_for(app, route.endpoint), client)
    path = url_of(route.rule, records)

    def get(query: MultiDict[str, object] | str) -> None:
        response = client.get(path, query_string=query)
        response.close()
        assert response.status_code < 500, (query, response.get_data(as_text=True)[-2000:])

    for query in HOSTILE_QUERIES:
        get(query)
    page = client.get(path)
    filters = [form for form in forms(page, path) if form.method == "get" and form.action == path]
    if not filters:
        return
    for value in FILTER_VALUES:  # every filter of the page at once
        get(MultiDict([(control.name, value) for form in filters for control in form.fields]))

    @given(st.one_of(*(submissions(form) for form in filters)))
    def query(arguments: MultiDict[str, object]) -> None:
        get(arguments)

    query()
