"""What the centre did for each country it hosted: delegations, stated needs, requests and how they
were delivered, side by side with the country's tier.

Which delegations count is defined once (``Scope``: region, tier in a report year, visit year, or one
country); each group of figures is one grouped query over those delegations, so the page runs the same
few queries however many countries and requests there are. Medians come from ``tracker.sql_medians``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Subquery, and_, extract, func, select

from tracker.countries.services import report_year_for
from tracker.delegations.scope import DelegationScope
from tracker.extensions import db
from tracker.info_requests.queries import days_to_delivery, delivered, delivered_on_time
from tracker.models import (
    ContactLog,
    Country,
    Delegation,
    InfoRequest,
    NeedCategory,
    Region,
    StatedNeed,
    Tier,
    TierPlacement,
    Visit,
)
from tracker.sql_medians import medians


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

    @property
    def total_needs(self) -> int:
        return sum(self.needs.values())


@dataclass(frozen=True)
class Comparison:
    report_year: int | None
    rows: list[CountryFigures]
    #: The years in which each country's delegations visited.
    visit_years: dict[int, set[int]]


def compare(scope: Scope) -> Comparison:
    """Figures for every country with a delegation in ``scope``, in no particular order."""
    report_year = report_year_for(scope.year)
    delegations = _delegations_in(scope, report_year)
    rows = {row.country_id: row for row in _countries(delegations, report_year)}
    for country_id, contacted_on in db.session.execute(
        select(delegations.c.country_id, func.max(ContactLog.contacted_on))
        .join(ContactLog, ContactLog.delegation_id == delegations.c.delegation_id)
        .group_by(delegations.c.country_id)
    ):
        rows[country_id].last_contact = contacted_on
    _add_needs(rows, delegations)
    _add_requests(rows, delegations)
    _add_medians(rows, delegations)
    return Comparison(report_year, list(rows.values()), _visit_years(delegations))


def _visit_years(delegations: Subquery) -> dict[int, set[int]]:
    years: dict[int, set[int]] = defaultdict(set)
    for country_id, year in db.session.execute(
        select(delegations.c.country_id, extract("year", delegations.c.starts_on)).distinct()
    ):
        years[country_id].add(int(year))
    return years


def _delegations_in(scope: Scope, report_year: int | None) -> Subquery:
    # The year, region and country mean what they mean on the lists and the health page; the tier does not (it
    # is the country's tier in the report year, not the delegation's at its visit), so it is added here.
    criteria: list[Any] = DelegationScope(year=scope.year, region=scope.region, country_id=scope.country_id).criteria()
    if scope.tier is not None:
        criteria.append(TierPlacement.tier == scope.tier)
    return (
        select(Delegation.id.label("delegation_id"), Delegation.country_id, Visit.starts_on)
        .join(Delegation.visit)
        .join(Delegation.country)
        .outerjoin(TierPlacement, _placement_in(report_year))
        .where(*criteria)
        .subquery("in_scope")
    )


def _placement_in(report_year: int | None) -> Any:
    return and_(TierPlacement.country_id == Country.id, TierPlacement.year == report_year)


def _countries(delegations: Subquery, report_year: int | None) -> list[CountryFigures]:
    columns = (Country.id, Country.iso3, Country.name, Country.region, TierPlacement.tier)
    query = (
        select(*columns, func.count(delegations.c.delegation_id))
        .join(delegations, delegations.c.country_id == Country.id)
        .outerjoin(TierPlacement, _placement_in(report_year))
        .group_by(*columns)
    )
    return [CountryFigures(*row) for row in db.session.execute(query)]


def _add_needs(rows: dict[int, CountryFigures], delegations: Subquery) -> None:
    counts = [func.count().filter(StatedNeed.category == category) for category in NeedCategory]
    for country_id, *per_category in db.session.execute(
        select(delegations.c.country_id, *counts)
        .join(StatedNeed, StatedNeed.delegation_id == delegations.c.delegation_id)
        .group_by(delegations.c.country_id)
    ):
        rows[country_id].needs = dict(zip(NeedCategory, per_category))


def _add_requests(rows: dict[int, CountryFigures], delegations: Subquery) -> None:
    for country_id, logged, delivered_count, on_time_count in db.session.execute(
        select(
            delegations.c.country_id,
            func.count(),
            func.count().filter(delivered()),
            func.count().filter(delivered_on_time()),
        )
        .join(InfoRequest, InfoRequest.delegation_id == delegations.c.delegation_id)
        .group_by(delegations.c.country_id)
    ):
        figures = rows[country_id]
        figures.requests, figures.delivered, figures.on_time = logged, delivered_count, on_time_count


def _add_medians(rows: dict[int, CountryFigures], delegations: Subquery) -> None:
    """Median of (delivery date − logging date) per country, over its delivered requests."""
    for country_id, median in medians(
        select(delegations.c.country_id, days_to_delivery())
        .join(InfoRequest, InfoRequest.delegation_id == delegations.c.delegation_id)
        .where(delivered())
    ).items():
        rows[country_id].median_days = median
