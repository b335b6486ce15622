"""Reminders (SPEC §4): the planner, the outbox and its delivery, the scheduler, preferences and admin screens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, has_request_context
from flask_login import current_user

bp = Blueprint("reminders", __name__)


def init_app(app: Flask) -> None:
    """The in-process scheduler (when configured) and the reminder warnings every staff page shows."""
    from tracker.reminders import scheduler

    scheduler.init_app(app)
    app.context_processor(reminder_warnings)


def reminder_warnings() -> dict[str, Any]:
    """A paused policy (with its reason) and a scheduler that has stopped beating, for the page banner."""
    if not has_request_context() or not current_user.is_authenticated:
        return {}
    from tracker.reminders.policy import current_policy
    from tracker.reminders.scheduler import heartbeat, is_late

    policy = current_policy()
    return {
        "reminders_paused": policy if policy.paused else None,
        "scheduler_late": is_late(heartbeat(), datetime.now(UTC)),
    }


__all__ = ["bp", "init_app"]
