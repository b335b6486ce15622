"""Reminders (SPEC §4): the planner, the outbox and its delivery, the scheduler, preferences and admin screens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, g, has_request_context
from flask_login import current_user

bp = Blueprint("reminders", __name__)


def init_app(app: Flask) -> None:
    """The in-process scheduler (when configured) and the reminder warnings every staff page shows."""
    from tracker.reminders import scheduler

    scheduler.init_app(app)
    app.context_processor(reminder_warnings)


def reminder_warnings() -> dict[str, Any]:
    """A paused policy (with its reason) and a scheduler that has stopped beating, for the page banner.

    The lease is read once per request: every ``render_template`` runs this, and a page that renders mails (the
    admin's preview renders each digest it lists) would otherwise read it once per mail."""
    if not has_request_context() or not current_user.is_authenticated:
        return {}
    from tracker.reminders.policy import current_policy
    from tracker.reminders.scheduler import heartbeat, is_late

    policy = current_policy()
    if "scheduler_late" not in g:
        g.scheduler_late = is_late(heartbeat(), datetime.now(UTC))
    return {"reminders_paused": policy if policy.paused else None, "scheduler_late": g.scheduler_late}


__all__ = ["bp", "init_app"]
