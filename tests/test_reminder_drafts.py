"""The planner queues its reminders as drafts (template, values, link) and delivery renders them: what arrives, and
what the mail log shows before and after, read from a real SMTP server."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from tests.conftest import sign_in
from tests.smtp import SMTPServer
from tests.test_reminder_planner import at, owner, request_for
from tracker import create_app
from tracker.collector import collection_paused
from tracker.config import TestConfig
from tracker.extensions import db
from tracker.models import OutboxMessage, OutboxStatus, User
from tracker.reminders.delivery import deliver
from tracker.reminders.planner import plan
from tracker.reminders.services import resend

DUE_TODAY = at("2026-12-11T10:00")


def _queued_reminder() -> OutboxMessage:
    request_for(owner(), title="Comparative analysis of  victim-protection laws")
    (row,) = plan(DUE_TODAY).planned
    return db.session.get_one(OutboxMessage, db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.key == row["key"])))


def test_a_reminder_waits_as_a_draft_and_goes_out_rendered(smtp: SMTPServer) -> None:
    message = _queued_reminder()
    assert (message.text_body, message.html_body) == (None, None)
    assert message.draft is not None and message.draft["template"] == "request_reminder"
    assert message.subject == "Due today: Comparative analysis of victim-protection laws"

    assert deliver(DUE_TODAY).sent == [message.id]

    (arrived,) = smtp.received
    db.session.refresh(message)
    text = arrived.get_body(("plain",)).get_content()
    assert "Request: Comparative analysis of  victim-protection laws" in text
    assert f"http://127.0.0.1:5000/requests/{message.request_id}" in text
    assert message.status is OutboxStatus.SENT and message.draft is None
    assert message.text_body is not None and message.text_body.strip() == text.strip()  # the log keeps what went
    assert message.html_body == arrived.get_body(("html",)).get_content().rstrip("\n")


def test_the_mail_log_shows_a_waiting_draft_as_it_will_go_out(client: FlaskClient, admin: User) -> None:
    message = _queued_reminder()
    sign_in(client, admin)
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "put together from the template when it goes out" in page
    assert "Request: Comparative analysis of  victim-protection laws" in page
    assert f"http://127.0.0.1:5000/requests/{message.request_id}" in page


def test_a_resent_reminder_is_the_text_that_went_out(smtp: SMTPServer, admin: User) -> None:
    message = _queued_reminder()
    deliver(DUE_TODAY)
    db.session.refresh(message)
    copy = resend(message, admin, DUE_TODAY)
    assert copy.draft is None and (copy.text_body, copy.html_body) == (message.text_body, message.html_body)


def test_downgrading_deletes_waiting_drafts_and_empties_the_others(tmp_path: Path) -> None:
    """The earlier schema cannot hold a draft: a waiting one goes (its planner plans it again), a dropped one keeps
    its row with empty bodies, a rendered one is untouched."""
    url = f"sqlite:///{tmp_path / 'drafts.db'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": tmp_path})
    with app.app_context():
        upgrade()
        outbox = sa.table("outbox", *(sa.column(name) for name in (
            "key", "kind", "recipient_email", "subject", "text_body", "html_body", "draft", "message_id", "status",
            "attempts", "next_attempt_at", "created_at")))
        draft = '{"template": "follow_up", "context": {}, "link": ["delegations.detail", {"delegation_id": 1}]}'
        rows = [("waiting", None, draft, "pending"), ("dropped", None, draft, "cancelled"),
                ("sent", "Hello", None, "sent")]
        with db.engine.begin() as connection:
            connection.execute(outbox.insert(), [
                {"key": key, "kind": "follow_up", "recipient_email": "a@b.example", "subject": key, "text_body": text,
                 "html_body": text, "draft": draft, "message_id": f"<{key}@b.example>", "status": status,
                 "attempts": 0, "next_attempt_at": "2026-12-11 10:00:00", "created_at": "2026-12-11 10:00:00"}
                for key, text, draft, status in rows
            ])
        downgrade(revision="j2e4a6c8d0f3")
        with db.engine.connect() as connection:
            left = connection.execute(sa.text("SELECT key, text_body, html_body FROM outbox ORDER BY key")).all()
        assert [tuple(row) for row in left] == [("dropped", "", ""), ("sent", "Hello", "Hello")]
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_comes_back_when_the_last_of_overlapping_pauses_ends() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def second() -> None:
        first_in.wait()
        with collection_paused():
            second_in.set()
            first_out.wait()
            seen["after the first left"] = gc.isenabled()

    thread = threading.Thread(target=second)
    thread.start()
    with collection_paused():
        first_in.set()
        second_in.wait()
    first_out.set()
    thread.join()
    assert seen == {"after the first left": False} and gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_comes_back_after_an_error_and_stays_off_if_it_was() -> None:
    with pytest.raises(RuntimeError), collection_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_planner_pass_leaves_the_collector_on() -> None:
    request_for(owner(), due_on=date(2026, 12, 11))
    assert len(plan(DUE_TODAY, dry_run=True).planned) == 1
    assert gc.isenabled()
