"""Each user's calendar feed: valid RFC 5545 with their due dates and check-ins, at a secret address that a new
address, stopping the feed or deactivating the user turns into a 404."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import update

from tests import factories
from tests.html import csrf_token
from tests.queries import counting_queries
from tracker.clock import today
from tracker.extensions import db
from tracker.models import RequestStatus, User


def new_address(client: FlaskClient) -> str:
    """Make a feed address through the preferences page, as a person does, and return its path."""
    token = csrf_token(client.get("/preferences"))
    page = client.post("/preferences/calendar", data={"csrf_token": token}).get_data(as_text=True)
    match = re.search(r'id="feed-address"[^>]*value="http://[^/"]+(/calendar/[^"]+\.ics)"', page)
    assert match, page
    return match.group(1)


@pytest.fixture
def feed_path(signed_in: FlaskClient) -> str:
    return new_address(signed_in)


def events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_has_my_open_due_dates_and_check_ins(client: FlaskClient, staff: User, feed_path: str) -> None:
    day = today()
    visit = factories.visit(starts_on=day - timedelta(days=30))  # ended 26 days ago: the 14-day check-in is due
    mine = factories.delegation(visit=visit, country=factories.country("CIV"), liaison=staff)
    due = factories.info_request(mine, title="Review of the draft law on victim protection", owner_id=staff.id,
                                 due_on=day + timedelta(days=3))  # fmt: skip
    factories.info_request(mine, owner_id=staff.id, due_on=day, status=RequestStatus.DELIVERED)
    factories.info_request(mine, owner_id=staff.id, due_on=day + timedelta(days=400))  # beyond a year
    factories.info_request(mine, owner_id=staff.id, due_on=day - timedelta(days=91))  # long past
    factories.info_request(mine, owner_id=factories.user().id, due_on=day)  # someone else's

    response = client.get(feed_path)  # no session: a calendar program
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    assert (str(calendar["VERSION"]), str(calendar["X-WR-CALNAME"])) == ("2.0", f"Follow-up tracker: {staff.name}")
    assert calendar["PRODID"] and calendar["REFRESH-INTERVAL"]

    found = events(response.data)
    assert set(found) == {f"request-{due.id}@127.0.0.1", f"follow-up-{mine.id}@127.0.0.1"}
    request_event = found[f"request-{due.id}@127.0.0.1"]
    assert request_event.decoded("DTSTART") == due.due_on  # an all-day date, not a time
    assert str(request_event["SUMMARY"]) == "Due: Review of the draft law on victim protection (Côte d'Ivoire)"
    assert str(request_event["URL"]) == f"http://127.0.0.1:5000/requests/{due.id}"
    assert "Draft-law review" in str(request_event["DESCRIPTION"])
    check_in = found[f"follow-up-{mine.id}@127.0.0.1"]
    assert check_in.decoded("DTSTART") == visit.ends_on + timedelta(days=14)
    assert str(check_in["SUMMARY"]) == "Check in: Côte d'Ivoire delegation"
    assert str(check_in["URL"]) == f"http://127.0.0.1:5000/delegations/{mine.id}"
    for event in found.values():
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL"} <= set(event)
        assert isinstance(event.decoded("DTSTART"), date)


def test_the_feed_is_folded_at_75_octets_with_crlf(client: FlaskClient, staff: User, feed_path: str) -> None:
    """RFC 5545 §3.1: lines end in CRLF and are folded (CRLF + space) at 75 octets, multi-byte characters whole."""
    delegation = factories.delegation(liaison=staff)
    factories.info_request(delegation, owner_id=staff.id, due_on=today(), title="Évaluation " + "données ü " * 15)
    body = client.get(feed_path).data
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long summary was folded
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character


@pytest.mark.parametrize("path", ["/calendar/wrong.ics", "/calendar/.ics", "/calendar/" + "x" * 300 + ".ics"])
def test_a_wrong_address_answers_404(client: FlaskClient, feed_path: str, path: str) -> None:
    assert client.get(path).status_code == 404


def test_a_new_address_revokes_the_old_one(signed_in: FlaskClient, feed_path: str) -> None:
    newer = new_address(signed_in)
    assert newer != feed_path
    assert signed_in.get(feed_path).status_code == 404
    assert signed_in.get(newer).status_code == 200


def test_stopping_the_feed_revokes_its_address(signed_in: FlaskClient, feed_path: str) -> None:
    page = signed_in.get("/preferences").get_data(as_text=True)
    assert "You have a calendar feed" in page and feed_path not in page  # the address is never shown again
    token = csrf_token(signed_in.get("/preferences"))
    response = signed_in.post("/preferences/calendar/stop", data={"csrf_token": token})
    assert response.status_code == 302
    assert signed_in.get(feed_path).status_code == 404


def test_a_deactivated_users_feed_answers_404(client: FlaskClient, staff: User, feed_path: str) -> None:
    db.session.execute(update(User).where(User.id == staff.id).values(is_enabled=False))
    db.session.commit()
    assert client.get(feed_path).status_code == 404


def test_a_viewer_has_no_feed_to_make(client: FlaskClient) -> None:
    from tests.conftest import sign_in

    sign_in(client, factories.user(role="viewer"))
    assert "Make my calendar feed" not in client.get("/preferences").get_data(as_text=True)


def test_the_feed_runs_the_same_queries_for_many_events(client: FlaskClient, staff: User, feed_path: str) -> None:
    def queries() -> int:
        with counting_queries() as statements:
            assert client.get(feed_path).status_code == 200
        return len(statements)

    factories.info_request(factories.delegation(liaison=staff), owner_id=staff.id, due_on=today())
    few = queries()
    for _ in range(4):
        factories.info_request(factories.delegation(liaison=staff), owner_id=staff.id, due_on=today())
    assert queries() == few
