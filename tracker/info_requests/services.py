"""The rules of information requests; every change lands in the timeline. Callers commit.

Services take plain values (``RequestFields``), not forms, so that imports and the delegate portal can
call them too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import select

from tracker import wording
from tracker.clock import centre_zone, today
from tracker.extensions import db
from tracker.info_requests.workflow import next_statuses
from tracker.models import (
    Delegation,
    InfoRequest,
    Priority,
    RequestKind,
    RequestStatus,
    StatedNeed,
    TimelineKind,
    User,
)
from tracker.models.base import utcnow
from tracker.templating import format_date
from tracker.timeline import describe_changes, record


class TransitionError(ValueError):
    """A status change the flow does not allow."""


@dataclass(frozen=True)
class RequestFields:
    kind: RequestKind
    title: str
    description: str
    #: One of the delegation's stated needs, or None.
    need_id: int | None
    owner_id: int
    due_on: date
    priority: Priority


def readable(info_request: InfoRequest) -> dict[str, str]:
    """The fields a person edits, as they read them: the timeline's before/after line, an edit conflict's diff."""
    owner = db.session.get(User, info_request.owner_id) if info_request.owner_id else None
    need = db.session.get(StatedNeed, info_request.need_id) if info_request.need_id else None
    return {
        "Kind": info_request.kind.label,
        "Title": info_request.title or "",
        "Stated need": need.category.label if need else "",
        "Owner": owner.name if owner else "",
        "Due on": format_date(info_request.due_on),
        "Priority": info_request.priority.label,
        "Description": info_request.description or "",
        "Status": info_request.status.label,
    }


def _apply(info_request: InfoRequest, fields: RequestFields) -> None:
    for name, value in asdict(fields).items():
        setattr(info_request, name, value)


def create_request(delegation: Delegation, fields: RequestFields, actor: User) -> InfoRequest:
    info_request = InfoRequest(delegation_id=delegation.id, created_by_id=actor.id)
    _apply(info_request, fields)
    db.session.add(info_request)
    db.session.flush()
    owner = db.session.get(User, info_request.owner_id)
    summary = wording.request_logged(info_request.title, owner.name if owner else "nobody", info_request.due_on)
    record(TimelineKind.CREATED, summary, delegation_id=delegation.id, request_id=info_request.id, actor=actor)
    return info_request


def update_request(info_request: InfoRequest, fields: RequestFields, actor: User) -> None:
    """Apply an edit and record what changed, before → after."""
    before = readable(info_request)
    _apply(info_request, fields)
    if summary := describe_changes(before, readable(info_request), long_texts=("Description",)):
        _record(info_request, TimelineKind.UPDATED, summary, actor)


def change_status(info_request: InfoRequest, target: RequestStatus, actor: User, reason: str = "") -> None:
    """Move the request along its flow; declining or withdrawing needs a reason."""
    current = info_request.status
    if target not in next_statuses(current):
        raise TransitionError(f"A request that is {current.label.lower()} cannot become {target.label.lower()}.")
    reason = reason.strip()
    if target.needs_reason and not reason:
        raise TransitionError("Say why the request is declined or withdrawn.")
    if current is RequestStatus.WAITING:
        _resume_clock(info_request, target, actor)
    elif target is RequestStatus.WAITING:
        info_request.waiting_since = utcnow()
    info_request.status = target
    info_request.status_reason = reason or None
    if target is RequestStatus.DELIVERED:
        info_request.delivered_at = utcnow()
    elif target.is_open:
        info_request.delivered_at = None
    _record(info_request, TimelineKind.STATUS_CHANGED, wording.status_changed(current, target), actor, body=reason)


def _record(
    info_request: InfoRequest, kind: TimelineKind, summary: str, actor: User, body: str = "", shared: bool = False
) -> None:
    record(kind, summary, delegation_id=info_request.delegation_id, request_id=info_request.id, body=body,
           actor=actor, shared_with_delegation=shared)


def _resume_clock(info_request: InfoRequest, target: RequestStatus, actor: User) -> None:
    """Waiting on the delegate pauses the clock: back at work, the due date moves on by the days waited."""
    started, info_request.waiting_since = info_request.waiting_since, None
    if started is None or not target.is_open:
        return
    days = (today() - started.astimezone(centre_zone()).date()).days
    if days <= 0:
        return
    before = info_request.due_on
    info_request.due_on = before + timedelta(days=days)
    moved = wording.due_moved_after_waiting(before, info_request.due_on, days)
    _record(info_request, TimelineKind.UPDATED, moved, actor)


def set_reminders(info_request: InfoRequest, snoozed_until: date | None, reminders_off: bool, actor: User) -> None:
    """Snooze a request's automatic reminders until a day, or turn them off; recorded in the timeline."""
    if (info_request.snoozed_until, info_request.reminders_off) == (snoozed_until, reminders_off):
        return
    info_request.snoozed_until, info_request.reminders_off = snoozed_until, reminders_off
    _record(info_request, TimelineKind.UPDATED, wording.reminder_settings(snoozed_until, reminders_off), actor)


def add_comment(info_request: InfoRequest, body: str, actor: User, *, shared_with_delegation: bool = False) -> None:
    """A staff comment; shared ones appear in the request's public timeline in the portal."""
    summary = "Comment, visible to the delegation" if shared_with_delegation else "Comment"
    _record(info_request, TimelineKind.COMMENT, summary, actor, body=body.strip(), shared=shared_with_delegation)


def needs_of(delegation_id: int) -> list[StatedNeed]:
    return list(
        db.session.scalars(select(StatedNeed).where(StatedNeed.delegation_id == delegation_id).order_by(StatedNeed.id))
    )
