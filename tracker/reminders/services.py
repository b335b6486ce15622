"""What the admin screens do to reminders: pause and resume, edit the policy, test, retry, resend, preview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import FollowUpCadence, MessageKind, OutboxMessage, OutboxStatus, Tier, User
from tracker.models.reminders import mail_kind_label
from tracker.reminders import mails
from tracker.reminders.delivery import DeliveryReport, deliver
from tracker.reminders.outbox import one_off_key, outbox_row, queue_one, stored_mail
from tracker.reminders.planner import plan
from tracker.reminders.policy import Cadence, current_policy

#: How far ahead the admin area's preview looks, and in which steps.
PREVIEW_HOURS = 24
#: Messages the preview lists (it counts the rest): a national backlog can fall due in one hour.
PREVIEW_ROWS = 100


def pause(reason: str, actor: User, now: datetime) -> None:
    policy = current_policy()
    policy.paused, policy.pause_reason, policy.paused_at, policy.paused_by = True, reason.strip(), now, actor


def resume() -> None:
    policy = current_policy()
    policy.paused, policy.pause_reason, policy.paused_at, policy.paused_by = False, "", None, None


def save_cadences(table: dict[Tier, Cadence]) -> None:
    stored = {row.tier: row for row in db.session.scalars(select(FollowUpCadence))}
    for tier, cadence in table.items():
        row = stored.get(tier) or FollowUpCadence(tier=tier)
        row.ideal_days, row.max_days = cadence.ideal_days, cadence.max_days
        db.session.add(row)


def send_test(to: str, actor: User, now: datetime) -> tuple[OutboxMessage, DeliveryReport]:
    """Queue a test message and send it at once, through the same outbox and transport as reminders."""
    kind = MessageKind.TEST
    row = outbox_row(
        key=one_off_key(kind), kind=kind, to=to, mail=mails.test_message(recipient_name=to, sent_by=actor.name),
        now=now, queued_by=actor,
    )
    message = queue_one(row)
    db.session.commit()
    report = deliver(now, only=[message.id])
    db.session.refresh(message)
    return message, report


def retry(message: OutboxMessage, now: datetime) -> None:
    """A failed message goes back to the queue with a fresh set of attempts."""
    message.status, message.attempts, message.next_attempt_at, message.expires_at = (
        OutboxStatus.PENDING, 0, now, None,
    )


def resend(message: OutboxMessage, actor: User, now: datetime) -> OutboxMessage:
    """A sent message is copied into a new row, recorded as a resend by ``actor``; the original stays as sent."""
    row = outbox_row(
        key=one_off_key(f"resend-{message.id}"),
        kind=message.kind,
        to=message.recipient_email,
        mail=stored_mail(message),
        request_id=message.request_id,
        delegation_id=message.delegation_id,
        now=now,
        queued_by=actor,
        resend_of=message,
    )
    return queue_one({**row, "recipient_id": message.recipient_id})


@dataclass
class Preview:
    #: The first ``PREVIEW_ROWS`` messages, each with the hour (``at``) from which it would go out.
    rows: list[dict[str, Any]]
    #: How many more would go out in those hours.
    more: int


def preview(now: datetime) -> Preview:
    """What the planner would queue over the next day, hour by hour, without queuing anything."""
    seen: set[str] = set()
    loaded: dict[Any, Any] = {}
    result = Preview(rows=[], more=0)
    for hour in range(PREVIEW_HOURS):
        moment = now + timedelta(hours=hour)
        report = plan(moment, dry_run=True, also_queued=seen, loaded=loaded,
                      limit=max(PREVIEW_ROWS - len(result.rows), 0))
        result.rows.extend({**row, "at": moment, "kind_label": mail_kind_label(row["kind"])} for row in report.planned)
        result.more += report.more
    return result


def outbox_counts() -> dict[OutboxStatus, int]:
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: counts.get(status, 0) for status in OutboxStatus}
