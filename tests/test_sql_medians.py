"""Medians from the summary's banded histograms equal the medians of the values themselves: odd and even counts,
middles that straddle two bands, negative days (SQL divides towards zero), groups far apart, empty groups."""

from __future__ import annotations

import random
import statistics

from sqlalchemy import delete, event, insert

from tracker.extensions import db
from tracker.health.summary import DAYS_BAND, days_histogram, days_medians
from tracker.models import FollowUpCount
from tracker.sql_medians import OVERALL

#: Days to delivery per group (a visit year here): the group's median is worked out from these alone.
GROUPS = {
    2001: [5],
    2002: [9, 10],  # the two middle values in two bands
    2003: [-12, -3, 0, 4, 19],  # negative days: band 0 holds -9 to 9
    2004: [29, 30, 30, 31, 200, 201],
    2005: [-25, -25, -11],
    2006: [random.Random(8).randint(-30, 400) for _ in range(501)],
    2007: [random.Random(9).randint(0, 60) for _ in range(200)],
}


def _histograms(groups: dict[int, list[int]]) -> None:
    """The days and their bands per group, as the summary keeps them for cohorts (one country and tier)."""
    rows: dict[tuple[str, int, int], int] = {}
    for year, values in groups.items():
        for value in values:
            for measure, day in (("days", value), ("days_band", int(value / DAYS_BAND))):
                rows[(measure, year, day)] = rows.get((measure, year, day), 0) + 1
    db.session.execute(insert(FollowUpCount), [
        {"measure": measure, "visit_year": year, "country_id": 1, "tier": "tier_2", "day": day, "until": 0,
         "count": count}
        for (measure, year, day), count in rows.items()
    ])  # fmt: skip
    db.session.commit()


def test_medians_from_bands_equal_the_medians_of_the_values() -> None:
    _histograms(GROUPS)
    by_year = days_medians(
        lambda banded: days_histogram({"visit_year", "tier"}, FollowUpCount.visit_year, banded=banded)
    )
    assert by_year == {year: statistics.median(values) for year, values in GROUPS.items()}
    everything = [value for values in GROUPS.values() for value in values]
    assert days_medians(lambda banded: days_histogram({"visit_year", "tier"}, banded=banded)) == {
        (): statistics.median(everything)
    }


def test_no_delivery_has_no_median() -> None:
    assert days_medians(lambda banded: days_histogram({"visit_year", "tier"}, FollowUpCount.visit_year,
                                                      banded=banded)) == {}  # fmt: skip


def test_the_overall_median_from_the_groups_rows_equals_the_median_of_every_value() -> None:
    """Read with the groups' medians (the middle of all lies between theirs), for many mixes of groups."""
    shuffled = random.Random(4)
    for attempt in range(12):
        db.session.execute(delete(FollowUpCount))
        groups = {year: [shuffled.randint(-40, 90 * (year % 5 + 1)) for _ in range(shuffled.randint(1, 30))]
                  for year in range(2000, 2000 + shuffled.randint(1, 6))}  # fmt: skip
        _histograms(groups)
        found = days_medians(
            lambda banded: days_histogram({"visit_year", "tier"}, FollowUpCount.visit_year, banded=banded),
            overall=True,
        )
        everything = [value for values in groups.values() for value in values]
        assert found.pop(OVERALL) == statistics.median(everything), attempt
        assert found == {year: statistics.median(values) for year, values in groups.items()}


def test_no_delivery_has_no_overall_median() -> None:
    assert OVERALL not in days_medians(lambda banded: days_histogram(set(), banded=banded), overall=True)


def test_the_days_statement_carries_its_measure_and_range_in_its_sql() -> None:
    """Not as parameters: PostgreSQL's generic plan of the prepared statement then sees how many rows they select
    (tracker.database.written_in)."""
    _histograms({2001: [5, 17]})
    statements: list[str] = []

    def sent(connection: object, cursor: object, statement: str, *rest: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", sent)
    try:
        assert days_medians(lambda banded: days_histogram({"visit_year", "tier"}, banded=banded)) == {(): 11}
    finally:
        event.remove(db.engine, "before_cursor_execute", sent)
    bands, days = statements
    assert "'days_band'" in bands
    assert "'days'" in days and "BETWEEN -9 AND 19" in days  # the middles are in bands 0 (-9 to 9) and 1 (10 to 19)
