"""The calendar arithmetic of reminders, at its boundaries (pure functions, no database)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tracker.reminders import schedule

UTC = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")
DUE = date(2026, 12, 11)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2026, 12, 7), None), (date(2026, 12, 8), date(2026, 12, 8)), (date(2026, 12, 10), date(2026, 12, 8)),
     (DUE, None)],
)
def test_due_soon_runs_from_three_days_ahead_until_the_eve(today: date, expected: date | None) -> None:
    occurrence = schedule.due_soon(DUE, today, 3, UTC)
    assert (occurrence.on if occurrence else None) == expected


def test_due_soon_expires_when_the_due_day_starts_in_the_recipients_zone() -> None:
    occurrence = schedule.due_soon(DUE, date(2026, 12, 9), 3, NEW_YORK)
    assert occurrence and occurrence.expires_at == datetime(2026, 12, 11, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("today", "expected"),
    [(DUE, None), (date(2026, 12, 12), date(2026, 12, 12)), (date(2026, 12, 18), date(2026, 12, 12)),
     (date(2026, 12, 19), date(2026, 12, 19)), (date(2027, 3, 1), date(2027, 2, 27))],
)
def test_overdue_is_the_day_after_then_weekly_and_only_the_latest(today: date, expected: date | None) -> None:
    occurrence = schedule.overdue(DUE, today, 7, UTC)
    assert (occurrence.on if occurrence else None) == expected


def test_escalation_starts_fourteen_days_overdue() -> None:
    assert schedule.escalation(DUE, date(2026, 12, 24), 14, 7, UTC) is None
    assert schedule.escalation(DUE, date(2026, 12, 25), 14, 7, UTC).on == date(2026, 12, 25)  # type: ignore[union-attr]


ENDED = date(2026, 1, 5)
OFFSETS = [14, 90, 180]


@pytest.mark.parametrize(
    ("last_contact", "expected"),
    [
        (None, date(2026, 1, 19)),  # the first check-in, 14 days after the visit
        (date(2026, 1, 2), date(2026, 1, 19)),  # a contact during the visit does not count
        (date(2026, 1, 20), date(2026, 4, 5)),  # the next anchored check-in, 90 days after
        (date(2026, 3, 30), date(2026, 5, 29)),  # never sooner than the ideal interval (60) after a contact
        (date(2026, 7, 10), date(2026, 9, 8)),  # past the last anchor: every ideal interval
    ],
)
def test_next_check_in(last_contact: date | None, expected: date) -> None:
    assert schedule.next_check_in(ENDED, last_contact, OFFSETS, 60) == expected


def test_weekly_slot_keeps_local_time_across_a_daylight_saving_change() -> None:
    # New York leaves daylight saving time on Sunday 1 November 2026.
    before = schedule.weekly_slot(datetime(2026, 10, 28, 12, 0, tzinfo=NEW_YORK), 0, time(8, 0))
    after = schedule.weekly_slot(datetime(2026, 11, 4, 12, 0, tzinfo=NEW_YORK), 0, time(8, 0))
    assert before.astimezone(UTC) == datetime(2026, 10, 26, 12, 0, tzinfo=UTC)
    assert after.astimezone(UTC) == datetime(2026, 11, 2, 13, 0, tzinfo=UTC)


def test_weekly_slot_is_last_week_until_the_moment_comes() -> None:
    monday_early = datetime(2026, 11, 2, 7, 59, tzinfo=UTC)
    assert schedule.weekly_slot(monday_early, 0, time(8, 0)).date() == date(2026, 10, 26)
    assert schedule.weekly_slot(monday_early.replace(minute=0, hour=8), 0, time(8, 0)).date() == date(2026, 11, 2)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [(datetime(2026, 11, 23, 7, 59), False), (datetime(2026, 11, 23, 8, 0), True),
     (datetime(2026, 11, 23, 17, 59), True), (datetime(2026, 11, 23, 18, 0), False),
     (datetime(2026, 11, 28, 10, 0), False)],
)
def test_working_hours(moment: datetime, expected: bool) -> None:
    assert schedule.in_working_hours(moment.replace(tzinfo=UTC), time(8), time(18), "12345") is expected
