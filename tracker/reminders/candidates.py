"""What the planner and its parts hand each other: one occurrence of a reminder to queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.models import MessageKind, User
from tracker.reminders import schedule


@dataclass(slots=True)  # not frozen: a pass makes tens of thousands, and frozen ones take twice as long to make
class Candidate:
    """An occurrence the planner would queue, before the key check and the working-hours check."""

    key: str
    kind: MessageKind
    recipient: User
    occurrence: schedule.Occurrence
    compose: Any  # () -> Mail or RenderedMail, called only for occurrences actually queued
    request_id: int | None = None
    delegation_id: int | None = None
