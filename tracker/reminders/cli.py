"""``tracker reminders run [--now]`` for one reproducible pass, and ``tracker scheduler`` for the long-running one."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.models import OutboxMessage
from tracker.reminders.scheduler import run_forever, run_pass


class Moment(click.ParamType):
    """An ISO-8601 moment; without a UTC offset it is read in the centre's time zone."""

    name = "ISO-8601"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO-8601 date and time, e.g. 2026-11-23T09:30 or 2026-11-23T09:30+01:00")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
        return moment.astimezone(UTC)


reminders_cli = click.Group("reminders", help="Reminder passes (SPEC §4).")


@reminders_cli.command("run")
@click.option("--now", "now", type=Moment(), help="Act as if it were this moment (default: the real time).")
@with_appcontext
def run_command(now: datetime | None) -> None:
    """Plan what is due now, send what is pending, and say what was done."""
    report = run_pass(now or datetime.now(UTC))
    if report.plan.paused:
        click.echo("Reminders are paused by an admin: nothing planned.")
    for row in report.plan.planned:
        click.echo(f"planned  {row['kind']:<10} to {row['recipient_email']}: {row['subject']}")
    outcomes = {"sent": report.delivery.sent, "deferred": report.delivery.deferred, "failed": report.delivery.failed}
    for outcome, ids in outcomes.items():
        for message in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.id.in_(ids))):
            detail = f" ({message.last_error})" if outcome != "sent" and message.last_error else ""
            click.echo(f"{outcome:<8} {message.kind:<10} to {message.recipient_email}: {message.subject}{detail}")
    click.echo(report.summary().capitalize() + ".")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the reminder passes every minute until stopped (the deployment's scheduler process)."""
    run_forever(current_app._get_current_object())  # type: ignore[attr-defined]
