"""What day it is for the centre. One place, so tests can move the clock (time-machine) and see it everywhere."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def centre_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def now_local() -> datetime:
    return datetime.now(centre_zone())


def today() -> date:
    return now_local().date()
