"""``deliver(now)``: send what the outbox holds, each row once, over one reused connection.

A row is claimed first (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: ``BEGIN IMMEDIATE`` and a conditional
update), sent outside any transaction, then marked sent only if the claim is still ours. A pass killed after
claiming leaves rows in ``sending``; after ``CLAIM_TIMEOUT`` the next pass takes them over. The only window
for a duplicate is a crash after the mail server accepted a message and before it was marked sent: it is one
message wide, and the resent copy carries the same Message-ID.

A reminder queued as a draft is rendered here, just before it is sent, and its bodies are kept with the outcome,
so that the mail log shows what went out.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, after_this_request, current_app
from sqlalchemy import Connection, and_, or_, select, update
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.mail.compose import UnsafeHeader, compose, sender_address
from tracker.mail.transport import PermanentFailure, TemporaryFailure, Transport, connect
from tracker.models import OutboxMessage, OutboxStatus
from tracker.reminders.outbox import REMINDER_KINDS, body_columns, stored_mail
from tracker.reminders.policy import current_policy

log = logging.getLogger(__name__)

#: Waits before the 2nd, 3rd, … attempt; after the last one the row is marked failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12))
#: A claim older than this belongs to a pass that died; another pass may take the row over.
CLAIM_TIMEOUT = timedelta(minutes=10)
BATCH_SIZE = 200


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def deliver(now: datetime, *, only: Sequence[int] = ()) -> DeliveryReport:
    """Send every row that is ready at ``now`` (or just the rows ``only``); reminders wait while paused.

    One mail server connection serves the whole pass (a new one only after a temporary failure), and the
    outcomes are recorded on one database connection of their own, each committed as soon as it is known."""
    report = DeliveryReport()
    paused = current_policy().paused
    db.session.commit()  # nothing of ours may hold the database while we talk to the mail server
    with _Outcomes(now, report) as outcomes:
        while claimed := claim(now, paused=paused, only=only):
            if not outcomes.send(claimed):
                break  # the mail server is unreachable: the rest waits for the next pass
    return report


def deliver_after_response(outbox_ids: Sequence[int]) -> None:
    """Send these rows once the response has gone: a sign-in link or a password reset does not wait for the
    scheduler, and the form answers as fast for an unknown address as for a known one. Best effort: a WSGI
    server may skip close callbacks when the client drops the connection (Werkzeug's development server does);
    the scheduler's next pass, within a minute, sends whatever is still pending."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    def send() -> None:
        with app.app_context():
            try:
                deliver(datetime.now(UTC), only=outbox_ids)
            except Exception:  # the response is gone: nobody else would hear of it; the scheduler retries
                log.exception("Sending outbox rows %s right away failed; the next pass sends them", outbox_ids)

    @after_this_request
    def on_close(response: Response) -> Response:
        response.call_on_close(send)
        return response


def claim(now: datetime, *, paused: bool = False, only: Sequence[int] = ()) -> list[Any]:
    """Mark a batch of ready rows as ours, atomically, and return them."""
    token = uuid.uuid4().hex
    ready = and_(
        or_(
            and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
            and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at <= now - CLAIM_TIMEOUT),
        ),
        or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now),
    )
    batch = select(OutboxMessage.id).where(ready)
    if paused:
        batch = batch.where(OutboxMessage.kind.not_in([str(kind) for kind in REMINDER_KINDS]))
    if only:
        batch = batch.where(OutboxMessage.id.in_(only))
    batch = batch.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(BATCH_SIZE)
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(batch.with_for_update(skip_locked=True).scalar_subquery()), ready)
        .values(
            status=OutboxStatus.SENDING, claimed_at=now, claim_token=token, attempts=OutboxMessage.attempts + 1
        )
        .returning(
            OutboxMessage.id,
            OutboxMessage.recipient_email,
            OutboxMessage.subject,
            OutboxMessage.text_body,
            OutboxMessage.html_body,
            OutboxMessage.draft,
            OutboxMessage.message_id,
            OutboxMessage.attempts,
            OutboxMessage.claim_token,
        )
    )
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # SQLite ignores FOR UPDATE; taking the write lock up front makes the read-then-update atomic.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        rows = connection.execute(statement).all()
        connection.commit()
    return rows


class _Outcomes:
    """Sends claimed rows and records what became of each: the pass's mail server connection and the database
    connection its bookkeeping uses (no ORM session, no pool checkout per message on the hot path)."""

    def __init__(self, now: datetime, report: DeliveryReport) -> None:
        self.now, self.report = now, report
        self.sender: str | None = None  # TRACKER_MAIL_FROM, checked once, at the first message
        self.transport: Transport | None = None
        self.connection: Connection | None = None

    def __enter__(self) -> _Outcomes:
        # Each outcome is one UPDATE that commits by itself: one round trip to the database per message.
        self.connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.transport is not None:
            self.transport.close()
        if self.connection is not None:
            self.connection.close()

    def send(self, rows: list[Any]) -> bool:
        """Send a claimed batch; False if the mail server could not be reached at all."""
        if self.transport is None:
            try:
                self.transport = connect(current_app.config["MAIL_URL"])
            except TemporaryFailure as error:
                for row in rows:
                    self._give_back(row, str(error))
                return False
        for row in rows:
            self._send_one(row)
        return True

    def _send_one(self, row: Any) -> None:
        assert self.transport is not None
        mail = stored_mail(row)
        bodies = body_columns(mail) if row.text_body is None else {}  # a draft's, kept once sent (or failed for good)
        try:
            self.sender = self.sender or sender_address()
            message = compose(
                to=row.recipient_email, subject=mail.subject, text=mail.text, html=mail.html,
                message_id=row.message_id, sent_at=self.now, sender=self.sender,
            )
            self.transport.send(message)
        except (PermanentFailure, UnsafeHeader) as error:
            self._finish(row, OutboxStatus.FAILED, last_error=str(error), **bodies)
            self.report.failed.append(row.id)
            return
        except TemporaryFailure as error:
            self._give_back(row, str(error))
            self.transport.close()  # it may be broken: the next message gets a new connection
            self.transport = None
            return
        if not self._finish(row, OutboxStatus.SENT, sent_at=self.now, last_error=None, **bodies):
            log.warning("outbox row %s was sent after its claim expired; another pass may send it again", row.id)
        self.report.sent.append(row.id)

    def _give_back(self, row: Any, error: str) -> None:
        """Retry later with backoff (and a little jitter, so retries from many rows do not arrive together)."""
        if row.attempts > len(BACKOFF):
            self._finish(row, OutboxStatus.FAILED, last_error=error)
            self.report.failed.append(row.id)
            return
        wait = BACKOFF[row.attempts - 1] * random.uniform(1.0, 1.1)
        self._finish(row, OutboxStatus.PENDING, next_attempt_at=self.now + wait, last_error=error)
        self.report.deferred.append(row.id)

    def _finish(self, row: Any, status: OutboxStatus, **values: Any) -> bool:
        """Record the outcome if the claim is still ours, committed at once: a crash loses at most this row."""
        assert self.connection is not None
        outbox = OutboxMessage.__table__
        result = self.connection.execute(
            update(outbox)
            .where(outbox.c.id == row.id, outbox.c.claim_token == row.claim_token)
            .values(status=status, claim_token=None, **values)
        )
        return result.rowcount == 1
