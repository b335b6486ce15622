"""The comparison table's columns, defined once for the page, its sorting and its CSV export."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from tracker.countries.comparison import CountryFigures
from tracker.exports.tables import Cell
from tracker.models import NeedCategory, Tier
from tracker.templating import format_date

_TIER_ORDER = {tier: position for position, tier in enumerate(Tier)}


class Column(NamedTuple):
    key: str
    heading: str
    #: What the CSV cell holds.
    cell: Callable[[CountryFigures], Cell]
    #: What the column sorts by, when not the cell (tiers sort in the report's order, not by label).
    order: Callable[[CountryFigures], Any] | None = None
    numeric: bool = True
    #: A narrower heading for the page, where sixteen columns must fit (screen readers get the whole one).
    short: str = ""
    #: False for a column the page shows inside another (the region, under the country's name).
    own_column: bool = True
    #: What a cell says it is when the table is shown as cards (on a phone), when not the heading.
    card_label: str = ""


#: Need categories as the table's narrow column headings show them.
_SHORT_NEEDS = {
    NeedCategory.LEGISLATION: "Legis.",
    NeedCategory.PROSECUTION: "Prosec.",
    NeedCategory.PROTECTION: "Protect.",
    NeedCategory.PREVENTION: "Prevent.",
    NeedCategory.PARTNERSHIP: "Partner.",
}


def _need_column(category: NeedCategory) -> Column:
    short = _SHORT_NEEDS.get(category, category.label.split()[0])
    return Column(f"need_{category.value}", category.label, lambda row: row.needs[category], short=short,
                  card_label=f"{category.label} needs")


COLUMNS: list[Column] = [
    Column("country", "Country", lambda row: row.name, numeric=False),
    Column("region", "Region", lambda row: row.region.label if row.region else None, numeric=False, own_column=False),
    Column(
        "tier",
        "Tier",
        lambda row: row.tier.label if row.tier else None,
        lambda row: _TIER_ORDER[row.tier] if row.tier else None,
        numeric=False,
    ),
    Column("delegations", "Delegations", lambda row: row.delegations),
    *(_need_column(category) for category in NeedCategory),
    Column("requests", "Requests logged", lambda row: row.requests),
    Column("delivered", "Delivered", lambda row: row.delivered),
    Column("delivered_on_time", "Delivered on time", lambda row: row.on_time),
    Column(
        "median_days_to_delivery",
        "Median days to delivery",
        lambda row: _rounded(row.median_days),
        lambda row: row.median_days,
    ),
    Column("last_contact", "Last contact", lambda row: row.last_contact, numeric=False),
]
BY_KEY = {column.key: column for column in COLUMNS}
NEED_COLUMNS = [column for column in COLUMNS if column.key.startswith("need_")]
#: The page's columns before and after the stated needs, which share a group heading.
PAGE_COLUMNS = [column for column in COLUMNS if column.own_column]
BEFORE_NEEDS = PAGE_COLUMNS[: PAGE_COLUMNS.index(NEED_COLUMNS[0])]
AFTER_NEEDS = PAGE_COLUMNS[PAGE_COLUMNS.index(NEED_COLUMNS[-1]) + 1 :]
DEFAULT_SORT = "country"


def sort_rows(rows: Sequence[CountryFigures], key: str, descending: bool) -> list[CountryFigures]:
    """Rows by one column, ties by country name; empty values last whichever the direction."""
    column = BY_KEY[key]
    value = column.order or column.cell
    by_name = sorted(rows, key=lambda row: row.name)
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    return sorted(present, key=value, reverse=descending) + missing


def csv_headings(report_year: int | None) -> list[str]:
    tier = f"tier_{report_year}" if report_year else "tier"
    return ["iso3", *(tier if column.key == "tier" else column.key for column in COLUMNS)]


def csv_rows(rows: Sequence[CountryFigures]) -> Iterator[list[Cell]]:
    for row in rows:
        yield [row.iso3, *(column.cell(row) for column in COLUMNS)]


def _rounded(days: float | None) -> Cell:
    """Medians of whole days are whole or halves: 12, 12.5."""
    if days is None:
        return None
    return int(days) if days.is_integer() else str(round(days, 1))


def page_rows(rows: Sequence[CountryFigures], detail_url: Callable[[int], str]) -> Markup:
    """The page's table body: a row per country, its name linking to ``detail_url(country_id)`` with the region
    under it, then a cell per column (``data-label`` names it when the table is shown as cards).

    Written here rather than in the template: Jinja took 25 ms for the four thousand cells of every hosted
    country, most of it in the calls of a cell (a tier badge, a date), where this takes a few."""

    def country(row: CountryFigures, _: Cell) -> str:
        region = escape(row.region.label) if row.region else "No region"
        link = escape(detail_url(row.country_id))
        return f'<a href="{link}">{escape(row.name)}</a><span class="meta">{region}</span>'

    written = {"country": country, "tier": _tier_cell, "delivered_on_time": _on_time_cell, "last_contact": _date_cell}
    columns = [
        (f'<td data-label="{escape(column.card_label or column.heading)}"{_NUMERIC if column.numeric else ""}>',
         written.get(column.key, _figure_cell), column.cell)
        for column in PAGE_COLUMNS
    ]  # fmt: skip
    return Markup("\n".join(
        "<tr>" + "".join(f"{opening}{write(row, cell(row))}</td>" for opening, write, cell in columns) + "</tr>"
        for row in rows
    ))  # fmt: skip


_NUMERIC = ' class="num"'


def _tier_cell(row: CountryFigures, _: Cell) -> str:
    if row.tier is None:
        return '<span class="muted">Not known</span>'
    return f'<span class="badge tier-{row.tier.value}">{escape(row.tier.label)}</span>'


def _on_time_cell(row: CountryFigures, value: Cell) -> str:
    if not row.delivered:
        return str(value)
    return f'{value} <span class="muted">({round(100 * row.on_time / row.delivered)}%)</span>'


def _date_cell(row: CountryFigures, _: Cell) -> str:
    return format_date(row.last_contact) if row.last_contact else "—"


def _figure_cell(_: CountryFigures, value: Cell) -> str:
    return "—" if value is None else str(escape(value)) if isinstance(value, str) else str(value)
