"""Countries: the comparison across the countries the centre hosted, its CSV, and a page per country."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.wrappers import Response

from tracker.charts import CODES, COLOURS, history_chart, tier_grid
from tracker.countries import bp
from tracker.countries.comparison import Comparison, CountryFigures, Scope, compare
from tracker.countries.forms import ComparisonFilterForm
from tracker.countries.reference import FIRST_REPORT_YEAR
from tracker.countries.services import kept_tier_histories, report_year_for, tier_histories
from tracker.countries.table import (
    AFTER_NEEDS,
    BEFORE_NEEDS,
    NEED_COLUMNS,
    csv_headings,
    csv_rows,
    page_rows,
    sort_rows,
)
from tracker.delegations.queries import last_contact_on, open_request_count
from tracker.exports.web import csv_download
from tracker.extensions import db
from tracker.models import ContactLog, Country, Delegation, InfoRequest, StatedNeed, User, Visit
from tracker.routing import id_urls

#: How many of the latest delegations, needs, requests and contacts a country page lists.
RECENT_ROWS = 25


@bp.get("/", endpoint="list")
def compare_countries() -> str:
    """Compare the countries the centre hosted: delegations, needs, requests, delivery."""
    filters = ComparisonFilterForm()
    comparison, rows = _compared(filters, visit_years=False)
    return render_template(
        "countries/list.html",
        filters=filters,
        comparison=comparison,
        rows=rows,
        table_rows=page_rows(rows, id_urls("countries.detail", "country_id")),
        before_needs=BEFORE_NEEDS,
        need_columns=NEED_COLUMNS,
        after_needs=AFTER_NEEDS,
    )


@bp.get("/tiers", endpoint="tier_movement")
def tier_movement() -> str:
    """Each compared country's tier in every report year, with the comparison's filters and in its order.

    A page of its own rather than under the comparison's table: it was half the comparison's HTML and a third of
    its time, below 250 rows few scroll past."""
    filters = ComparisonFilterForm()
    # The grid shows no figures: the medians and latest contacts only to sort by them.
    order = filters.sort_key
    comparison, rows = _compared(
        filters, medians=order == "median_days_to_delivery", last_contacts=order == "last_contact"
    )
    histories = kept_tier_histories(tuple(row.country_id for row in rows))
    # Without a year the comparison's report year is already the latest of all.
    latest = comparison.report_year if filters.value("year") is None else report_year_for(None)
    last_year = latest or FIRST_REPORT_YEAR
    grid = tier_grid(
        [(row.name, histories[row.country_id], comparison.visit_years[row.country_id]) for row in rows],
        FIRST_REPORT_YEAR,
        last_year,
    )
    return render_template(
        "countries/tiers.html", filters=filters, comparison=comparison, rows=rows, grid=grid, colours=COLOURS,
        codes=CODES,
    )


def _compared(filters: ComparisonFilterForm, **leaving_out: bool) -> tuple[Comparison, list[CountryFigures]]:
    """The comparison in the filters' scope and its rows in the filters' order (the table, its CSV, the grid);
    ``leaving_out``: ``compare``'s figures the page does without."""
    comparison = compare(filters.scope(), **leaving_out)
    return comparison, sort_rows(comparison.rows, filters.sort_key, filters.descending)


@bp.get("/export.csv")
def export() -> Response:
    """Download the comparison table as filtered and sorted on the page."""
    filters = ComparisonFilterForm()
    comparison, rows = _compared(filters, visit_years=False)
    suffix = f"-{filters.value('year')}" if filters.value("year") else ""
    return csv_download(f"countries{suffix}.csv", csv_headings(comparison.report_year), csv_rows(rows))


@bp.get("/<int:country_id>")
def detail(country_id: int) -> str:
    """Show a country: its tier history, the centre's figures, delegations, needs, requests and contacts."""
    country = db.get_or_404(Country, country_id)
    comparison = compare(Scope(country_id=country_id))
    figures = comparison.rows[0] if comparison.rows else None
    placements = tier_histories([country_id])[country_id]
    # The scope has no year, so the comparison's report year is the latest of all.
    last_year = comparison.report_year or FIRST_REPORT_YEAR
    chart = history_chart(placements, FIRST_REPORT_YEAR, last_year, comparison.visit_years[country_id])
    latest_year = max(placements, default=None)
    return render_template(
        "countries/detail.html",
        country=country,
        figures=figures,
        need_columns=NEED_COLUMNS,
        chart=chart,
        placements=placements,
        latest=(latest_year, placements.get(latest_year)) if latest_year else None,
        report_years=range(FIRST_REPORT_YEAR, last_year + 1),
        delegations=_recent_delegations(country_id),
        needs=_recent(StatedNeed, StatedNeed.created_at, country_id, StatedNeed.category, StatedNeed.description,
                      StatedNeed.delegation_id),
        requests=_recent(InfoRequest, InfoRequest.created_at, country_id, InfoRequest, person=InfoRequest.owner_id),
        contacts=_recent(ContactLog, ContactLog.contacted_on, country_id, ContactLog.contacted_on, ContactLog.channel,
                         ContactLog.summary, ContactLog.delegation_id, person=ContactLog.logged_by_id),
        recent_rows=RECENT_ROWS,
    )


def _country_delegations(country_id: int) -> Any:
    """The ids and visits of the country's delegations, worked out first (on PostgreSQL, materialized), from an
    index: PostgreSQL otherwise walked every visit from the latest back looking for the country's, tens of thousands
    at national scale."""
    found = select(Delegation.id, Delegation.visit_id).where(Delegation.country_id == country_id)
    return found.cte("country_delegations").prefix_with("MATERIALIZED", dialect="postgresql")


def _recent_delegations(country_id: int) -> list[object]:
    """The latest visits' delegations, with their open requests and last contact. Their ids first, from the visits'
    dates alone, then those rows: read whole and sorted, the country's 400 delegations took 4 ms of PostgreSQL's."""
    mine = _country_delegations(country_id)
    latest = (
        select(mine.c.id)
        .join(Visit, Visit.id == mine.c.visit_id)
        .order_by(Visit.starts_on.desc(), mine.c.id.desc())
        .limit(RECENT_ROWS)
    )
    return list(
        db.session.execute(
            select(Delegation, open_request_count().label("open_requests"), last_contact_on().label("last_contact"))
            .where(Delegation.id.in_(latest))
            .join(Delegation.visit)
            .options(contains_eager(Delegation.visit), joinedload(Delegation.liaison))  # the visit joined once
            .order_by(Visit.starts_on.desc(), Delegation.id.desc())
        )
    )


def _recent(model, newest_first, country_id: int, *columns, person=None):  # type: ignore[no-untyped-def]
    """``columns`` of the latest needs, requests or contacts of this country's delegations, with their visit's title
    (``visit_title``) and, given ``person`` (a foreign key to a user), that user's name (``person``).

    Their ids first, from an index of each delegation's rows by date (thousands at national scale, none read),
    then those rows' columns alone: loaded as objects with their delegation, visit and user, each list took a
    millisecond longer on PostgreSQL."""
    mine = _country_delegations(country_id)
    latest = (
        select(model.id)
        .join(mine, mine.c.id == model.delegation_id)
        .order_by(newest_first.desc(), model.id.desc())
        .limit(RECENT_ROWS)
    )
    found = (
        select(*columns, Visit.title.label("visit_title"))
        .join_from(model, Delegation, Delegation.id == model.delegation_id)
        .join(Visit, Visit.id == Delegation.visit_id)
        .where(model.id.in_(latest))
        .order_by(newest_first.desc(), model.id.desc())
    )
    if person is not None:
        found = found.add_columns(User.name.label("person")).outerjoin(User, User.id == person)
    return db.session.execute(found).all()
