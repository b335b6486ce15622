"""Requests: logging one, its status flow, the timeline, and edits that never overwrite each other."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.html import csrf_token
from tracker.extensions import db
from tracker.models import InfoRequest, RequestStatus, TimelineEntry, TimelineKind


def _timeline(request_id: int) -> list[TimelineEntry]:
    query = select(TimelineEntry).where(TimelineEntry.request_id == request_id).order_by(TimelineEntry.id)
    return list(db.session.scalars(query))


def _reload(info_request: InfoRequest) -> InfoRequest:
    db.session.expire_all()
    return db.session.get(InfoRequest, info_request.id)


def _change_status(client: FlaskClient, info_request: InfoRequest, status: str, reason: str = ""):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(f"/requests/{info_request.id}"))
    data = {"status": status, "reason": reason, "version": info_request.version, "csrf_token": token}
    return client.post(f"/requests/{info_request.id}/status", data=data)


def test_request_logged_from_a_need_is_owned_by_the_liaison_by_default(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()
    need = factories.need(delegation)
    page = signed_in.get(f"/delegations/{delegation.id}/requests/new?need={need.id}").get_data(as_text=True)
    assert f'<option selected value="{need.id}">' in page
    assert f'<option selected value="{delegation.liaison_id}">' in page
    data = {
        "csrf_token": csrf_token(signed_in.get("/")), "kind": "comparative_analysis", "title": "Compare shelters",
        "need_id": need.id, "owner_id": delegation.liaison_id, "due_on": "2026-12-15", "priority": "high",
    }
    response = signed_in.post(f"/delegations/{delegation.id}/requests/new", data=data)
    assert response.status_code == 302
    created = db.session.scalar(select(InfoRequest).where(InfoRequest.title == "Compare shelters"))
    assert created.need_id == need.id and created.status is RequestStatus.NEW and created.due_on == date(2026, 12, 15)
    assert [e.kind for e in _timeline(created.id)] == [TimelineKind.CREATED]


@pytest.mark.parametrize(
    ("path", "final"),
    [
        (["in_progress", "waiting", "in_progress", "delivered", "closed"], RequestStatus.CLOSED),
        (["delivered", "in_progress"], RequestStatus.IN_PROGRESS),
    ],
)
def test_status_flow_is_followed_and_recorded(signed_in: FlaskClient, path: list[str], final: RequestStatus) -> None:
    info_request = factories.info_request()
    for status in path:
        info_request = _reload(info_request)
        assert _change_status(signed_in, info_request, status).status_code == 302
    info_request = _reload(info_request)
    assert info_request.status is final
    changes = [e.summary for e in _timeline(info_request.id) if e.kind is TimelineKind.STATUS_CHANGED]
    assert len(changes) == len(path)
    assert changes[0] == f"Status: New → {RequestStatus(path[0]).label}"
    assert (info_request.delivered_at is not None) == (final is RequestStatus.CLOSED)


def test_a_status_outside_the_flow_is_refused(signed_in: FlaskClient) -> None:
    info_request = factories.info_request()
    response = _change_status(signed_in, info_request, "closed")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    assert _reload(info_request).status is RequestStatus.NEW


@pytest.mark.parametrize("status", ["declined", "withdrawn"])
def test_declining_or_withdrawing_needs_a_reason(signed_in: FlaskClient, status: str) -> None:
    info_request = factories.info_request()
    refused = _change_status(signed_in, info_request, status, reason="   ")
    assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
    assert _reload(info_request).status is RequestStatus.NEW
    assert _change_status(signed_in, info_request, status, reason="Covered by the embassy").status_code == 302
    saved = _reload(info_request)
    assert saved.status is RequestStatus(status) and saved.status_reason == "Covered by the embassy"
    assert _timeline(info_request.id)[-1].body == "Covered by the embassy"


def test_the_database_refuses_a_decline_without_reason() -> None:
    from sqlalchemy.exc import IntegrityError

    info_request = db.session.get(InfoRequest, factories.info_request().id)
    info_request.status = RequestStatus.DECLINED
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_comment_lands_in_the_timeline(signed_in: FlaskClient) -> None:
    info_request = factories.info_request()
    token = csrf_token(signed_in.get(f"/requests/{info_request.id}"))
    signed_in.post(f"/requests/{info_request.id}/comments", data={"body": "Draft sent to Ana", "csrf_token": token})
    entry = _timeline(info_request.id)[-1]
    assert entry.kind is TimelineKind.COMMENT and entry.body == "Draft sent to Ana"
    assert "Draft sent to Ana" in signed_in.get(f"/requests/{info_request.id}").get_data(as_text=True)


def _edit_data(client: FlaskClient, info_request: InfoRequest, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_token(client.get(f"/requests/{info_request.id}/edit")), "kind": info_request.kind.value,
        "title": info_request.title, "description": "", "need_id": 0, "owner_id": info_request.owner_id,
        "due_on": info_request.due_on.isoformat(), "priority": info_request.priority.value,
        "version": info_request.version,
    }
    data.update(changes)
    return data


def test_edit_reassigns_and_records_before_and_after(signed_in: FlaskClient) -> None:
    info_request = factories.info_request()
    new_owner = factories.user(name="Bea Owner")
    data = _edit_data(signed_in, info_request, owner_id=new_owner.id, due_on="2026-01-31")
    assert signed_in.post(f"/requests/{info_request.id}/edit", data=data).status_code == 302
    assert _reload(info_request).owner_id == new_owner.id
    summary = _timeline(info_request.id)[-1].summary
    assert "Owner:" in summary and "→ Bea Owner" in summary and "Due on: 30 Apr 2025 → 31 Jan 2026" in summary


def test_request_list_filters(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()
    mine = factories.info_request(delegation, title="Shelter data", due_on=date(2026, 3, 1))
    factories.info_request(delegation, title="Old review", due_on=date(2024, 1, 1), status=RequestStatus.CLOSED)
    other_owner = factories.user()
    factories.info_request(delegation, title="Someone else's", owner_id=other_owner.id, due_on=date(2026, 3, 2))

    def titles(query: str) -> set[str]:
        page = signed_in.get(f"/requests/?{query}").get_data(as_text=True)
        return {t for t in ("Shelter data", "Old review", "Someone else's") if t.replace("'", "&#39;") in page}

    assert titles("") == {"Shelter data", "Someone else's"}, "open requests by default"
    assert titles("status=") == {"Shelter data", "Old review", "Someone else's"}
    assert titles(f"owner={mine.owner_id}&status=") == {"Shelter data", "Old review"}
    assert titles("due_from=2026-01-01&due_to=2026-03-01") == {"Shelter data"}
    assert titles("kind=data") == set()
    assert titles("q=shelter") == {"Shelter data"}
    bad = signed_in.get("/requests/?due_from=2026-02-30&status=nonsense&page=-1")
    assert bad.status_code == 200 and "Not a valid" in bad.get_data(as_text=True)


def test_services_work_outside_a_request_with_plain_values() -> None:
    """The command line, imports and the portal call the same services the views call."""
    from tracker.info_requests.services import RequestFields, change_status, create_request
    from tracker.models import Delegation, Priority, RequestKind, User

    made = factories.delegation()
    delegation, liaison = db.session.get(Delegation, made.id), db.session.get(User, made.liaison_id)
    fields = RequestFields(
        kind=RequestKind.DATA, title="Shelter capacity figures", description="", need_id=None,
        owner_id=liaison.id, due_on=date(2026, 6, 1), priority=Priority.HIGH,
    )
    info_request = create_request(delegation, fields, liaison)
    change_status(info_request, RequestStatus.IN_PROGRESS, liaison)
    db.session.commit()
    entries = _timeline(info_request.id)
    assert [e.kind for e in entries] == [TimelineKind.CREATED, TimelineKind.STATUS_CHANGED]
    assert {e.actor_id for e in entries} == {liaison.id}
    assert entries[0].summary == "Request “Shelter capacity figures” logged for " + liaison.name + ", due 1 Jun 2026"
