"""Delivery through the outbox: outages, crashes, refusals and concurrent passes never lose or double a message."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.smtp import SMTPServer
from tests.test_reminder_planner import at, owner, request_for
from tracker.extensions import db
from tracker.models import OutboxMessage, OutboxStatus
from tracker.reminders.delivery import BACKOFF, CLAIM_TIMEOUT, claim, deliver
from tracker.reminders.planner import plan
from tracker.reminders.scheduler import run_pass
from tracker.reminders.services import retry

MONDAY = at("2026-12-07T10:00")  # three requests below are due today


def three_due_today() -> None:
    for _ in range(3):
        request_for(owner(), due_on=date(2026, 12, 7))


def statuses() -> list[OutboxStatus]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(OutboxMessage.status)))


def test_mail_server_down_then_back_everything_arrives_once(smtp: SMTPServer) -> None:
    three_due_today()
    smtp.stop()
    report = run_pass(MONDAY)
    assert len(report.plan.planned) == 3 and len(report.delivery.deferred) == 3 and not report.delivery.sent
    smtp.start()
    assert deliver(MONDAY + timedelta(seconds=30)).sent == []  # the first retry waits about a minute
    assert len(deliver(MONDAY + timedelta(minutes=2)).sent) == 3
    run_pass(MONDAY + timedelta(minutes=3))
    assert len(smtp.received) == 3 and statuses() == [OutboxStatus.SENT] * 3


def test_a_pass_killed_between_claim_and_send_is_finished_by_the_next_one(smtp: SMTPServer) -> None:
    three_due_today()
    plan(MONDAY)
    claimed = claim(MONDAY)  # ... and the process dies here, before sending
    assert len(claimed) == 3
    assert deliver(MONDAY + timedelta(minutes=1)).sent == []  # the claim is still fresh
    assert len(deliver(MONDAY + CLAIM_TIMEOUT + timedelta(minutes=1)).sent) == 3
    assert len(smtp.received) == 3
    assert deliver(MONDAY + timedelta(hours=1)).sent == []


def test_a_refusal_fails_the_message_visibly_and_a_retry_sends_it(smtp: SMTPServer) -> None:
    request_for(owner(), due_on=date(2026, 12, 7))
    smtp.handler.reply = "554 5.7.1 Message rejected"
    report = run_pass(MONDAY)
    assert len(report.delivery.failed) == 1 and smtp.received == []
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status is OutboxStatus.FAILED and "554" in (message.last_error or "")
    smtp.handler.reply = None
    retry(message, MONDAY)
    db.session.commit()
    assert len(deliver(MONDAY).sent) == 1 and len(smtp.received) == 1


def test_temporary_refusals_back_off_then_fail_after_the_last_attempt(smtp: SMTPServer) -> None:
    request_for(owner(), due_on=date(2026, 12, 4))  # overdue: its reminder stays relevant for a week
    smtp.handler.reply = "451 4.3.0 Try again later"
    moment = MONDAY
    run_pass(moment)
    for wait in BACKOFF:
        assert statuses() == [OutboxStatus.PENDING]
        assert deliver(moment + wait * 0.99).deferred == []  # not before its time
        moment += wait * 1.11
        deliver(moment)
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status is OutboxStatus.FAILED and message.attempts == len(BACKOFF) + 1
    assert smtp.received == []


def test_a_message_no_longer_relevant_when_retried_is_dropped(smtp: SMTPServer) -> None:
    request_for(owner(), due_on=date(2026, 12, 8))
    smtp.stop()
    run_pass(at("2026-12-07T17:58"))  # "due tomorrow", deferred: the server is down
    smtp.start()
    run_pass(at("2026-12-08T10:00"))  # the due day has come: "due soon" is stale, "due today" goes
    assert [str(m["Subject"]) for m in smtp.received] == ["Due today: Draft-law review"]
    assert OutboxStatus.CANCELLED in statuses()


def test_two_passes_at_once_in_threads_send_each_occurrence_once(app: Flask, smtp: SMTPServer) -> None:
    for _ in range(10):
        request_for(owner(), due_on=date(2026, 12, 7))
    errors: list[BaseException] = []

    def one_pass() -> None:
        with app.app_context():
            try:
                run_pass(MONDAY)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(smtp.received) == 10 and len({m["Message-ID"] for m in smtp.received}) == 10


def test_two_processes_at_once_send_each_occurrence_once(
    app: Flask, smtp: SMTPServer, tmp_path: Path
) -> None:
    """``tracker reminders run`` twice at the same moment, as two scheduler hosts would."""
    for _ in range(10):
        request_for(owner(), due_on=date(2026, 12, 7))
    environment = {
        **os.environ,
        "TRACKER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRACKER_MAIL_URL": smtp.url,
        "TRACKER_INSTANCE_DIR": str(tmp_path),
        "TRACKER_SCHEDULER": "off",
    }
    command = [str(Path(sys.executable).parent / "tracker"), "reminders", "run", "--now", "2026-12-07T10:00Z"]
    processes = [subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert len(smtp.received) == 10 and len({m["Message-ID"] for m in smtp.received}) == 10
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 10


def test_file_sink_writes_one_eml_per_message(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{tmp_path / 'mail'}")
    three_due_today()
    run_pass(MONDAY)
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 3 and all(b"Subject: Due today: Draft-law review" in f.read_bytes() for f in files)


def test_a_header_injection_attempt_cannot_leave_the_subject(smtp: SMTPServer) -> None:
    request_for(owner(), due_on=date(2026, 12, 7), title="Review\r\nBcc: spy@elsewhere.example")
    run_pass(MONDAY)
    (message,) = smtp.received
    assert message["Bcc"] is None and message["Subject"] == "Due today: Review Bcc: spy@elsewhere.example"


def test_unknown_users_get_nothing_and_disabled_users_get_nothing(smtp: SMTPServer) -> None:
    user = owner(is_enabled=False)
    request_for(user, due_on=date(2026, 12, 7))
    request_for(factories.user(role="viewer"), due_on=date(2026, 12, 7))
    assert run_pass(MONDAY).plan.planned == [] and smtp.received == []


def test_with_demo_data_a_pass_sends_each_due_reminder_once(runner, smtp: SMTPServer) -> None:  # type: ignore[no-untyped-def]
    moment = at("2026-11-23T10:00")  # a Monday: reminders, follow-ups and digests
    with time_machine.travel(moment, tick=False):  # demo data is relative to the day it is made
        assert runner.invoke(args=["demo-data", "--seed", "7"]).exit_code == 0
    first = run_pass(moment)
    assert len(first.delivery.sent) == len(smtp.received) >= 10
    assert {str(m["Subject"]).split(":")[0] for m in smtp.received} >= {"Due today", "Your week"}
    assert len({m["Message-ID"] for m in smtp.received}) == len(smtp.received)
    again = run_pass(moment + timedelta(minutes=1))
    assert again.plan.planned == [] and again.delivery.sent == []
