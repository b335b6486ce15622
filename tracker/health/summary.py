"""The follow-up summary (``follow_up_counts``): what the health page, the dashboard and the countries comparison
count, per cohort of delegations (visit year, country, tier at the visit), kept by database triggers.

Counting a million requests per page view took seconds; a cohort holds a few hundred, so a centre-wide figure
sums a few thousand rows. Triggers rather than the app keep the counts, as they keep the search index: they
also see bulk inserts, ON DELETE CASCADE and a fix made in psql, in the same transaction as the change.

Each row counts the requests, delegations or needs of a cohort with a ``measure`` at ``day`` (and ``until``):

=============== ===================================== =====================================================
measure         day (days since 1970-01-01 or days)   counts
=============== ===================================== =====================================================
requests        0                                     requests
on_time, late   0                                     delivered requests, by their delivery's local date
days            days from logging to delivery         delivered requests (medians read the middle)
days_band       days to delivery // ``DAYS_BAND``     the same by bands of days: a median finds its band first
open            0                                     requests still owed
open_due        due date                              requests still owed (overdue = open − due from today)
overdue         first day overdue; ``until`` the day  requests not called off that were overdue some day
                it was delivered (``NEVER`` if not)   (``overdue_on(d)``: day ≤ d < until)
overdue_months  ``month_number`` of the first day     the same spans by month, those over a month end: a
                overdue; ``until`` that of the day    month end's overdue requests are day ≤ its month <
                delivered (``NEVER`` if not)          until (the overdue trend)
delegations     0                                     delegations
active          0                                     delegations followed up (status active)
active_ended    last day of the visit                 active delegations (followed up once it is past)
active_quiet    last contact, or the visit's end      active delegations (quiet once 90 days past)
last_contact    last contact                          delegations contacted (a cohort's latest: its max)
need:<category> 0                                     stated needs
=============== ===================================== =====================================================

Every measure but ``overdue`` is also kept by coarser cohorts (``GRAINS``):
``on_time_by_tier`` counts by tier alone, its year and country 0; ``days_band_by_country`` by country alone...

Days "by the centre's calendar" (deliveries, logging) are local dates in the zone kept in
``follow_up_counts_zone``; when the centre's zone is another,
``tracker.health.summary_triggers.ensure_counted`` counts everything again. The triggers are written there.
The same definitions as ``tracker.info_requests.queries`` (tests compare the two).

``delegations.last_contact_on`` is kept by triggers on ``contact_logs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from tracker.database import written_in
from tracker.delegations.scope import DelegationScope
from tracker.models import (
    Country,
    FollowUpCount,
)
from tracker.sql_medians import medians_of_counts

#: ``until`` of a request never delivered: after every day.
NEVER = 10_000_000
EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """A day as the summary stores it."""
    return (day - EPOCH).days


def day_of(number: int) -> date:
    return EPOCH + timedelta(days=number)


def month_number(day: date) -> int:
    """A day's month as ``overdue_months`` stores it: months since year 0's January."""
    return day.year * 12 + day.month - 1


#: Coarser cohorts ("grains"): (suffix of the measure, the one cohort column it keeps). The other two columns are
#: ``GRAIN_CONSTANTS`` (0 for the year and country, "*" for the tier), so a centre-wide sum or median by tier, year
#: or country reads a few rows per group, not one per cohort (thousands).
GRAINS = (("_by_tier", "tier"), ("_by_year", "visit_year"), ("_by_country", "country_id"))
GRAIN_CONSTANTS: dict[str, Any] = {"visit_year": 0, "country_id": 0, "tier": "*"}
#: How many days a band of the days histograms spans (``days_band``): a median reads the band totals, then the
#: days of the bands that hold the middles, not every day of every group.
DAYS_BAND = 10


@dataclass(frozen=True)
class Grain:
    """The coarsest rows that keep the cohort columns a query reads: the measures' suffix and the constants."""

    suffix: str
    constants: tuple[ColumnElement[bool], ...]
    #: The cohort column the grain keeps (None for the cohorts themselves, which keep all three).
    column: str | None = None

    def measure(self, measure: str) -> str:
        return measure + self.suffix


def grain(kept: set[str]) -> Grain:
    """The coarsest grain that keeps the cohort columns ``kept`` ("visit_year", "country_id", "tier"); the cohorts
    themselves (no suffix) when it takes more than one."""
    for suffix, column in GRAINS:
        if kept <= {column}:
            constants = (getattr(FollowUpCount, name) == value for name, value in GRAIN_CONSTANTS.items()
                         if name != column)  # fmt: skip
            return Grain(suffix, tuple(constants), column)
    return Grain("", ())


def cohort_criteria(scope: DelegationScope) -> list[ColumnElement[bool]]:
    """``scope.criteria()`` on the summary's cohorts (the query joins ``Country`` for the region)."""
    found = []
    if scope.year is not None:
        found.append(FollowUpCount.visit_year == scope.year)
    if scope.tier is not None:
        found.append(FollowUpCount.tier == scope.tier.value)
    if scope.region is not None:
        found.append(Country.region == scope.region)
    if scope.country_id is not None:
        found.append(FollowUpCount.country_id == scope.country_id)
    return found


def counted(measure: str, *criteria: ColumnElement[bool]) -> ColumnElement[Any]:
    """How many ``measure`` counts among the rows a query groups (0 if none)."""
    return func.coalesce(func.sum(FollowUpCount.count).filter(FollowUpCount.measure == measure, *criteria), 0)


def days_histogram(kept: set[str], *columns: ColumnElement[Any], banded: bool = False) -> Select[Any]:
    """(columns..., days to delivery, how many) of the summary's coarsest histogram that keeps the cohort columns
    ``kept`` (see ``grain``), joined with the cohorts' ``Country``, for ``tracker.sql_medians.medians_of_counts``;
    the caller adds its scope. ``banded``: its bands' totals (the day is the band)."""
    coarsest = grain(kept)
    # Grouped by the one column its grain keeps, a group's day is a single row already: read, not summed again
    # (summing a few thousand rows took PostgreSQL a millisecond).
    kept_column = getattr(FollowUpCount, coarsest.column) if coarsest.column else None
    one_row_each = len(columns) == 1 and columns[0] is kept_column
    # A coarse histogram's other cohort columns are constants: said so, the rows come in index order, unsorted.
    found = (
        select(*columns, FollowUpCount.day, FollowUpCount.count if one_row_each else func.sum(FollowUpCount.count))
        .select_from(FollowUpCount)
        .outerjoin(Country, Country.id == FollowUpCount.country_id)
        .where(FollowUpCount.measure == written_in(coarsest.measure("days_band" if banded else "days")),
               *coarsest.constants)
    )
    return found if one_row_each else found.group_by(*columns, FollowUpCount.day)


def days_medians(histogram: Callable[[bool], Select[Any]], overall: bool = False, *,
                 one_year: bool = False) -> dict[Any, float]:
    """The median days to delivery of each group of ``histogram(banded)`` (``days_histogram`` with the caller's
    scope), and of all of them under ``OVERALL`` if asked: see ``tracker.sql_medians.medians_of_counts``.

    ``one_year``: the scope keeps one visit year. The days of the middle bands are then read among that year's rows
    (by measure and year), not among every year's rows of those days: ``day + 0`` keeps SQLite off the index by day,
    which read 90,000 rows for 4,500 (10.5 → 5.4 ms by country at national scale; PostgreSQL reads by year already)."""
    days = FollowUpCount.day + 0 if one_year else FollowUpCount.day
    return medians_of_counts(histogram(True), histogram(False), days, DAYS_BAND, overall=overall)


def kept_by(scope: DelegationScope) -> set[str]:
    """The cohort columns that ``scope`` narrows by (a region by the cohorts' countries)."""
    kept = {"visit_year"} if scope.year is not None else set()
    kept |= {"tier"} if scope.tier is not None else set()
    return kept | ({"country_id"} if scope.region is not None or scope.country_id is not None else set())
