"""Running the passes: one function for a full pass, APScheduler to run it every minute, and a lease row so
that only one process at a time does the work.

The lease only saves work; correctness comes from the outbox's unique keys (TRAPS.md): two schedulers that
both ran a pass would still queue and send each occurrence once. APScheduler 3 keeps its jobs in memory,
defined here in code, so nothing is pickled into the database.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import or_, select, update

from tracker.database import insert_ignoring_duplicates
from tracker.extensions import db
from tracker.models import SchedulerLease
from tracker.reminders.delivery import DeliveryReport, deliver
from tracker.reminders.planner import PlanReport, plan

log = logging.getLogger(__name__)

LEASE_NAME = "reminders"
#: A holder that has not renewed its lease for this long is presumed dead; another process takes over.
LEASE_LENGTH = timedelta(minutes=3)
PASS_EVERY = timedelta(minutes=1)
#: The admin area and every staff page warn when no pass has finished for this long.
LATE_AFTER = timedelta(minutes=10)
JOB_ID = "reminders-pass"


@dataclass
class PassReport:
    plan: PlanReport
    delivery: DeliveryReport

    def summary(self) -> str:
        if self.plan.paused:
            return f"reminders paused; sent {len(self.delivery.sent)} other messages"
        return (
            f"planned {len(self.plan.planned)}, sent {len(self.delivery.sent)}, "
            f"deferred {len(self.delivery.deferred)}, failed {len(self.delivery.failed)}, "
            f"waiting for the working hours of {self.plan.held} people, dropped {self.plan.dropped}"
        )


def run_pass(now: datetime) -> PassReport:
    """Plan what is due at ``now``, then send what is pending."""
    planned = plan(now)
    return PassReport(planned, deliver(now))


class Lease:
    """The database row that says which process runs the passes, with the heartbeat the admin area shows."""

    def __init__(self) -> None:
        self.holder = f"{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:6]})"

    def acquire(self, now: datetime) -> bool:
        """Take or renew the lease; False while another live process holds it."""
        db.session.execute(insert_ignoring_duplicates(SchedulerLease, "name").values(name=LEASE_NAME, last_summary=""))
        taken = db.session.execute(
            update(SchedulerLease)
            .where(
                SchedulerLease.name == LEASE_NAME,
                or_(
                    SchedulerLease.holder == self.holder,
                    SchedulerLease.holder.is_(None),
                    SchedulerLease.expires_at.is_(None),
                    SchedulerLease.expires_at < now,
                ),
            )
            .values(holder=self.holder, expires_at=now + LEASE_LENGTH, last_started_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        return taken == 1

    def record(self, finished: datetime, summary: str, error: str | None, next_run: datetime | None) -> None:
        db.session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == self.holder)
            .values(last_finished_at=finished, last_summary=summary[:500], last_error=error, next_run_at=next_run)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def scheduled_pass(app: Flask, lease: Lease, scheduler: BaseScheduler | None = None) -> None:
    """The job APScheduler runs: a pass if we hold the lease, its outcome recorded as the heartbeat."""
    with app.app_context():
        now = datetime.now(UTC)
        if not lease.acquire(now):
            return
        error = None
        try:
            summary = run_pass(now).summary()
        except Exception as failure:  # noqa: BLE001 - a failed pass must not stop the next one
            log.exception("reminder pass failed")
            db.session.rollback()
            summary, error = "the pass failed", f"{type(failure).__name__}: {failure}"
        job = scheduler.get_job(JOB_ID) if scheduler else None
        lease.record(datetime.now(UTC), summary, error, job.next_run_time if job else None)
        log.info("reminder pass: %s", summary)


def configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    """Every minute, starting now; a late tick runs once (coalesce), never skipped (no misfire grace)."""
    scheduler.configure(
        timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    )
    scheduler.add_job(
        scheduled_pass,
        "interval",
        seconds=PASS_EVERY.total_seconds(),
        args=(app, Lease(), scheduler),
        id=JOB_ID,
        replace_existing=True,
        next_run_time=datetime.now(UTC),
    )
    return scheduler


_started: dict[int, BackgroundScheduler] = {}
_start_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """With TRACKER_SCHEDULER=on, the web process runs the passes in a background thread.

    It starts with the first request the process serves, never at import or in a command: the Werkzeug
    reloader's watcher process and ``tracker db upgrade`` serve no requests, so they never start one, and
    each gunicorn worker starts its own after the fork. The lease keeps all but one of them idle.
    """
    if not app.config["SCHEDULER_ENABLED"]:
        return

    @app.before_request
    def start_scheduler_once() -> None:
        if os.getpid() in _started:
            return
        with _start_lock:
            if os.getpid() not in _started:
                _started[os.getpid()] = configure(BackgroundScheduler(daemon=True), app)
                _started[os.getpid()].start()


def heartbeat() -> SchedulerLease | None:
    return db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == LEASE_NAME))


def is_late(lease: SchedulerLease | None, now: datetime) -> bool:
    """No pass has finished recently: reminders are not going out."""
    return lease is None or lease.last_finished_at is None or lease.last_finished_at < now - LATE_AFTER


def run_forever(app: Flask) -> None:
    """``tracker scheduler``: the dedicated process for deployments with several web workers."""
    scheduler = configure(BlockingScheduler(), app)
    log.info("scheduler started; a reminder pass every %s", PASS_EVERY)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
