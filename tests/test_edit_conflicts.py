"""No lost edits: two people open the same record; the first saves; the second's save is refused, keeps what they
typed, and shows what the first changed (value when opened, value now), who and when. Nothing is overwritten."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests import factories
from tests.conftest import sign_in
from tests.html import Form, form_posting_to
from tracker.extensions import db
from tracker.models import Delegation, InfoRequest, RequestStatus, TimelineEntry, TimelineKind, User, Visit


@pytest.fixture
def ana(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client, factories.user(name="Ana First"))
    return client


@pytest.fixture
def ben(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client, factories.user(name="Ben Second"))
    return client


def _open(client: FlaskClient, page: str, action: str | None = None) -> Form:
    response = client.get(page)
    assert response.status_code == 200
    return form_posting_to(response, page, action or page)


def _text(response: object) -> str:
    return unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


@dataclass
class Case:
    """An edit page, the change the first person saves, the one the second tries, and how to read the record."""

    page: Callable[[dict[str, int]], str]
    first: dict[str, str]
    second: dict[str, str]
    read: Callable[[dict[str, int]], object]
    #: What the conflict shows of the first person's change: field label, value when opened, value now.
    shown: tuple[str, str, str]
    names_who: bool = True


def _visit(ids: dict[str, int]) -> Visit:
    return db.session.get_one(Visit, ids["visit"])


def _delegation(ids: dict[str, int]) -> Delegation:
    return db.session.get_one(Delegation, ids["delegation"])


def _request(ids: dict[str, int]) -> InfoRequest:
    return db.session.get_one(InfoRequest, ids["request"])


CASES = {
    "visit": Case(
        lambda ids: f"/visits/{ids['visit']}/edit",
        {"location": "Geneva"}, {"title": "Second person's title"},
        lambda ids: (_visit(ids).location, _visit(ids).title),
        ("Location", "—", "Geneva"), names_who=False,  # visits have no timeline
    ),
    "delegation": Case(
        lambda ids: f"/delegations/{ids['delegation']}/edit",
        {"status": "closed"}, {"notes": "Second person's notes"},
        lambda ids: (_delegation(ids).status.value, _delegation(ids).notes),
        ("Status", "Following up", "Follow-up closed"),
    ),
    "request": Case(
        lambda ids: f"/requests/{ids['request']}/edit",
        {"due_on": "2026-09-30"}, {"title": "Second person's title"},
        lambda ids: (_request(ids).due_on.isoformat(), _request(ids).title),
        ("Due on", "30 Apr 2025", "30 Sep 2026"),
    ),
}


@pytest.fixture
def ids() -> dict[str, int]:
    info_request = factories.info_request()
    visit_id = db.session.get_one(Delegation, info_request.delegation_id).visit_id
    return {"visit": visit_id, "delegation": info_request.delegation_id, "request": info_request.id}


@pytest.mark.parametrize("name", CASES)
def test_the_second_of_two_edits_is_refused_with_what_changed_and_nothing_is_overwritten(
    ana: FlaskClient, ben: FlaskClient, ids: dict[str, int], name: str
) -> None:
    case = CASES[name]
    page = case.page(ids)
    anas_form, bens_form = _open(ana, page), _open(ben, page)

    assert ana.post(page, data=anas_form.data(**case.first)).status_code == 302
    saved_by_ana = case.read(ids)
    refused = ben.post(page, data=bens_form.data(**case.second))

    assert refused.status_code == 409
    assert case.read(ids) == saved_by_ana, "the second save overwrote the first"
    text = _text(refused)
    assert f"Not saved: someone else saved this {name} after you opened it" in text
    label, when_opened, now = case.shown
    assert f'<td data-label="Field">{label}</td>' in text
    assert f'<td data-label="When opened" class="was">{when_opened}</td>' in text
    assert f'<td data-label="Saved now" class="now">{now}</td>' in text
    assert ('<span class="actor">Ana First</span>' in text) is case.names_who  # who saved, from the timeline
    [(field, typed)] = case.second.items()
    kept = form_posting_to(refused, page, page)
    assert kept.data()[field] == typed, "what the second person typed is kept in the form"

    # The fields Ben left alone now hold Ana's values: saving again keeps both people's changes.
    assert ben.post(page, data=kept.data()).status_code == 302
    assert case.read(ids) == (saved_by_ana[0], typed)  # type: ignore[index]


def test_when_both_change_the_same_field_the_second_keeps_what_they_typed_to_decide(
    ana: FlaskClient, ben: FlaskClient, ids: dict[str, int]
) -> None:
    page = f"/requests/{ids['request']}/edit"
    anas_form, bens_form = _open(ana, page), _open(ben, page)
    assert ana.post(page, data=anas_form.data(title="Ana's title", description="Ana's\r\nnotes")).status_code == 302

    refused = ben.post(page, data=bens_form.data(title="Ben's title", priority="high"))

    assert refused.status_code == 409 and _request(ids).title == "Ana's title"
    text = _text(refused)
    assert 'class="now">Ana&#39;s title</td>' in refused.get_data(as_text=True) and "Ben&#39;s title" not in text
    kept = form_posting_to(refused, page, page).data()
    assert (kept["title"], kept["priority"], kept["description"]) == ("Ben's title", "high", "Ana's\nnotes")


def test_a_status_change_made_on_an_old_page_is_refused_with_the_reason_kept(
    ana: FlaskClient, ben: FlaskClient, ids: dict[str, int]
) -> None:
    page, action = f"/requests/{ids['request']}", f"/requests/{ids['request']}/status"
    anas_form, bens_form = _open(ana, page, action), _open(ben, page, action)
    assert ana.post(action, data=anas_form.data(status="in_progress")).status_code == 302

    refused = ben.post(action, data=bens_form.data(status="withdrawn", reason="They no longer need it"))

    assert refused.status_code == 409
    assert _request(ids).status is RequestStatus.IN_PROGRESS
    text = _text(refused)
    assert '<td data-label="Field">Status</td>' in text and 'class="now">In progress</td>' in text
    assert '<span class="actor">Ana First</span>' in text and "New → In progress" in text
    kept = form_posting_to(refused, action, action)
    assert kept.data()["reason"] == "They no longer need it"


def test_reminder_settings_made_on_an_old_page_are_refused(
    ana: FlaskClient, ben: FlaskClient, ids: dict[str, int]
) -> None:
    page, action = f"/requests/{ids['request']}", f"/requests/{ids['request']}/reminders"
    reminders = _open(ben, page, action)
    status = _open(ana, page, f"{page}/status")
    assert ana.post(f"{page}/status", data=status.data(status="in_progress")).status_code == 302

    refused = ben.post(action, data=reminders.data(reminders_off="y"))

    assert refused.status_code == 409 and not _request(ids).reminders_off
    assert form_posting_to(refused, action, action).data()["reminders_off"] == "y"


def test_a_form_without_its_opened_values_is_refused_all_the_same(
    ana: FlaskClient, ben: FlaskClient, ids: dict[str, int]
) -> None:
    page = f"/visits/{ids['visit']}/edit"
    bens_form = _open(ben, page)
    assert ana.post(page, data=_open(ana, page).data(location="Geneva")).status_code == 302

    for altered in ({"opened": "forged"}, {"opened": ""}, {"version": ""}):
        refused = ben.post(page, data=bens_form.data(title="Ben's", **altered))
        assert refused.status_code == 409 and _visit(ids).location == "Geneva" and _visit(ids).title != "Ben's"
        if "opened" in altered:
            assert 'class="was"><span class="muted">not known</span>' in refused.get_data(as_text=True)


@contextmanager
def another_save_at_commit(ids: dict[str, int], by: User) -> Iterator[list[bool]]:
    """While the next commit flushes, someone else saves the request first, on another connection: the version
    check in the UPDATE itself (SQLAlchemy's StaleDataError) must refuse the late save."""
    fired: list[bool] = []

    def save_first(session: Session, *args: object) -> None:
        if fired or session is not db.session():
            return
        fired.append(True)
        with Session(db.engine) as theirs:
            info_request = theirs.get_one(InfoRequest, ids["request"])
            info_request.title = "Saved a moment earlier"
            theirs.add(TimelineEntry(kind=TimelineKind.UPDATED, summary="Title: … → Saved a moment earlier",
                                     delegation_id=info_request.delegation_id, request_id=info_request.id,
                                     actor_id=by.id))
            theirs.commit()

    sa.event.listen(Session, "before_flush", save_first)
    try:
        yield fired
    finally:
        sa.event.remove(Session, "before_flush", save_first)


def test_a_save_racing_another_in_the_same_instant_is_refused_too(
    ben: FlaskClient, ids: dict[str, int]
) -> None:
    page = f"/requests/{ids['request']}/edit"
    bens_form = _open(ben, page)
    other = factories.user(name="Cleo Concurrent")
    with another_save_at_commit(ids, by=other) as fired:
        refused = ben.post(page, data=bens_form.data(title="Ben's title"))
    assert fired and refused.status_code == 409
    assert _request(ids).title == "Saved a moment earlier"
    text = _text(refused)
    assert 'class="now">Saved a moment earlier</td>' in text and '<span class="actor">Cleo Concurrent</span>' in text
    assert db.session.scalar(sa.select(sa.func.count()).where(TimelineEntry.summary.contains("Ben's"))) == 0
