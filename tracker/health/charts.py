"""The follow-up health charts: which bars and columns, what each says beside it, and which list each links to.

The geometry is ``tracker.bar_charts`` and ``tracker.charts``; the links carry the page's filters plus the bar's
group, in the lists' own filter arguments, so the list a bar opens counts what the bar counts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any
from urllib.parse import quote_plus

from flask import url_for

from tracker.bar_charts import BarChart, BarRow, Series, bar_chart
from tracker.charts import BLUE, GREEN, ORANGE, SKY_BLUE, VERMILLION, ColumnChart, ColumnPoint, column_chart
from tracker.health.figures import QUIET_DAYS, Figures, Health
from tracker.info_requests.forms import DELIVERED, LATE, ON_TIME, OPEN, OVERDUE
from tracker.models import DelegationStatus
from tracker.routing import url_filler
from tracker.templating import format_date

ON_TIME_SERIES = Series("on_time", "Delivered on time", GREEN)
LATE_SERIES = Series("late", "Delivered late", ORANGE, "stripes")
OVERDUE_SERIES = Series("overdue", "Overdue", VERMILLION, "crosshatch")
MEDIAN_SERIES = Series("median", "Median days to delivery", BLUE)
QUIET_SERIES = Series("quiet", f"No contact in {QUIET_DAYS} days", VERMILLION, "crosshatch")
IN_TOUCH_SERIES = Series("in_touch", "Contacted", SKY_BLUE)


class HealthCharts:
    """The health charts, each made when a template first reads it: the dashboard shows two of the four (making the
    other two, with their links, was a tenth of its Python)."""

    def __init__(self, health: Health) -> None:
        self.health = health

    @cached_property
    def _groups(self) -> list[tuple[Figures, Links]]:
        shared: dict[Any, Callable[[str], str]] = {}
        return [(group, Links(self.health, group, shared)) for group in self.health.groups]

    @cached_property
    def trend(self) -> ColumnChart:
        last = len(self.health.trend) - 1
        return column_chart([
            ColumnPoint("Now" if index == last else point.day.strftime("%b"), point.overdue,
                        Links(self.health).overdue_on(point.day), _year_label(point.day, index),
                        f"{'Today, ' if index == last else ''}{format_date(point.day)}")
            for index, point in enumerate(self.health.trend)
        ])  # fmt: skip

    @cached_property
    def outcomes(self) -> BarChart:
        rows = [
            BarRow(group.label, (group.on_time, group.late, group.overdue), (to.on_time, to.late, to.overdue),
                   outcome_note(group))
            for group, to in self._groups
        ]  # fmt: skip
        return bar_chart(rows, (ON_TIME_SERIES, LATE_SERIES, OVERDUE_SERIES), as_shares=True)

    @cached_property
    def medians(self) -> BarChart:
        rows = [BarRow(group.label, (group.median_days,), (to.delivered,), median_note(group))
                for group, to in self._groups]  # fmt: skip
        return bar_chart(rows, (MEDIAN_SERIES,))

    @cached_property
    def quiet(self) -> BarChart:
        rows = [
            BarRow(group.label, (group.quiet, group.followed_up - group.quiet), (to.quiet, None), quiet_note(group))
            for group, to in self._groups
        ]
        return bar_chart(rows, (QUIET_SERIES, IN_TOUCH_SERIES))


class Links:
    """The lists behind a group's figures (or behind the totals, without a group): the page's filters plus the
    group's own value. A group whose value is not known (no tier, no region) has no links: no filter selects it.

    A group's links to each list are built once per chart (``tracker.routing.url_filler``, ``shared`` between the
    groups of one chart) and filled in with the group's value: a ``url_for`` per bar was a quarter of the page by
    country (three thousand calls)."""

    def __init__(self, health: Health, group: Figures | None = None,
                 shared: dict[Any, Callable[[str], str]] | None = None) -> None:  # fmt: skip
        self.health = health
        #: False for a group whose value is not known; a group's own value, quoted, or None for the totals.
        self.known = group is None or group.key is not None
        self.value = None if group is None or group.key is None else quote_plus(
            str(getattr(group.key, "value", group.key)), safe=_SAFE)
        self.fillers: dict[Any, Callable[[str], str]] = {} if shared is None else shared

    def _link(self, endpoint: str, **filters: Any) -> str | None:
        if not self.known:
            return None
        arguments = dict(self.health.scope.arguments())
        if self.value is None:
            return url_for(endpoint, **arguments, **filters)
        key = (endpoint, *filters.items())
        if key not in self.fillers:
            arguments[self.health.dimension.value] = _GROUP
            self.fillers[key] = url_filler(endpoint, _GROUP, **arguments, **filters)
        return self.fillers[key](self.value)

    def _requests(self, **filters: Any) -> str | None:
        return self._link("info_requests.list", **filters)

    @property
    def on_time(self) -> str | None:
        return self._requests(delivery=ON_TIME, status="")

    @property
    def late(self) -> str | None:
        return self._requests(delivery=LATE, status="")

    @property
    def overdue(self) -> str | None:
        return self._requests(delivery=OVERDUE, status=OPEN)

    @property
    def delivered(self) -> str | None:
        return self._requests(delivery=DELIVERED, status="")

    def overdue_on(self, day: Any) -> str | None:
        return self._requests(overdue_on=day.isoformat(), status="")

    @property
    def quiet(self) -> str | None:
        return self._link("delegations.list", status=DelegationStatus.ACTIVE.value, no_contact_days=QUIET_DAYS)


#: Stands for the group's value in a link built once for all the groups (letters that a URL keeps as they are).
_GROUP = "GROUPVALUE7f3a"
#: The characters ``url_for`` leaves unquoted in a query value (werkzeug's ``urlencode`` arguments).
_SAFE = "!$'()*,/:;?@"


def outcome_note(figures: Figures) -> str:
    if not figures.come_due:
        return "nothing due yet"
    return f"{figures.on_time_share:.0%} on time, of {figures.come_due}"


def median_note(figures: Figures) -> str:
    if figures.median_days is None:
        return "nothing delivered"
    return f"{figures.median_days:g} days, {figures.delivered} delivered"


def quiet_note(figures: Figures) -> str:
    return f"{figures.quiet} of {figures.followed_up}"


def _year_label(day: Any, index: int) -> str:
    """The year under the first column and under each January."""
    return str(day.year) if index == 0 or day.month == 1 else ""

