"""The calendar arithmetic of SPEC §4, as pure functions of dates: easy to read, easy to test at the boundaries.

Every function answers "which occurrence is due on ``today``?" with the latest one not after today, so a
scheduler that was down for days sends the one still relevant once, never one copy per missed day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Occurrence:
    """One reminder moment: the day it stands for, and when it stops being worth sending (UTC-aware)."""

    on: date
    expires_at: datetime


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


def due_soon(due_on: date, today: date, days_before: int, zone: ZoneInfo) -> Occurrence | None:
    """From ``days_before`` days ahead until the eve of the due date; stale once the due date arrives."""
    starts = due_on - timedelta(days=days_before)
    if not starts <= today < due_on:
        return None
    return Occurrence(starts, local_midnight(due_on, zone))


def due_today(due_on: date, today: date, zone: ZoneInfo) -> Occurrence | None:
    if today != due_on:
        return None
    return Occurrence(due_on, local_midnight(due_on + timedelta(days=1), zone))


def repeating(first: date, today: date, every_days: int, zone: ZoneInfo) -> Occurrence | None:
    """``first``, then every ``every_days``: the latest not after today, stale when the next one starts."""
    if today < first:
        return None
    latest = first + timedelta(days=(today - first).days // every_days * every_days)
    return Occurrence(latest, local_midnight(latest + timedelta(days=every_days), zone))


def overdue(due_on: date, today: date, every_days: int, zone: ZoneInfo) -> Occurrence | None:
    """The day after the due date, then every ``every_days`` while the request stays open."""
    return repeating(due_on + timedelta(days=1), today, every_days, zone)


def escalation(due_on: date, today: date, after_days: int, every_days: int, zone: ZoneInfo) -> Occurrence | None:
    """Admins hear of a request from ``after_days`` overdue, then every ``every_days``."""
    return repeating(due_on + timedelta(days=after_days), today, every_days, zone)


def next_check_in(visit_ended: date, last_contact: date | None, offsets: list[int], ideal_days: int) -> date:
    """When the liaison should next be in touch with a delegation (SPEC §3).

    Check-ins are anchored to the end of the visit (by default 14, 90 and 180 days after it). A logged contact
    completes every check-in up to it and resets the clock: the next one is the next anchored date, but never
    sooner than ``ideal_days`` after that contact. After the last anchored date, it is every ``ideal_days``.
    """
    if last_contact is None or last_contact < visit_ended:
        return visit_ended + timedelta(days=offsets[0])
    floor = last_contact + timedelta(days=ideal_days)
    anchored = (visit_ended + timedelta(days=days) for days in offsets)
    later = [check_in for check_in in anchored if check_in > last_contact]
    return max(later[0], floor) if later else floor


def weekly_slot(now_local: datetime, weekday: int, at: time) -> datetime:
    """The most recent (weekday, time) not after ``now_local``, in its zone: the digest's moment."""
    slot_day = now_local.date() - timedelta(days=(now_local.weekday() - weekday) % 7)
    slot = datetime.combine(slot_day, at, now_local.tzinfo)
    return slot if slot <= now_local else slot - timedelta(days=7)


def in_working_hours(now_local: datetime, starts: time, ends: time, working_days: str) -> bool:
    """Inside the person's working day (ISO weekday digits, Monday = 1) and hours, in their own zone."""
    return str(now_local.isoweekday()) in working_days and starts <= now_local.time() < ends
