"""Writing to the outbox: a row per occurrence, a duplicate key silently ignored (that is the point)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, insert, or_, select, update

from tracker.database import insert_ignoring_duplicates
from tracker.extensions import db
from tracker.mail.compose import message_id_for
from tracker.models import InfoRequest, MessageKind, OutboxMessage, OutboxStatus, RequestStatus, User
from tracker.reminders.mails import Mail, RenderedMail

#: Reminders about a request that go to its owner: they follow the request's state and owner.
OWNER_KINDS = (MessageKind.DUE_SOON, MessageKind.DUE_TODAY, MessageKind.OVERDUE)
REMINDER_KINDS = (*OWNER_KINDS, MessageKind.ESCALATION, MessageKind.FOLLOW_UP, MessageKind.DIGEST)
#: Statuses in which a request still gets reminders ("waiting on delegate" pauses the clock).
REMINDED_STATUSES = (RequestStatus.NEW, RequestStatus.IN_PROGRESS)


def outbox_row(
    *, key: str, kind: MessageKind | str, to: User | str, mail: Mail | RenderedMail, request_id: int | None = None,
    delegation_id: int | None = None, occurrence_on: date | None = None, expires_at: datetime | None = None,
    now: datetime, queued_by: User | None = None, resend_of: OutboxMessage | None = None,
) -> dict[str, Any]:
    """The column values of one outbox row; ``to`` is a user or, for people without an account, an address.

    A ``Mail`` is kept as its draft, its bodies left empty until delivery renders them."""
    return {
        "key": key,
        "kind": str(kind),
        "recipient_id": to.id if isinstance(to, User) else None,
        "recipient_email": to.email if isinstance(to, User) else to,
        "request_id": request_id,
        "delegation_id": delegation_id,
        "occurrence_on": occurrence_on,
        "subject": mail.subject,
        **body_columns(mail),
        "message_id": message_id_for(key),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "expires_at": expires_at,
        "queued_by_id": queued_by.id if queued_by else None,
        "resend_of_id": resend_of.id if resend_of else None,
        "created_at": now,
    }


def body_columns(mail: Mail | RenderedMail) -> dict[str, Any]:
    """The columns of a mail's words: a rendered mail's bodies, or a draft to render when it goes out."""
    if isinstance(mail, RenderedMail):
        return {"text_body": mail.text, "html_body": mail.html, "draft": None}
    return {"text_body": None, "html_body": None, "draft": mail.draft()}


def stored_mail(message: Any) -> RenderedMail:
    """What an outbox row (a model or a row of its columns) sends: its bodies, or its draft rendered now."""
    if message.text_body is None:
        return Mail.from_draft(message.subject, message.draft).render()
    return RenderedMail(message.subject, message.text_body, message.html_body)


def insert_new(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Insert the rows whose key is not in the outbox yet; return the keys actually inserted.

    ``INSERT … ON CONFLICT DO NOTHING`` makes two planners running at once harmless: the loser's row is
    dropped by the database, not by a check that could race.
    """
    if not rows:
        return []
    statement = insert_ignoring_duplicates(OutboxMessage, "key").returning(OutboxMessage.key)
    return list(db.session.scalars(statement, list(rows)))


def one_off_key(kind: MessageKind | str) -> str:
    """A key for a message that is not an occurrence of anything (a test, a resend): unique by construction."""
    return f"{kind}:{uuid.uuid4().hex}"


def queue_one(row: dict[str, Any]) -> OutboxMessage:
    message_id = db.session.execute(insert(OutboxMessage).values(row).returning(OutboxMessage.id)).scalar_one()
    return db.session.get_one(OutboxMessage, message_id)


def drop_irrelevant(latest_today: date, now: datetime) -> int:
    """Drop pending reminders that the database no longer calls for: the request was delivered, closed,
    reassigned, snoozed, set to wait on the delegate or to get no reminders; or the moment has passed."""
    request = InfoRequest
    no_longer_wanted = exists().where(
        request.id == OutboxMessage.request_id,
        or_(
            request.status.not_in(REMINDED_STATUSES),
            request.reminders_off.is_(True),
            request.snoozed_until > latest_today,
            and_(OutboxMessage.kind.in_(OWNER_KINDS), request.owner_id != OutboxMessage.recipient_id),
        ),
    )
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            or_(
                and_(OutboxMessage.kind.in_([str(kind) for kind in REMINDER_KINDS]), no_longer_wanted),
                OutboxMessage.expires_at <= now,
            ),
        )
        .values(status=OutboxStatus.CANCELLED, last_error="Dropped: no longer relevant when it was due to go out.")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def recent_keys(since: date) -> set[str]:
    """Keys of occurrences on or after ``since``: what the planner must not queue again."""
    return set(db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.occurrence_on >= since)))
