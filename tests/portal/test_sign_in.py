"""Delegates sign in without a password: a link by email, spent by a button press, a 14-day session they or staff
can end. The link request answers the same for any address, and is throttled."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.html import csrf_token
from tests.portal.helpers import new_link, read_mail, sign_in_delegate, text_of, use_link
from tracker.extensions import db, limiter
from tracker.models import Delegate, LinkPurpose, PortalLink, PortalSession

LINK = re.compile(r"http://127\.0\.0\.1:5000/portal/link/[A-Za-z0-9_-]+")


def _ask_for_link(client: FlaskClient, address: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/portal/sign-in"))
    return client.post("/portal/sign-in", data={"email": address, "csrf_token": token}, follow_redirects=True)


def test_a_delegate_asks_for_a_link_and_signs_in_with_it(client: FlaskClient, delegate: Delegate,
                                                         mailbox: Path) -> None:
    page = _ask_for_link(client, "  Ana@Gov.example ")
    assert "a sign-in link is on its way" in page.get_data(as_text=True)

    (message,) = read_mail(mailbox)  # sent at once, after the response, not at the next scheduler pass
    assert message["To"] == "ana@gov.example"
    assert "Dear Ana Popescu" in text_of(message)
    url = LINK.search(text_of(message)).group(0)  # type: ignore[union-attr]
    token = url.rsplit("/", 1)[1]

    assert client.get("/portal/").status_code == 302  # not signed in yet
    assert client.get(f"/portal/link/{token}").status_code == 200  # a scanner's visit…
    assert client.get(f"/portal/link/{token}").status_code == 200  # …does not spend the link
    response = use_link(client, token)
    assert response.headers["Location"] == "/portal/"  # type: ignore[attr-defined]
    cookie = client.get_cookie("tracker_portal", path="/portal")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    home = client.get("/portal/")
    assert home.status_code == 200 and "Review of the draft anti-trafficking law" in home.get_data(as_text=True)


def test_the_answer_is_the_same_for_an_unknown_address(client: FlaskClient, delegate: Delegate,
                                                       mailbox: Path) -> None:
    known = _ask_for_link(client, "ana@gov.example").get_data(as_text=True)
    unknown = _ask_for_link(client, "nobody@gov.example").get_data(as_text=True)
    strip = re.compile(r'value="[^"]*"')  # CSRF tokens differ
    assert strip.sub("", known) == strip.sub("", unknown)
    assert db.session.scalars(select(PortalLink.email)).all() == ["ana@gov.example"]
    assert len(read_mail(mailbox)) == 1


def test_a_link_works_once(client: FlaskClient, app: Flask, delegate: Delegate) -> None:
    token = new_link("ana@gov.example")
    use_link(client, token)
    other = app.test_client()
    assert other.get(f"/portal/link/{token}").status_code == 410
    assert other.post(f"/portal/link/{token}", data={"csrf_token": csrf_token(other.get("/portal/sign-in"))}
                      ).status_code == 410
    assert other.get("/portal/").status_code == 302
    assert db.session.scalar(select(func.count(PortalSession.id))) == 1


@pytest.mark.parametrize(("purpose", "lifetime"), [(LinkPurpose.SELF_REQUESTED, timedelta(minutes=30)),
                                                   (LinkPurpose.INVITATION, timedelta(days=7))])
def test_a_link_expires(client: FlaskClient, delegate: Delegate, purpose: LinkPurpose, lifetime: timedelta) -> None:
    with time_machine.travel("2026-03-02 10:00 +0000", tick=False) as clock:
        token = new_link("ana@gov.example", purpose)
        page = client.get(f"/portal/link/{token}")
        assert page.status_code == 200
        clock.shift(lifetime + timedelta(seconds=1))
        assert client.get(f"/portal/link/{token}").status_code == 410
        fresh = csrf_token(client.get("/portal/sign-in"))  # the page's own token has expired too, after 7 days
        response = client.post(f"/portal/link/{token}", data={"csrf_token": fresh})
        assert response.status_code == 410
        assert client.get("/portal/").status_code == 302


def test_a_link_for_someone_no_longer_a_delegate_signs_nobody_in(client: FlaskClient, delegate: Delegate) -> None:
    token = new_link("ana@gov.example")
    db.session.execute(db.delete(Delegate).where(Delegate.id == delegate.id))
    db.session.commit()
    page = client.get(f"/portal/link/{token}")
    response = client.post(f"/portal/link/{token}", data={"csrf_token": csrf_token(client.get("/portal/sign-in"))})
    assert page.status_code == 200 and response.status_code == 410
    assert client.get("/portal/").status_code == 302


def test_the_session_lasts_fourteen_days(client: FlaskClient, delegate: Delegate) -> None:
    with time_machine.travel("2026-03-02 10:00 +0000", tick=False) as clock:
        sign_in_delegate(client, "ana@gov.example")
        clock.shift(timedelta(days=13, hours=23))
        assert client.get("/portal/").status_code == 200
        clock.shift(timedelta(hours=1, seconds=1))
        response = client.get("/portal/")
        assert response.status_code == 302 and response.headers["Location"] == "/portal/sign-in"


def test_signing_out_ends_the_session_even_for_a_copied_cookie(client: FlaskClient, app: Flask,
                                                               delegate: Delegate) -> None:
    sign_in_delegate(client, "ana@gov.example")
    stolen = client.get_cookie("tracker_portal", path="/portal").value  # type: ignore[union-attr]
    token = csrf_token(client.get("/portal/"))
    assert client.post("/portal/sign-out", data={"csrf_token": token, "submit": "1"}).status_code == 302
    copy = app.test_client()
    copy.set_cookie("tracker_portal", stolen, path="/portal")
    assert copy.get("/portal/").status_code == 302


def test_staff_can_revoke_every_session_of_a_delegate(client: FlaskClient, app: Flask, delegate: Delegate,
                                                      staff: object) -> None:
    phone, laptop = app.test_client(), app.test_client()
    sign_in_delegate(phone, "ana@gov.example")
    sign_in_delegate(laptop, "ana@gov.example")
    sign_in(client, staff)  # type: ignore[arg-type]
    page = client.get(f"/delegations/{delegate.delegation_id}")
    assert "2 open sessions" in page.get_data(as_text=True)
    url = f"/delegations/{delegate.delegation_id}/delegates/{delegate.id}/revoke"
    assert client.post(url, data={"csrf_token": csrf_token(page)}).status_code == 302
    assert phone.get("/portal/").status_code == 302 and laptop.get("/portal/").status_code == 302
    assert db.session.scalar(select(func.count(PortalSession.id)).where(PortalSession.ended_by_id.is_not(None))) == 2


def test_staff_invite_a_delegate_by_email(client: FlaskClient, delegate: Delegate, staff: object,
                                          mailbox: Path) -> None:
    sign_in(client, staff)  # type: ignore[arg-type]
    page = client.get(f"/delegations/{delegate.delegation_id}")
    url = f"/delegations/{delegate.delegation_id}/delegates/{delegate.id}/invite"
    response = client.post(url, data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Invitation sent to ana@gov.example" in response.get_data(as_text=True)
    (message,) = read_mail(mailbox)
    assert "invites you to its follow-up portal" in text_of(message)
    link = db.session.scalars(select(PortalLink)).one()
    assert link.purpose is LinkPurpose.INVITATION and link.created_by_id == staff.id  # type: ignore[attr-defined]


def test_link_requests_are_rate_limited_per_client_and_per_address(
    client: FlaskClient, app: Flask, delegate: Delegate, mailbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(6):  # the database allows five links an hour for one address, from anywhere
        _ask_for_link(client, "ana@gov.example")
    assert db.session.scalar(select(func.count(PortalLink.id))) == 5
    assert len(read_mail(mailbox)) == 5

    monkeypatch.setitem(app.config, "PORTAL_LINK_RATE_LIMIT", "2 per minute")
    limiter.reset()
    try:
        statuses = [_ask_for_link(client, f"someone{n}@gov.example").status_code for n in range(3)]
    finally:
        limiter.reset()
    assert statuses == [200, 200, 429]


def test_the_command_line_prints_a_link_that_signs_in(runner: FlaskCliRunner, client: FlaskClient,
                                                      delegate: Delegate) -> None:
    result = runner.invoke(args=["portal", "link", "ANA@gov.example"])
    assert result.exit_code == 0, result.output
    token = LINK.search(result.stdout).group(0).rsplit("/", 1)[1]  # type: ignore[union-attr]
    assert use_link(client, token).status_code == 302  # type: ignore[attr-defined]

    unknown = runner.invoke(args=["portal", "link", "nobody@gov.example"])
    assert unknown.exit_code == 1 and "No delegate has the address" in unknown.output
    invalid = runner.invoke(args=["portal", "link", "not-an-address"])
    assert invalid.exit_code == 2 and "is not an email address" in invalid.output
    assert db.session.scalar(select(func.count(PortalLink.id))) == 1


def test_portal_pages_are_closed_to_anonymous_visitors_and_staff_pages_to_delegates(
    client: FlaskClient, delegate: Delegate
) -> None:
    for url in ("/portal/", "/portal/ask", "/portal/preferences", "/portal/requests/1"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/portal/sign-in", url
    sign_in_delegate(client, "ana@gov.example")
    for url in ("/", "/requests/", f"/delegations/{delegate.delegation_id}", "/materials/", "/delegate-activity"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
