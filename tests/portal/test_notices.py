"""Mail to delegates goes through the outbox: once per occurrence, in their language, to those who want it; the
monthly roll-up comes at a civil hour in their country's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tests.conftest import sign_in
from tests.html import csrf_token
from tests.portal.helpers import read_mail, sign_in_delegate, text_of
from tracker.extensions import db
from tracker.models import (
    Country,
    Delegate,
    Delegation,
    InfoRequest,
    OutboxMessage,
    RequestMaterial,
    RequestStatus,
    User,
)
from tracker.portal.zones import country_zone
from tracker.reminders.delivery import deliver
from tracker.reminders.planner import plan


def _kinds() -> list[tuple[str, str]]:
    rows = db.session.execute(select(OutboxMessage.kind, OutboxMessage.recipient_email))
    return sorted((kind, email) for kind, email in rows)


def test_sharing_a_material_tells_the_delegates_who_want_it_once(signed_in: FlaskClient, delegate: Delegate,
                                                                  mailbox: Path) -> None:
    quiet = factories.delegate(_delegation_of(delegate), email="quiet@gov.example", wants_notifications=False)
    info_request = db.session.scalars(select(InfoRequest)).one()
    attachment = factories.material(info_request, shared=False, title="Comparative analysis")
    page = signed_in.get(f"/requests/{info_request.id}")
    url = f"/requests/{info_request.id}/materials/{attachment.id}/visibility"
    for visibility in ("shared", "internal", "shared"):  # shared twice: the same version, one mail
        signed_in.post(url, data={"visibility": visibility, "csrf_token": csrf_token(page)})
    assert _kinds() == [("material_shared", "ana@gov.example")]
    assert quiet.email not in {email for _, email in _kinds()}

    deliver(datetime.now(UTC))
    (message,) = read_mail(mailbox)
    assert message["Subject"] == "New material for you: Comparative analysis"
    assert "/portal/link/" in text_of(message) and "Comparative analysis" in text_of(message)
    assert db.session.get(RequestMaterial, attachment.id).is_shared


def _delegation_of(delegate: Delegate) -> Delegation:
    return db.session.get_one(Delegation, delegate.delegation_id)


def test_delivering_a_request_tells_the_delegation_in_its_language(signed_in: FlaskClient, delegate: Delegate,
                                                                    mailbox: Path) -> None:
    db.session.execute(db.update(Delegate).where(Delegate.id == delegate.id).values(preferred_language="es"))
    db.session.commit()
    info_request = db.session.scalars(select(InfoRequest)).one()
    page = signed_in.get(f"/requests/{info_request.id}")
    data = {"status": "delivered", "version": str(info_request.version), "csrf_token": csrf_token(page)}
    assert signed_in.post(f"/requests/{info_request.id}/status", data=data).status_code == 302
    assert _kinds() == [("request_delivered", "ana@gov.example")]
    deliver(datetime.now(UTC))
    (message,) = read_mail(mailbox)
    assert message["Subject"] == f"Entregada: {info_request.title}"
    assert "Estimado/a Ana Popescu" in text_of(message)


def test_a_stale_status_change_queues_no_mail(signed_in: FlaskClient, delegate: Delegate) -> None:
    info_request = db.session.scalars(select(InfoRequest)).one()
    page = signed_in.get(f"/requests/{info_request.id}")
    data = {"status": "delivered", "version": str(info_request.version - 1 or 99), "csrf_token": csrf_token(page)}
    signed_in.post(f"/requests/{info_request.id}/status", data=data)
    assert _kinds() == []
    assert db.session.get(InfoRequest, info_request.id).status is RequestStatus.NEW


@pytest.fixture
def subscriber(delegate: Delegate) -> Delegate:
    db.session.execute(db.update(Delegate).where(Delegate.id == delegate.id).values(wants_monthly_rollup=True))
    db.session.commit()
    return delegate


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-06-01 10:00 +03:00", 1),  # Monday 1 June, 10:00 in Chișinău
        ("2026-06-01 08:30 +03:00", 0),  # too early there
        ("2026-06-06 11:00 +03:00", 0),  # a Saturday
        ("2026-06-09 11:00 +03:00", 0),  # past the first week: June's roll-up is dropped
    ],
)
def test_the_monthly_rollup_comes_at_a_civil_hour_in_the_delegations_country(
    subscriber: Delegate, moment: str, expected: int
) -> None:
    now = datetime.fromisoformat(moment.replace(" +", "+")).astimezone(UTC)
    with time_machine.travel(now, tick=False):
        plan(now)
        plan(now)  # a second pass (or a second scheduler) queues nothing more
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "monthly_rollup")) \
        == expected


def test_no_rollup_without_subscription_or_open_requests(delegate: Delegate) -> None:
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # 11:00 in Chișinău, a Monday: the right moment
    plan(now)
    assert ("monthly_rollup", "ana@gov.example") not in _kinds()  # never asked for it
    db.session.execute(db.update(Delegate).values(wants_monthly_rollup=True))
    db.session.execute(db.update(InfoRequest).values(status=RequestStatus.DELIVERED))
    db.session.commit()
    plan(now)
    assert ("monthly_rollup", "ana@gov.example") not in _kinds()  # nothing open to report


def test_every_country_has_a_time_zone() -> None:
    for iso2 in db.session.scalars(select(Country.iso2)):
        assert country_zone(iso2, "UTC") is not None
    assert str(country_zone("RU", "UTC")) == "Europe/Moscow"
    assert str(country_zone("US", "UTC")) == "America/New_York"
    assert str(country_zone("MD", "UTC")) == "Europe/Chisinau"
    assert str(country_zone("XK", "UTC")) == "Europe/Belgrade"


def test_a_delegate_message_reaches_the_liaison(client: FlaskClient, delegate: Delegate, mailbox: Path) -> None:
    sign_in_delegate(client, "ana@gov.example")
    info_request = db.session.scalars(select(InfoRequest)).one()
    token = csrf_token(client.get("/portal/ask"))
    client.post("/portal/ask", data={"delegation_id": delegate.delegation_id, "about": info_request.id,
                                     "message": "When can we expect the review?", "csrf_token": token})
    liaison = db.session.get_one(User, _delegation_of(delegate).liaison_id)
    assert _kinds() == [("delegate_message", liaison.email)]
    staff = client.application.test_client()
    sign_in(staff, liaison)
    assert "When can we expect the review?" in staff.get("/delegate-activity").get_data(as_text=True)
