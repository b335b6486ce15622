"""SQLite's local-date function (tracker.sql_dates) gives the same date as a plain time-zone conversion,
including in the hours where a zone's offset changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.sql_dates import sqlite_local_date


def _plain(stored: str, zone: str) -> str:
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date().isoformat()


@pytest.mark.parametrize(
    ("zone", "around"),
    [
        ("Europe/Vienna", datetime(2026, 3, 29, 1)),  # summer time starts at 01:00 UTC
        ("Europe/Vienna", datetime(2026, 10, 25, 1)),  # and ends at 01:00 UTC
        ("Australia/Lord_Howe", datetime(2026, 4, 4, 14, 30)),  # a half-hour change, at half past a UTC hour
        ("Australia/Lord_Howe", datetime(2026, 10, 3, 15, 30)),
        ("Asia/Kathmandu", datetime(2026, 6, 1, 18, 15)),  # +05:45: local midnight at a quarter past
        ("America/St_Johns", datetime(2026, 11, 2, 2, 30)),  # -03:30
    ],
)
def test_local_date_matches_the_plain_conversion_minute_by_minute(zone: str, around: datetime) -> None:
    for minutes in range(-180, 181):
        stored = (around + timedelta(minutes=minutes, seconds=59, microseconds=999999)).isoformat(sep=" ")
        assert sqlite_local_date(stored, zone) == _plain(stored, zone), stored
        on_the_minute = (around + timedelta(minutes=minutes)).isoformat(sep=" ")
        assert sqlite_local_date(on_the_minute, zone) == _plain(on_the_minute, zone), on_the_minute


def test_local_date_of_nothing_is_nothing() -> None:
    assert sqlite_local_date(None, "Europe/Vienna") is None
