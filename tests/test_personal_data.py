"""A delegate's personal data: everything held about them as JSON, and erasure that leaves their records in
place, anonymised, with nothing of their name or address anywhere in the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tests.conftest import sign_in
from tests.html import csrf_token
from tests.portal.helpers import sign_in_delegate
from tracker import timeline
from tracker.extensions import db
from tracker.models import (
    AuditAction,
    AuditEntry,
    Delegate,
    InfoRequest,
    MaterialDownload,
    MaterialFeedback,
    MaterialVersion,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    PortalLink,
    PortalSession,
    TimelineEntry,
    TimelineKind,
    User,
    Verdict,
)
from tracker.reminders.mails import RenderedMail, request_reminder
from tracker.reminders.outbox import outbox_row, queue_one

NAME, EMAIL = "Oksana O'Brien-Melnyk", "oksana.melnyk@gov.example"


def _delegate_with_a_history() -> Delegate:
    """A delegate who signed in to the portal, downloaded and rated a material, asked a question (mailed to
    the liaison with her name), and has mail sent and mail waiting; a reminder to the liaison, not yet rendered,
    names her; the same person in a second delegation."""
    delegation = factories.delegation(notes=f"Met {NAME} at the reception.")
    info_request = factories.info_request(delegation, title="Review of the draft law")
    attachment = factories.material(info_request)
    delegate = factories.delegate(delegation, name=NAME, email=EMAIL, title="Deputy Director",
                                  organisation="Ministry of Interior")
    factories.delegate(factories.delegation(country=factories.country("THA")), name=NAME, email=EMAIL)
    version_id = db.session.scalar(
        select(MaterialVersion.id).where(MaterialVersion.material_id == attachment.material_id)
    )
    now = datetime.now(UTC)
    db.session.add_all([
        MaterialDownload(request_material_id=attachment.id, version_id=version_id, delegate_id=delegate.id),
        MaterialFeedback(request_material_id=attachment.id, delegate_id=delegate.id, verdict=Verdict.USEFUL,
                         comment="Exactly what our working group needed."),
    ])
    timeline.record(TimelineKind.DELEGATE_ASKED, f"{NAME} asked a question", body="Is there a model law?",
                    delegation_id=delegation.id, request_id=info_request.id, actor=None, delegate_id=delegate.id)
    for key, status in (("sent", OutboxStatus.SENT), ("waiting", OutboxStatus.PENDING)):
        row = outbox_row(key=f"test:{key}", kind="material_shared", to=EMAIL, now=now,
                         delegation_id=delegation.id,
                         mail=RenderedMail(f"For {NAME}", f"Dear {NAME},", "<p>Dear Oksana O&#39;Brien-Melnyk,</p>"))
        queue_one({**row, "status": status})
    row = outbox_row(key="test:liaison", kind="delegate_message", to="liaison@centre.example", now=now,
                     delegation_id=delegation.id,
                     mail=RenderedMail(f"{NAME} wrote", f"{NAME} <{EMAIL}> asked a question.", "<p>…</p>"))
    queue_one(row)
    reminder = request_reminder(  # a reminder waits as a draft (JSON) until it is sent
        MessageKind.DUE_TODAY, recipient_name="Liaison", request_id=info_request.id, title=f"Briefing for {NAME}",
        country="Ukraine", due_on=now.date(), today=now.date(), owner_name="Liaison",
    )
    queue_one(outbox_row(key="test:reminder", kind=MessageKind.DUE_TODAY, to="liaison@centre.example", now=now,
                         request_id=info_request.id, delegation_id=delegation.id, mail=reminder))
    db.session.commit()
    return delegate


def _admin_client(client: FlaskClient) -> FlaskClient:
    sign_in(client, factories.user(role="admin"))
    return client


def test_an_export_holds_everything_about_the_person_and_no_secret(client: FlaskClient) -> None:
    delegate = _delegate_with_a_history()
    sign_in_delegate(FlaskClient(client.application), EMAIL)  # a portal link and a session
    response = _admin_client(client).get(f"/admin/delegates/{delegate.id}/export")
    assert response.headers["Content-Disposition"].endswith(f'delegate-{delegate.id}-personal-data.json"')
    document = json.loads(response.get_data(as_text=True))
    assert [record["name"] for record in document["delegate_records"]] == [NAME, NAME]
    assert document["delegate_records"][0]["organisation"] == "Ministry of Interior"
    assert len(document["portal_links"]) == 1 and len(document["portal_sessions"]) == 1
    assert "token_hash" not in document["portal_links"][0] and "token_hash" not in document["portal_sessions"][0]
    assert len(document["downloads"]) == 1
    assert document["material_feedback"][0]["comment"] == "Exactly what our working group needed."
    assert document["timeline_entries_written"][0]["body"] == "Is there a model law?"
    assert sorted(mail["status"] for mail in document["mail_to_them"]) == ["pending", "sent"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.PERSONAL_DATA_EXPORTED))
    assert entry is not None and entry.target_id == delegate.id


def _erase(client: FlaskClient, delegate_id: int, typed: str):  # type: ignore[no-untyped-def]
    url = f"/admin/delegates/{delegate_id}/erase"
    return client.post(url, data={"confirmation": typed, "csrf_token": csrf_token(client.get(url))})


def _every_text_in_the_database() -> list[tuple[str, str, str]]:
    """(table, column, value) of every text and JSON value of every row of every table."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, sa.String | sa.JSON)]
        for row in db.session.execute(select(*columns)) if columns else ():
            for column, value in zip(columns, row):
                if value is not None:
                    found.append((table.name, column.name, json.dumps(value, ensure_ascii=False)))
    return found


def test_erasure_leaves_the_name_and_address_nowhere_and_keeps_the_records(client: FlaskClient) -> None:
    delegate = _delegate_with_a_history()
    sign_in_delegate(FlaskClient(client.application), EMAIL)
    client = _admin_client(client)
    page = client.get(f"/admin/delegates/{delegate.id}/erase").get_data(as_text=True)
    assert "The same address is listed" in page and "Type ERASE to confirm" in page

    refused = _erase(client, delegate.id, "erase")
    assert refused.status_code == 400 and "Type ERASE, in capitals" in refused.get_data(as_text=True)
    assert db.session.get_one(Delegate, delegate.id).name == NAME

    assert _erase(client, delegate.id, "ERASE").status_code == 302
    leftovers = [(table, column) for table, column, value in _every_text_in_the_database()
                 if any(needle in value.lower() for needle in ("oksana", "melnyk", EMAIL))]
    assert leftovers == []

    erased = db.session.get_one(Delegate, delegate.id)
    assert (erased.name, erased.email, erased.title, erased.organisation) == (
        f"Erased delegate #{delegate.id}", None, "", "")
    assert db.session.scalar(select(func.count(PortalSession.id))) == 0
    assert db.session.scalar(select(func.count(PortalLink.id))) == 0
    statuses = db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.kind == "material_shared")).all()
    assert statuses == [OutboxStatus.SENT]  # the unsent one is gone, the sent one emptied
    assert db.session.scalar(select(func.count(MaterialFeedback.id))) == 1
    assert db.session.scalar(select(func.count(MaterialDownload.id))) == 1
    question = db.session.scalar(select(TimelineEntry).where(TimelineEntry.delegate_id == delegate.id))
    assert question is not None and question.summary == f"Erased delegate #{delegate.id} asked a question"
    assert db.session.scalar(select(func.count(InfoRequest.id))) == 1
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.DELEGATE_ERASED))
    assert entry is not None and entry.target_id == delegate.id and "same person" in entry.summary


def test_a_short_name_is_not_replaced_inside_other_words(client: FlaskClient) -> None:
    delegation = factories.delegation(notes="Analysis of the law, with Ana.")
    ana = factories.delegate(delegation, name="Ana", email="ana@gov.example")
    _erase(_admin_client(client), ana.id, "ERASE")
    notes = db.session.scalar(select(sa.text("notes")).select_from(sa.table("delegations")))
    assert notes == "Analysis of the law, with Ana."
    assert db.session.get_one(Delegate, ana.id).name == f"Erased delegate #{ana.id}"


def test_personal_data_pages_are_for_admins(client: FlaskClient, staff: User) -> None:
    delegate = factories.delegate(factories.delegation(), name=NAME, email=EMAIL)
    sign_in(client, staff)
    for url in (f"/admin/delegates/{delegate.id}/export", f"/admin/delegates/{delegate.id}/erase",
                "/admin/personal-data?q=oksana"):
        assert client.get(url).status_code == 403
    refused = client.post(f"/admin/delegates/{delegate.id}/erase",
                          data={"confirmation": "ERASE", "csrf_token": csrf_token(client.get("/"))})
    assert refused.status_code == 403
    assert db.session.get_one(Delegate, delegate.id).email == EMAIL


def test_an_admin_finds_a_delegate_by_name_or_address(client: FlaskClient) -> None:
    delegate = factories.delegate(factories.delegation(), name=NAME, email=EMAIL)
    client = _admin_client(client)
    for query in ("melnyk", "OKSANA.M", "gov.example"):
        page = client.get(f"/admin/personal-data?q={query}").get_data(as_text=True)
        assert f"/admin/delegates/{delegate.id}/erase" in page, query
    assert "No delegate's name or email contains" in client.get("/admin/personal-data?q=zz%25").get_data(as_text=True)
    searches = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PERSONAL_DETAILS_VIEWED))
    assert len(searches.all()) == 3
