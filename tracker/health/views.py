"""The follow-up health page and its CSV downloads."""

from __future__ import annotations

from collections.abc import Iterator

from flask import render_template
from werkzeug.wrappers import Response

from tracker.clock import today
from tracker.exports.tables import Cell
from tracker.exports.web import csv_download
from tracker.health import bp
from tracker.health.charts import HealthCharts, Links
from tracker.health.figures import QUIET_DAYS, Dimension, Figures, follow_up_health, overdue_trend
from tracker.health.forms import HealthFilterForm

#: The breakdown's CSV: a row per group, then the total.
BREAKDOWN_HEADINGS = (
    "requests_come_due", "delivered_on_time", "delivered_late", "overdue", "on_time_percent",
    "median_days_to_delivery", "delegations_followed_up", f"no_contact_{QUIET_DAYS}_days",
)  # fmt: skip
GROUP_HEADINGS = {
    Dimension.YEAR: "visit_year",
    Dimension.TIER: "tier_at_visit",
    Dimension.REGION: "region",
    Dimension.COUNTRY: "country",
}


@bp.get("/", endpoint="page")
def page() -> str:
    """Show how the centre follows through: delivery on time, days to delivery, overdue over time, quiet
    delegations; filtered by year, tier, region and country, broken down by one of them."""
    filters = HealthFilterForm()
    health = follow_up_health(filters.scope(), filters.dimension, today())
    return render_template(
        "health/page.html",
        filters=filters,
        health=health,
        charts=HealthCharts(health),
        links=Links(health),
        dimensions=list(Dimension),
        quiet_days=QUIET_DAYS,
    )


@bp.get("/export.csv")
def export() -> Response:
    """Download the breakdown's numbers (a row per group and the total) with the page's filters."""
    filters = HealthFilterForm()
    health = follow_up_health(filters.scope(), filters.dimension, today())
    headings = (GROUP_HEADINGS[health.dimension], *BREAKDOWN_HEADINGS)
    return csv_download(f"follow-up-health-by-{health.dimension.value}-{health.as_of}.csv", headings,
                        _breakdown_rows([*health.groups, health.total]))


@bp.get("/trend.csv")
def trend_export() -> Response:
    """Download the overdue trend (overdue requests at each month end, then today) with the page's filters."""
    day = today()
    rows = ((point.day, point.overdue) for point in overdue_trend(HealthFilterForm().scope(), day))
    return csv_download(f"overdue-trend-{day}.csv", ("day", "overdue_requests"), rows)


def _breakdown_rows(groups: list[Figures]) -> Iterator[tuple[Cell, ...]]:
    for group in groups:
        share = None if group.on_time_share is None else round(100 * group.on_time_share, 1)
        median = None if group.median_days is None else round(group.median_days, 1)
        yield (group.label, group.come_due, group.on_time, group.late, group.overdue, share, median,
               group.followed_up, group.quiet)  # fmt: skip
