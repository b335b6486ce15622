"""What the centre did for each country it hosted: delegations, stated needs, requests and how they
were delivered, side by side with the country's tier.

Which delegations count is defined once (``Scope``: region, tier in a report year, visit year, or one
country); the figures are read from the follow-up summary (``tracker.health.summary``: counts per cohort of
delegations kept by triggers), a few grouped queries however many countries and requests there are. Medians come
from ``tracker.sql_medians``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, select
from sqlalchemy.orm import aliased

from tracker.countries.services import report_year_for
from tracker.delegations.scope import DelegationScope
from tracker.extensions import db
from tracker.health.summary import Grain, cohort_criteria, counted, day_of, days_histogram, days_medians, grain
from tracker.health.summary_version import kept_until_changed
from tracker.models import Country, FollowUpCount, NeedCategory, Region, Tier, TierPlacement


@dataclass(frozen=True)
class Scope:
    """Which delegations the figures count."""

    region: Region | None = None
    #: The country's tier in the report year in force (see ``report_year_for``).
    tier: Tier | None = None
    #: Visits that began in this year; also chooses the report year.
    year: int | None = None
    country_id: int | None = None


@dataclass
class CountryFigures:
    country_id: int
    iso3: str
    name: str
    region: Region | None
    tier: Tier | None
    delegations: int
    needs: dict[NeedCategory, int] = field(default_factory=lambda: dict.fromkeys(NeedCategory, 0))
    requests: int = 0
    delivered: int = 0
    #: Delivered no later than the due date (the delivery's date in the centre's time zone).
    on_time: int = 0
    #: Median days from logging a request to delivering it, over delivered requests.
    median_days: float | None = None
    last_contact: date | None = None


@dataclass(frozen=True)
class Comparison:
    report_year: int | None
    rows: list[CountryFigures]
    #: The years in which each country's delegations visited.
    visit_years: dict[int, set[int]]


@kept_until_changed
def compare(scope: Scope, *, medians: bool = True, last_contacts: bool = True, visit_years: bool = True) -> Comparison:
    """Figures for every country with a delegation in ``scope``, in no particular order.

    ``medians=False`` and ``last_contacts=False`` leave those figures out (None), for a page that neither shows nor
    sorts by them (the tier grid: they took most of its SQL's time); ``visit_years=False`` leaves the visit years
    empty, for the table, which does not show them (a 2 ms query at national scale). Kept until the figures change
    (``tracker.health.summary_version``): the caller must not change what it returns."""
    report_year = report_year_for(scope.year)
    queries = _queries(scope, report_year)
    rows = {row.country_id: row for row in _countries(queries.countries)}
    found = days_medians(lambda banded: queries.bands if banded else queries.days) if medians else {}
    for country_id, median in found.items():
        if country_id in rows:
            rows[country_id].median_days = median
    years_visited: dict[int, set[int]] = defaultdict(set)
    for country_id, years in _rows(queries.visit_years) if visit_years else ():
        years_visited[country_id] = {int(year) for year in years.split(",")}
    for country_id, contacted in _rows(queries.last_contacts) if last_contacts else ():
        if contacted is not None and country_id in rows:
            rows[country_id].last_contact = day_of(contacted)
    return Comparison(report_year, list(rows.values()), years_visited)


class _Queries(NamedTuple):
    countries: Select[Any]
    #: The days to delivery by band and by day, for ``days_medians``.
    bands: Select[Any]
    days: Select[Any]
    visit_years: Select[Any]
    last_contacts: Select[Any]


@lru_cache(maxsize=32)
def _queries(scope: Scope, report_year: int | None) -> _Queries:
    """The comparison's statements for a scope, built once: building them took about 5 ms a page, as long as two of
    its queries took to run. Only the SQL is kept; the figures are read afresh every time. A scope's statements
    take about 160 KB: the latest 32 scopes are kept (a country page is a scope of its own)."""
    kept = {"country_id", *({"visit_year"} if scope.year is not None else ())}
    by_country = grain(kept)
    bands, days = (
        _narrowed(days_histogram(kept, FollowUpCount.country_id, banded=banded), scope, report_year)
        for banded in (True, False)
    )
    return _Queries(
        countries=_countries_query(scope, report_year, by_country),
        bands=bands,
        days=days,
        # A row per country listing its years (group_concat, string_agg): one per year took longer to fetch.
        visit_years=_in_scope(scope, report_year, FollowUpCount.country_id,
                              func.aggregate_strings(cast(FollowUpCount.visit_year, String), ","))
        .where(FollowUpCount.measure == "delegations", FollowUpCount.count > 0)
        .group_by(FollowUpCount.country_id),
        # The latest contact of each cohort of the grain (a country, when no year is chosen): an index lookup each.
        last_contacts=_in_scope(scope, report_year, FollowUpCount.country_id,
                                func.max(_cohort_last_contact(by_country)))
        .where(FollowUpCount.measure == by_country.measure("delegations"), FollowUpCount.count > 0,
               *by_country.constants)
        .group_by(FollowUpCount.country_id),
    )  # fmt: skip


def _rows(query: Any) -> Sequence[Any]:
    """The rows of ``query`` as plain rows, not ORM ones, fetched at once: the ORM's rows took twice as long."""
    return db.session.connection().execute(query).all()


def _criteria(scope: Scope, report_year: int | None) -> list[ColumnElement[bool]]:
    # The year, region and country mean what they mean on the lists and the health page; the tier does not (it
    # is the country's tier in the report year, not the delegation's at its visit), so it is added here. The
    # region's countries are found first, then their cohorts by index: joined, SQLite read the days of every
    # region's cohorts (21 ms, rather than 2.5, for a region's medians in a year).
    found = cohort_criteria(DelegationScope(year=scope.year, country_id=scope.country_id))
    if scope.region is not None:
        found.append(FollowUpCount.country_id.in_(select(Country.id).where(Country.region == scope.region)))
    if scope.tier is not None:
        found.append(TierPlacement.tier == scope.tier)
    return found


def _placement_in(report_year: int | None, country_id: Any = FollowUpCount.country_id) -> Any:
    """The placement of a country (of a cohort, by default) in the report year."""
    return and_(TierPlacement.country_id == country_id, TierPlacement.year == report_year)


def _narrowed(query: Any, scope: Scope, report_year: int | None) -> Any:
    """``query`` of the summary's cohorts narrowed to ``scope``, joined with the report's placements only for a
    tier: an unused join cost a lookup per summary row, on SQLite ten times the rest of the query."""
    if scope.tier is not None:
        query = query.join(TierPlacement, _placement_in(report_year))
    return query.where(*_criteria(scope, report_year))


def _in_scope(scope: Scope, report_year: int | None, *columns: Any) -> Any:
    return _narrowed(select(*columns).select_from(FollowUpCount), scope, report_year)


def _cohort_last_contact(by_country: Grain) -> Any:
    """The latest contact with a delegation of the cohort (of the grain ``by_country``): an index lookup per cohort."""
    contact = aliased(FollowUpCount)
    return (
        select(func.max(contact.day))
        .where(
            contact.measure == by_country.measure("last_contact"),
            contact.visit_year == FollowUpCount.visit_year,
            contact.country_id == FollowUpCount.country_id,
            contact.tier == FollowUpCount.tier,
            contact.count > 0,
        )
        .scalar_subquery()
    )


def _countries_query(scope: Scope, report_year: int | None, by_country: Grain) -> Select[Any]:
    """A row per country with a delegation in scope: its name, region and tier, and its counts.

    The counts are summed first, then the countries joined: joined before, every summary row looked up its country
    and its placement (2,750 rows, twice the query's time)."""
    needs = [f"need:{category.value}" for category in NeedCategory]
    measures = [by_country.measure(measure) for measure in ("delegations", "requests", "on_time", "late", *needs)]
    counts = (
        _in_scope(scope, report_year, FollowUpCount.country_id,
                  *(counted(measure).label(f"count_{index}") for index, measure in enumerate(measures)))
        .where(FollowUpCount.measure.in_(measures), *by_country.constants)
        .group_by(FollowUpCount.country_id)
        .having(counted(measures[0]) > 0)
        .subquery()
    )  # fmt: skip
    return (
        select(*_COUNTRY_COLUMNS, *list(counts.c)[1:])
        .join_from(counts, Country, Country.id == counts.c.country_id)
        .outerjoin(TierPlacement, _placement_in(report_year, Country.id))
    )


_COUNTRY_COLUMNS = (Country.id, Country.iso3, Country.name, Country.region, TierPlacement.tier)


def _countries(query: Select[Any]) -> list[CountryFigures]:
    found = []
    for row in _rows(query):
        delegations, logged, on_time, late, *per_category = row[len(_COUNTRY_COLUMNS):]
        found.append(CountryFigures(*row[: len(_COUNTRY_COLUMNS)], delegations=delegations, requests=logged,
                                    delivered=on_time + late, on_time=on_time,
                                    needs=dict(zip(NeedCategory, per_category))))
    return found
