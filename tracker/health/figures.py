"""Centre-wide follow-up health (SPEC §5): are requests delivered on time, how long do they take, what is overdue
and since when, and which delegations have gone quiet; for everything in scope and by visit year, tier at the
visit, region or country.

The figures are read from the follow-up summary (``tracker.health.summary``: counts per cohort kept by
triggers), a few grouped queries however many requests there are. They count what the lists' own conditions
select (``tracker.info_requests.queries``, ``tracker.delegations.queries``): a bar links to the list that shows
exactly the rows it counts. Figures that depend on today are the counts less the few rows from today on
(requests not yet due, visits not yet over, delegations contacted lately), which an index finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, func, select, union_all

from tracker.delegations.scope import DelegationScope
from tracker.extensions import db
from tracker.health.summary import (
    Grain,
    cohort_criteria,
    day_number,
    days_histogram,
    days_medians,
    grain,
    kept_by,
    month_number,
)
from tracker.health.summary_version import kept_until_changed
from tracker.models import Country, FollowUpCount, Region, Tier
from tracker.models.base import LabelledEnum
from tracker.sql_medians import OVERALL

#: "Delegations with no logged contact in 90 days".
QUIET_DAYS = 90
#: How many month ends the overdue trend looks back over.
TREND_MONTHS = 12


class Dimension(LabelledEnum):
    """What the figures are broken down by; the value is the list filter that selects one group."""

    YEAR = "year", "Visit year"
    TIER = "tier", "Tier at visit"
    REGION = "region", "Region"
    COUNTRY = "country", "Country"


@dataclass
class Figures:
    """The health of one group of delegations and their requests (or of everything in scope)."""

    #: The group's value of the dimension (a year, a tier, a region, a country id); None for "not known".
    key: Any
    label: str
    on_time: int = 0
    late: int = 0
    #: Still owed, whatever the due date.
    open: int = 0
    #: Still owed and past the due date, today.
    overdue: int = 0
    #: Median days from logging a request to delivering it.
    median_days: float | None = None
    #: Active delegations whose visit has ended: the ones the centre follows up.
    followed_up: int = 0
    #: Of those, delegations with no contact logged in ``QUIET_DAYS`` days.
    quiet: int = 0

    @property
    def come_due(self) -> int:
        """Requests whose outcome is known: delivered (on time or late) or overdue."""
        return self.on_time + self.late + self.overdue

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.come_due if self.come_due else None

    @property
    def delivered(self) -> int:
        return self.on_time + self.late


@dataclass(frozen=True)
class TrendPoint:
    day: date
    overdue: int


@dataclass
class Health:
    scope: DelegationScope
    dimension: Dimension
    as_of: date
    total: Figures
    groups: list[Figures]
    #: Overdue requests at the end of each of the last ``TREND_MONTHS`` months, then today.
    trend: list[TrendPoint]


@kept_until_changed
def follow_up_health(scope: DelegationScope, dimension: Dimension, day: date) -> Health:
    """Every figure for the delegations in ``scope`` as of ``day``, overall and by ``dimension``."""
    groups = _Groups(dimension)
    key_column = _group_column(dimension)
    kept, criteria = kept_by(scope), cohort_criteria(scope)
    _add_counts(groups, _cohorts(key_column, dimension, grain(kept | {_KEPT[dimension]}), scope), day)
    by_group = days_medians(
        lambda banded: days_histogram(kept | {_KEPT[dimension]}, key_column, banded=banded).where(*criteria),
        overall=True, one_year=scope.year is not None,
    )
    overall_median = by_group.pop(OVERALL, None)
    for stored, median in by_group.items():
        figures = groups.get(groups.key(stored))
        if figures is not None:
            figures.median_days = median
    rows = sorted(groups.values(), key=_ordering(dimension))
    total = Figures(None, "All", **{name: sum(getattr(row, name) for row in rows) for name in _COUNTS})
    total.median_days = overall_median
    return Health(scope, dimension, day, total, rows, _trend(scope, day))


class _Groups(dict[Any, Figures]):
    """The groups met so far, by key; each is made, with its label, the first time a query returns it."""

    def __init__(self, dimension: Dimension) -> None:
        super().__init__()
        self.dimension = dimension

    def key(self, stored: Any) -> Any:
        """The group's key from the summary's column: a tier is stored as its value, "" when not known."""
        if self.dimension is Dimension.TIER:
            return Tier(stored) if stored else None
        return stored

    def of(self, keys: Sequence[Any]) -> Figures:
        """The group of a row's key columns (a country comes with its name)."""
        key = self.key(keys[0])
        if key not in self:
            name = keys[1] if self.dimension is Dimension.COUNTRY else None
            self[key] = Figures(key, _label(self.dimension, key, name))
        return self[key]


@dataclass(frozen=True)
class _Cohorts:
    """The summary's rows of the groups in scope: (the group's key, measure, count), in the coarsest grain that keeps
    the key (``rows`` does not say the grain's constants: its measures' names do)."""

    rows: Select[Any]
    grain: Grain
    dimension: Dimension

    def measures(self, *measures: str) -> ColumnElement[bool]:
        return FollowUpCount.measure.in_([self.grain.measure(measure) for measure in measures])

    def counted(self, ranges: list[ColumnElement[bool]], *measures: str) -> Select[Any]:
        """Per group, the count of each of ``measures`` among the rows in ``ranges`` (a country's name after its
        key). The ranges hold different measures (no row is in two): read one by one and put together (UNION ALL),
        not as one OR, which PostgreSQL read from the table by bitmap rather than from the index alone (by country
        11.6 → 5 ms; SQLite takes as long either way). Countries are named once grouped, not looked up for every row
        of the summary."""
        found = union_all(*(self.rows.where(condition) for condition in ranges)).subquery()
        key, measure, count = found.c
        sums = (func.coalesce(func.sum(count).filter(measure == self.grain.measure(name)), 0) for name in measures)
        query = select(key, *sums).group_by(key)
        if self.dimension is not Dimension.COUNTRY:
            return query
        key, *columns = query.subquery().c
        return select(key, Country.name, *columns).outerjoin(Country, Country.id == key)


def _add_counts(groups: _Groups, cohorts: _Cohorts, day: date) -> None:
    """The groups with delegations and their counts, less what is not yet due, over or quiet on ``day``: one query
    (a round trip each took longer than reading the rows on PostgreSQL)."""
    today, quiet_from = day_number(day), day_number(day - timedelta(days=QUIET_DAYS))
    counts = ("delegations", "on_time", "late", "open", "active")
    # Their day is 0: said so, SQLite reads them by measure and day rather than skipping through every year.
    at_zero = and_(cohorts.measures(*counts), FollowUpCount.day == 0, *cohorts.grain.constants)
    # Still owed but due from today on; active but the visit not over; contacted (or back) in the quiet days. Not
    # said the grain's constants: with them, both databases read each measure's every row by them (SQLite 4.6 ms,
    # PostgreSQL 3.5 at national scale), not its rows from a day on by the measure's days (0.7, 0.9).
    recent = {"open_due": today, "active_ended": today, "active_quiet": quiet_from}
    from_then = [
        and_(FollowUpCount.measure == cohorts.grain.measure(measure), FollowUpCount.day >= on)
        for measure, on in recent.items()
    ]
    for *keys, delegations, on_time, late, open_now, active, not_due, not_over, in_touch in db.session.execute(
        cohorts.counted([at_zero, *from_then], *counts, *recent)
    ):
        if delegations:
            figures = groups.of(keys)
            figures.on_time, figures.late = on_time, late
            figures.open, figures.overdue = open_now, open_now - not_due
            figures.followed_up, figures.quiet = active - not_over, active - in_touch


def _cohorts(key_column: ColumnElement[Any], dimension: Dimension, coarsest: Grain, scope: DelegationScope) -> _Cohorts:
    rows = select(key_column, FollowUpCount.measure, FollowUpCount.count).where(*cohort_criteria(scope))
    # The cohorts' countries only for a region (an outer join: a grain without countries has country 0). Joined
    # when nothing read them, SQLite still looked each row's country up: a third of the query by country.
    if dimension is Dimension.REGION or scope.region is not None:
        rows = rows.select_from(FollowUpCount).outerjoin(Country, Country.id == FollowUpCount.country_id)
    return _Cohorts(rows, coarsest, dimension)


#: The figures that add up across groups (the median does not).
_COUNTS = ("on_time", "late", "open", "overdue", "followed_up", "quiet")


def trend_days(day: date) -> list[date]:
    """The last day of each of the ``TREND_MONTHS`` months before ``day``'s month, then ``day`` itself."""
    ends, month_start = [], day.replace(day=1)
    for _ in range(TREND_MONTHS):
        ends.append(month_start - timedelta(days=1))
        month_start = ends[-1].replace(day=1)
    return [*reversed(ends), day]


#: The spans overdue at each month end of the trend (``month_<n>``, ``month_number``), made once: making them took
#: as long as the query.
_AT_MONTH_ENDS = [
    func.coalesce(func.sum(FollowUpCount.count).filter(FollowUpCount.day <= month, FollowUpCount.until > month), 0)
    for month in (bindparam(f"month_{index}", type_=Integer) for index in range(TREND_MONTHS))
]


@kept_until_changed
def overdue_trend(scope: DelegationScope, day: date) -> list[TrendPoint]:
    """Overdue requests in ``scope`` at each of ``trend_days(day)``."""
    return _trend(scope, day)


def _trend(scope: DelegationScope, day: date) -> list[TrendPoint]:
    """``overdue_trend`` in one query, the summary counted.

    At a month end, the spans overdue from its month or before until a later month (``overdue_months``, a few hundred
    rows in the coarsest grain that keeps the scope: reading every overdue span of the year by day took 6 ms at
    national scale). Today, the last month end's less the spans delivered since, plus those overdue since: two
    ranges of this month's spans by day."""
    ends, month_end = trend_days(day), trend_days(day)[-2]
    months = [month_number(end) for end in ends[:-1]]
    coarsest, criteria = grain(kept_by(scope)), cohort_criteria(scope)

    def spans(*columns: ColumnElement[Any], measure: str, since: ColumnElement[bool]) -> Select[Any]:
        query = select(*columns).select_from(FollowUpCount).where(FollowUpCount.measure == measure, since, *criteria)
        # The cohorts' countries only for a region: reading one per span took as long as the rest.
        return query.join(Country, Country.id == FollowUpCount.country_id) if scope.region is not None else query

    last, today = day_number(month_end), day_number(day)
    started, delivered = (
        spans(func.coalesce(func.sum(FollowUpCount.count), 0), measure="overdue", since=column > last)
        .where(column <= today)
        .correlate(None)
        .scalar_subquery()
        for column in (FollowUpCount.day, FollowUpCount.until)
    )
    *counts, started_since, delivered_since = db.session.execute(
        spans(*_AT_MONTH_ENDS, started, delivered, measure=coarsest.measure("overdue_months"),
              since=FollowUpCount.until > months[0]),
        {f"month_{index}": month for index, month in enumerate(months)},
    ).one()
    counts.append(counts[-1] + started_since - delivered_since)
    return [TrendPoint(end, overdue) for end, overdue in zip(ends, counts)]


#: The summary's cohort column each dimension groups by (a region by the cohorts' countries).
_KEPT = {Dimension.YEAR: "visit_year", Dimension.TIER: "tier", Dimension.REGION: "country_id",
         Dimension.COUNTRY: "country_id"}  # fmt: skip


def _group_column(dimension: Dimension) -> ColumnElement[Any]:
    """The column a dimension's groups are told apart by: the summary's own (not labelled: ``days_histogram`` then
    reads a grain's rows as they are), but a region's, from the cohorts' countries."""
    if dimension is Dimension.YEAR:
        return FollowUpCount.visit_year
    if dimension is Dimension.TIER:
        return FollowUpCount.tier
    if dimension is Dimension.REGION:
        return Country.region
    return FollowUpCount.country_id


def _label(dimension: Dimension, key: Any, name: str | None) -> str:
    if dimension is Dimension.COUNTRY:
        return name or ""
    if key is None:
        return "Tier not known" if dimension is Dimension.TIER else "No region"
    return key.label if isinstance(key, LabelledEnum) else str(key)


_TIER_ORDER = {tier: position for position, tier in enumerate(Tier)}
_REGION_ORDER = {region: position for position, region in enumerate(Region)}


def _ordering(dimension: Dimension) -> Any:
    """Years in order, tiers and regions in the report's order, countries by name; "not known" last."""
    if dimension is Dimension.YEAR:
        return lambda row: row.key
    if dimension is Dimension.COUNTRY:
        return lambda row: row.label
    order = _TIER_ORDER if dimension is Dimension.TIER else _REGION_ORDER
    return lambda row: order.get(row.key, len(order))
