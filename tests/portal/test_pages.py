"""What a signed-in delegate sees and does: exactly their delegation's requests, shared materials and comments
marked for them; downloads, feedback and questions reach staff. Anything else answers 404, like a missing id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tests.conftest import sign_in
from tests.html import csrf_token
from tests.portal.helpers import read_mail, sign_in_delegate
from tracker.extensions import db
from tracker.models import (
    Delegate,
    Delegation,
    InfoRequest,
    MaterialDownload,
    MaterialFeedback,
    NeedsSummary,
    RequestStatus,
    SummaryResponse,
    TimelineEntry,
    TimelineKind,
    User,
    Verdict,
)
from tracker.models.base import utcnow
from tracker.reminders.delivery import deliver


@pytest.fixture
def world(client: FlaskClient, delegate: Delegate) -> dict[str, int]:
    """Ana signed in; her delegation's request with a shared and an internal material; another delegation's."""
    mine = db.session.scalars(select(InfoRequest).where(InfoRequest.delegation_id == delegate.delegation_id)).one()
    other_delegation = factories.delegation(country=factories.country("THA"))
    theirs = factories.info_request(other_delegation, title="Thai labour inspection data")
    ids = {
        "request": mine.id,
        "shared": factories.material(mine, title="Comparative analysis").id,
        "internal": factories.material(mine, shared=False, title="Internal draft").id,
        "other_request": theirs.id,
        "other_material": factories.material(theirs, title="Thai statistics").id,
        "other_summary": factories.needs_summary(other_delegation).id,
        "delegation": delegate.delegation_id,
        "liaison": db.session.get_one(Delegation, delegate.delegation_id).liaison_id,
    }
    sign_in_delegate(client, "ana@gov.example")
    return ids


def test_home_shows_only_my_requests_with_a_delegate_facing_status(client: FlaskClient, world: dict[str, int]) -> None:
    page = client.get("/portal/").get_data(as_text=True)
    assert "Review of the draft anti-trafficking law" in page
    assert "Thai labour inspection data" not in page
    assert "In progress" in page and ">New<" not in page  # "new" is internal

    db.session.execute(db.update(InfoRequest).where(InfoRequest.id == world["request"])
                       .values(status=RequestStatus.WAITING))
    db.session.commit()
    assert "Waiting for your reply" in client.get("/portal/").get_data(as_text=True)


def test_another_delegations_ids_answer_404_exactly_like_missing_ones(client: FlaskClient,
                                                                      world: dict[str, int]) -> None:
    def body(response: object) -> str:  # the page's content (the header marks the page it is on)
        return re.findall(r"<main.*</main>", response.get_data(as_text=True), re.S)[0]  # type: ignore[attr-defined]

    missing = client.get("/portal/requests/999999")
    assert missing.status_code == 404
    for url in (f"/portal/requests/{world['other_request']}", f"/portal/materials/{world['other_material']}",
                f"/portal/materials/{world['internal']}", f"/portal/heard/{world['other_summary']}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert body(response) == body(missing)
    token = csrf_token(client.get("/portal/"))
    response = client.post(f"/portal/materials/{world['other_material']}/feedback",
                           data={"verdict": "useful", "csrf_token": token})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(MaterialFeedback.id))) == 0


def test_a_shared_material_is_listed_and_downloaded_with_a_receipt(client: FlaskClient, world: dict[str, int],
                                                                   staff: User) -> None:
    page = client.get(f"/portal/requests/{world['request']}").get_data(as_text=True)
    assert "Comparative analysis" in page and "Internal draft" not in page
    response = client.get(f"/portal/materials/{world['shared']}")
    assert response.status_code == 302 and response.headers["Location"] == "https://example.org/report"
    receipt = db.session.scalars(select(MaterialDownload)).one()
    assert receipt.request_material_id == world["shared"]

    staff_client = client.application.test_client()
    sign_in(staff_client, staff)
    staff_page = staff_client.get(f"/requests/{world['request']}").get_data(as_text=True)
    assert "Downloaded by: Ana Popescu (v1" in staff_page


def test_feedback_is_kept_one_per_delegate_and_need_more_reaches_the_liaison(
    client: FlaskClient, world: dict[str, int], mailbox: Path
) -> None:
    url = f"/portal/materials/{world['shared']}/feedback"
    token = csrf_token(client.get(f"/portal/requests/{world['request']}"))
    client.post(url, data={"verdict": "useful", "csrf_token": token})
    client.post(url, data={"verdict": "need_more", "comment": "Please add 2024 figures", "csrf_token": token})
    client.post(url, data={"verdict": "excellent", "csrf_token": token})  # not a choice: nothing changes
    feedback = db.session.scalars(select(MaterialFeedback)).one()
    assert (feedback.verdict, feedback.comment) == (Verdict.NEED_MORE, "Please add 2024 figures")
    deliver(utcnow())  # staff mail waits for the scheduler's next pass
    (message,) = read_mail(mailbox)
    liaison = db.session.get(User, world["liaison"])
    assert message["To"] == liaison.email and "Please add 2024 figures" in message.get_body(("plain",)).get_content()


def test_a_question_becomes_a_request_in_the_liaisons_queue(client: FlaskClient, world: dict[str, int]) -> None:
    token = csrf_token(client.get("/portal/ask"))
    response = client.post("/portal/ask", data={
        "delegation_id": world["delegation"], "about": 0, "subject": "Model victim-referral protocol",
        "message": "Could you share a model protocol?", "csrf_token": token})
    assert response.status_code == 302
    created = db.session.scalars(select(InfoRequest).where(InfoRequest.title == "Model victim-referral protocol")).one()
    assert created.owner_id == world["liaison"] and created.delegation_id == world["delegation"]
    assert created.status is RequestStatus.NEW
    entry = db.session.scalars(select(TimelineEntry).where(TimelineEntry.request_id == created.id)).one()
    assert entry.kind is TimelineKind.DELEGATE_ASKED and entry.shared_with_delegation and entry.delegate_id

    # A message about another delegation's request is refused and creates nothing.
    response = client.post("/portal/ask", data={"delegation_id": world["delegation"], "about": world["other_request"],
                                                "message": "Let me see", "csrf_token": token})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(TimelineEntry.id)).where(
        TimelineEntry.request_id == world["other_request"])) == 0


def test_the_public_timeline_shows_only_comments_marked_for_the_delegation(
    client: FlaskClient, world: dict[str, int], staff: User
) -> None:
    staff_client = client.application.test_client()
    sign_in(staff_client, staff)
    token = csrf_token(staff_client.get(f"/requests/{world['request']}"))
    url = f"/requests/{world['request']}/comments"
    staff_client.post(url, data={"body": "The owner is on leave", "csrf_token": token})
    staff_client.post(url, data={"body": "Draft expected next week", "shared_with_delegation": "y",
                                 "csrf_token": token})
    page = client.get(f"/portal/requests/{world['request']}").get_data(as_text=True)
    assert "Draft expected next week" in page and "The owner is on leave" not in page


def test_what_we_heard_is_sent_confirmed_and_recorded(client: FlaskClient, world: dict[str, int], staff: User,
                                                      mailbox: Path) -> None:
    factories.need(db.session.get_one(Delegation, world["delegation"]), description="Review of our draft law")
    staff_client = client.application.test_client()
    sign_in(staff_client, staff)
    token = csrf_token(staff_client.get(f"/delegations/{world['delegation']}"))
    staff_client.post(f"/delegations/{world['delegation']}/heard", data={"csrf_token": token})
    summary = db.session.scalars(select(NeedsSummary).where(NeedsSummary.delegation_id == world["delegation"])).one()
    assert {item["text"] for item in summary.items} == {"Review of our draft law",
                                                         "Review of the draft anti-trafficking law"}

    page = client.get(f"/portal/heard/{summary.id}")
    assert "Review of our draft law" in page.get_data(as_text=True)
    refused = client.post(f"/portal/heard/{summary.id}", data={"correct": "1", "correction": " ",
                                                                "csrf_token": csrf_token(page)})
    assert refused.status_code == 400
    client.post(f"/portal/heard/{summary.id}", data={"confirm": "1", "csrf_token": csrf_token(page)})
    db.session.refresh(summary)
    assert summary.response is SummaryResponse.CONFIRMED and summary.responded_at is not None
    confirmed = staff_client.get(f"/delegations/{world['delegation']}").get_data(as_text=True)
    assert "Confirmed" in confirmed and "by Ana Popescu" in confirmed


def test_preferences_apply_to_every_delegation_of_the_person(client: FlaskClient, world: dict[str, int]) -> None:
    second = factories.delegate(factories.delegation(country=factories.country("THA")), email="ana@gov.example")
    token = csrf_token(client.get("/portal/preferences"))
    response = client.post("/portal/preferences", data={"language": "es", "wants_monthly_rollup": "y",
                                                        "csrf_token": token})
    assert response.status_code == 302
    rows = db.session.execute(select(Delegate.preferred_language, Delegate.wants_notifications,
                                     Delegate.wants_monthly_rollup).where(Delegate.email == "ana@gov.example")).all()
    assert rows == [("es", False, True), ("es", False, True)]
    assert second.id
    assert client.post("/portal/preferences", data={"language": "xx", "csrf_token": token}).status_code == 400


def test_a_new_request_needs_a_subject(client: FlaskClient, world: dict[str, int]) -> None:
    token = csrf_token(client.get("/portal/ask"))
    response = client.post("/portal/ask", data={"delegation_id": world["delegation"], "about": 0, "subject": " ",
                                                "message": "Something", "csrf_token": token})
    assert response.status_code == 400 and "Give your new request a short title" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(InfoRequest.id))) == 2
