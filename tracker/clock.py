"""What day it is for the centre. One place, so tests can move the clock (time-machine) and see it everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app


def centre_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def now_local() -> datetime:
    return datetime.now(centre_zone())


def today() -> date:
    return now_local().date()


def start_of(day: date) -> datetime:
    """The moment ``day`` begins in the centre's time zone, in UTC: stored timestamps compare with it directly."""
    return datetime.combine(day, time(), centre_zone()).astimezone(UTC)
