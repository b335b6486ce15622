"""Centre-wide follow-up health (SPEC §5): are requests delivered on time, how long do they take, what is overdue
and since when, and which delegations have gone quiet; for everything in scope and by visit year, tier at the
visit, region or country.

Each group of figures is one grouped query over the requests or delegations in scope, so the page runs the
same five queries however many requests there are, and every number is counted in SQL. The conditions are
the lists' own (``tracker.info_requests.queries``, ``tracker.delegations.queries``): a bar links to the list
that shows exactly the rows it counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, cast, extract, func, select

from tracker.delegations.queries import no_contact_for
from tracker.delegations.scope import DelegationScope
from tracker.extensions import db
from tracker.info_requests.queries import (
    days_to_delivery,
    delivered,
    delivered_late,
    delivered_on_time,
    overdue,
    overdue_on,
)
from tracker.models import Country, Delegation, DelegationStatus, InfoRequest, Region, Tier, Visit
from tracker.models.base import LabelledEnum
from tracker.sql_medians import medians

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


def follow_up_health(scope: DelegationScope, dimension: Dimension, day: date) -> Health:
    """Every figure for the delegations in ``scope`` as of ``day``, overall and by ``dimension``."""
    groups = _Groups(dimension)
    key_columns = _group_columns(dimension)
    _add_outcomes(groups, _requests_in(scope, *key_columns), key_columns, day)
    _add_follow_ups(groups, _delegations_in(scope, *key_columns), key_columns, day)
    rows = sorted(groups.values(), key=_ordering(dimension))
    total = Figures(None, "All", **{name: sum(getattr(row, name) for row in rows) for name in _COUNTS})
    total.median_days = medians_of(_requests_in(scope).add_columns(days_to_delivery())).get(())
    return Health(scope, dimension, day, total, rows, overdue_trend(scope, day))


class _Groups(dict[Any, Figures]):
    """The groups met so far, by key; each is made, with its label, the first time a query returns it."""

    def __init__(self, dimension: Dimension) -> None:
        super().__init__()
        self.dimension = dimension

    def of(self, keys: Sequence[Any]) -> Figures:
        """The group of a row's key columns (a country comes with its name)."""
        key = keys[0]
        if key not in self:
            name = keys[1] if self.dimension is Dimension.COUNTRY else None
            self[key] = Figures(key, _label(self.dimension, key, name))
        return self[key]


def _add_outcomes(groups: _Groups, requests: Select[Any], key_columns: list[ColumnElement[Any]], day: date) -> None:
    """On time, late and overdue by group (one query), then the median days to delivery by group (another)."""
    for *keys, on_time, late, overdue_now in db.session.execute(
        requests.add_columns(
            func.count().filter(delivered_on_time()),
            func.count().filter(delivered_late()),
            func.count().filter(overdue(day)),
        ).group_by(*key_columns)
    ):
        figures = groups.of(keys)
        figures.on_time, figures.late, figures.overdue = on_time, late, overdue_now
    for key, median in medians_of(requests.add_columns(days_to_delivery())).items():
        groups.of(key if isinstance(key, tuple) else (key,)).median_days = median


def _add_follow_ups(groups: _Groups, delegations: Select[Any], key_columns: list[ColumnElement[Any]],
                    day: date) -> None:
    """Delegations followed up (active, visit ended) and those of them gone quiet, by group, in one query."""
    followed_up = and_(Delegation.status == DelegationStatus.ACTIVE, Visit.ends_on < day)
    quiet = and_(Delegation.status == DelegationStatus.ACTIVE, no_contact_for(QUIET_DAYS, day))
    for *keys, followed, quiet_count in db.session.execute(
        delegations.add_columns(func.count().filter(followed_up), func.count().filter(quiet)).group_by(*key_columns)
    ):
        figures = groups.of(keys)
        figures.followed_up, figures.quiet = followed, quiet_count


#: The figures that add up across groups (the median does not).
_COUNTS = ("on_time", "late", "overdue", "followed_up", "quiet")


def medians_of(values: Select[Any]) -> dict[Any, float]:
    """Medians of the delivered requests among ``values`` (its last column is the days to delivery)."""
    return medians(values.where(delivered()))


def trend_days(day: date) -> list[date]:
    """The last day of each of the ``TREND_MONTHS`` months before ``day``'s month, then ``day`` itself."""
    ends, month_start = [], day.replace(day=1)
    for _ in range(TREND_MONTHS):
        ends.append(month_start - timedelta(days=1))
        month_start = ends[-1].replace(day=1)
    return [*reversed(ends), day]


def overdue_trend(scope: DelegationScope, day: date) -> list[TrendPoint]:
    """Overdue requests in ``scope`` at each of ``trend_days(day)``, in one query."""
    days = trend_days(day)
    counts = db.session.execute(_requests_in(scope).add_columns(*(func.count().filter(overdue_on(d)) for d in days)))
    return [TrendPoint(d, count) for d, count in zip(days, counts.one())]


def _delegations_in(scope: DelegationScope, *columns: ColumnElement[Any]) -> Select[Any]:
    return (
        select(*columns)
        .select_from(Delegation)
        .join(Delegation.visit)
        .join(Delegation.country)
        .where(*scope.criteria())
    )


def _requests_in(scope: DelegationScope, *columns: ColumnElement[Any]) -> Select[Any]:
    return _delegations_in(scope, *columns).join(InfoRequest, InfoRequest.delegation_id == Delegation.id)


def _group_columns(dimension: Dimension) -> list[ColumnElement[Any]]:
    if dimension is Dimension.YEAR:
        return [cast(extract("year", Visit.starts_on), Integer).label("group_key")]
    if dimension is Dimension.TIER:
        return [Delegation.tier.label("group_key")]
    if dimension is Dimension.REGION:
        return [Country.region.label("group_key")]
    return [Country.id.label("group_key"), Country.name.label("group_name")]


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
