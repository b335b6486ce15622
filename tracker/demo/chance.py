"""Seeded chance for demo data: every case shown at least once, and plausible moments in the past.

Only ``random.Random(seed)`` and the centre's today feed these, so a seed gives the same data on the same
day; moments fall on past days only, never today, so no record claims to come from the future.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")
DAY = timedelta(days=1)
#: Days after the due date that a delivery came: most on time or early, a quarter late, some by weeks.
EARLY_DAYS, LATE_DAYS, LATE_SHARE = (-25, 0), (1, 60), 0.25


class Cover(Generic[T]):
    """Pick at random, but hand out every member once first, so even a small data set shows every case."""

    def __init__(self, rng: random.Random, members: Sequence[T]) -> None:
        self.rng = rng
        self.pending = list(members)

    def pick(self, options: Sequence[T], weights: Sequence[float] | None = None) -> T:
        for member in self.pending:
            if member in options:
                self.pending.remove(member)
                return member
        return self.rng.choices(options, weights)[0]


class Calendar:
    """Days and moments relative to the centre's today, in its working hours."""

    def __init__(self, rng: random.Random, today: date, zone: ZoneInfo) -> None:
        self.rng = rng
        self.today = today
        self.yesterday = today - DAY
        self.zone = zone

    def days_from_today(self, low: int, high: int) -> date:
        return self.today + timedelta(days=self.rng.randint(low, high))

    def past(self, day: date) -> date:
        """The day, or yesterday if it has not come yet."""
        return min(day, self.yesterday)

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def request_days(self, visit_starts: date, visit_ends: date) -> tuple[date, date]:
        """When a request was logged (during the visit or in the three weeks after it) and when it falls due (three
        to eleven weeks later): requests of every visit since the first fall due across the years."""
        last_day = min(self.yesterday, visit_ends + timedelta(days=21))
        logged_on = self.day_between(visit_starts, max(visit_starts, last_day))
        return logged_on, logged_on + timedelta(days=self.rng.randint(21, 75))

    def delivery_day(self, logged_on: date, due_on: date) -> date:
        """A day around the due date (see ``LATE_SHARE``), not before the request was logged nor after yesterday."""
        lateness = LATE_DAYS if self.rng.random() < LATE_SHARE else EARLY_DAYS
        return min(self.yesterday, max(logged_on, due_on + timedelta(days=self.rng.randint(*lateness))))

    def moments(self, first: date, last: date, count: int) -> list[datetime]:
        """``count`` sorted moments on days from ``first`` to ``last``."""
        return sorted(self.moment(self.day_between(first, last)) for _ in range(count))

    def moment(self, day: date) -> datetime:
        """A moment in working hours (08:00–18:00 in the centre's zone) on that day, as aware UTC."""
        local = datetime.combine(day, time(self.rng.randint(8, 17), self.rng.randint(0, 59)), self.zone)
        return local.astimezone(UTC)
