"""Charts as geometry for server-rendered SVG: no script, no library. The templates draw what these compute:
tier charts (templates/countries/_*_chart.html) and bar and column charts (templates/_charts.html).

Position and text carry the meaning: a row per tier, a column per report year, a bar per group with its
label and numbers written beside it, and a fill pattern per kind of segment, so colour only repeats what is
written or drawn. The colours are the Okabe–Ito palette, which stays distinct for the common kinds of colour
blindness. Each chart is shown beside a table of the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from tracker.models import Tier

#: The Okabe–Ito palette: dark enough for black text, light enough for a dark outline.
GREEN, SKY_BLUE, ORANGE, VERMILLION, PURPLE, BLUE = "#009E73", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#0072B2"
GREY = "#D9D9D9"
COLOURS = {
    Tier.TIER_1: GREEN,
    Tier.TIER_2: SKY_BLUE,
    Tier.TIER_2_WATCH_LIST: ORANGE,
    Tier.TIER_3: VERMILLION,
    Tier.SPECIAL_CASE: PURPLE,
    Tier.NOT_RATED: GREY,
}
CODES = {
    Tier.TIER_1: "1",
    Tier.TIER_2: "2",
    Tier.TIER_2_WATCH_LIST: "WL",
    Tier.TIER_3: "3",
    Tier.SPECIAL_CASE: "SC",
    Tier.NOT_RATED: "NR",
}
#: Tiers that rank (a line joins them year to year); the others are shown apart, below.
RANKED = (Tier.TIER_1, Tier.TIER_2, Tier.TIER_2_WATCH_LIST, Tier.TIER_3)


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Point:
    year: int
    tier: Tier
    x: float
    y: float

    @property
    def colour(self) -> str:
        return COLOURS[self.tier]


@dataclass
class HistoryChart:
    """One country's tiers, report year by report year: a row per tier, a point per placement."""

    width: float
    height: float
    left: float
    right: float
    years: list[Mark]
    tiers: list[Mark]
    points: list[Point]
    #: Lines between placements of consecutive years on a ranked tier.
    segments: list[tuple[Point, Point]]
    #: Where the ranked rows end and Special Case / Not rated begin.
    separator_y: float
    visits: list[Mark]
    #: Visits after the last report year, which the chart cannot place.
    later_visits: list[int]
    axis_y: float


def history_chart(placements: dict[int, Tier], first_year: int, last_year: int, visit_years: set[int]) -> HistoryChart:
    """The chart for report years ``first_year``..``last_year`` (a year with no placement has no point)."""
    left, right, top, row_height, gap = 150.0, 740.0, 16.0, 30.0, 14.0
    years = list(range(first_year, last_year + 1))
    step = (right - left) / max(1, len(years) - 1)

    def x(year: int) -> float:
        return left + (year - first_year) * step

    def y(tier: Tier) -> float:
        position = list(CODES).index(tier)
        return top + position * row_height + (gap if tier not in RANKED else 0)

    labelled_every = 1 if step >= 34 else 2
    year_marks = [Mark(x(year), 0, str(year)) for year in years if (year - first_year) % labelled_every == 0]
    points = [Point(year, tier, x(year), y(tier)) for year, tier in sorted(placements.items()) if year in years]
    segments = [
        (a, b) for a, b in zip(points, points[1:]) if b.year == a.year + 1 and a.tier in RANKED and b.tier in RANKED
    ]
    axis_y = y(Tier.NOT_RATED) + row_height
    visits = [Mark(x(year), axis_y + 40, str(year)) for year in sorted(visit_years) if year in years]
    return HistoryChart(
        width=right + 20,
        height=axis_y + (56 if visits else 28),
        left=left,
        right=right,
        years=year_marks,
        tiers=[Mark(left - 12, y(tier), tier.label) for tier in CODES],
        points=points,
        segments=segments,
        separator_y=y(Tier.TIER_3) + (row_height + gap) / 2,
        visits=visits,
        later_visits=sorted(year for year in visit_years if year > last_year),
        axis_y=axis_y,
    )


@dataclass
class GridRow:
    name: str
    #: The name as the chart shows it (shortened to fit).
    label: str
    y: float
    placements: dict[int, Tier]
    visited: set[int]


@dataclass
class TierGrid:
    """Several countries' tiers year by year: a row per country, a cell per report year.

    Its cells' markup is written here (``cells_svg``, ``table_rows``) rather than in the template: the
    comparison of every hosted country has thousands of cells, which Jinja took a quarter of a second to write
    one expression at a time. What is the same down a column (a cell's position) or for a tier (its colour and
    code) is written once. Each row is a group placed at its height; a cell is its rectangle, with the tooltip
    saying what it shows, and its code (the stylesheet centres the codes and lets the pointer through them).
    """

    width: float
    height: float
    cell_width: float
    cell_height: float
    label_width: float
    years: list[Mark]
    report_years: list[int]
    rows: list[GridRow]

    def cells_svg(self) -> Markup:
        width, height = _number(self.cell_width - 2), _number(self.cell_height - 2)
        middle = _number(self.cell_height / 2 - 1)
        columns = []
        for column, year in enumerate(self.report_years):
            x = self.label_width + column * self.cell_width
            columns.append((year, f'<rect x="{_number(x + 1)}" width="{width}" height="{height}" fill="',
                            f'<text x="{_number(x + self.cell_width / 2)}" y="{middle}">'))
        parts = []
        for row in self.rows:
            name = escape(row.name)
            parts.append(f'<g transform="translate(0 {_number(row.y + 1)})">')
            for year, rect, text in columns:
                tier = row.placements.get(year)
                outline, visited = (' class="visited"', "; a delegation visited") if year in row.visited else ("", "")
                if tier is None:
                    parts.append(f'{rect}#FFFFFF"{outline}><title>{name}, {year}: no data{visited}</title></rect>')
                else:
                    parts.append(f'{rect}{COLOURS[tier]}"{outline}><title>{name}, {year}: {tier.label}{visited}</title>'
                                 f"</rect>{text}{CODES[tier]}</text>")
            parts.append("</g>")
        return Markup("".join(parts))

    def table_rows(self) -> Markup:
        """The grid as table rows: a row per country, its code in each report year ("–" when none), "*" where
        a delegation visited."""
        visited = '<span class="visually-hidden"> (visited)</span>*'
        parts = []
        for row in self.rows:
            parts.append(f'<tr><th scope="row">{escape(row.name)}</th>')
            for year in self.report_years:
                tier = row.placements.get(year)
                parts.append(f"<td>{CODES[tier] if tier else '–'}{visited if year in row.visited else ''}</td>")
            parts.append("</tr>")
        return Markup("".join(parts))


def _number(value: float) -> str:
    """A coordinate as short as it is exact: 141 rather than 141.0."""
    return f"{value:g}"


def tier_grid(histories: list[tuple[str, dict[int, Tier], set[int]]], first_year: int, last_year: int) -> TierGrid:
    """The grid for (country name, placements by year, visit years) rows, report years in columns."""
    cell_width, cell_height, header = 30.0, 24.0, 44.0
    longest = max((len(name) for name, _, _ in histories), default=10)
    label_width = min(260.0, 7.2 * longest + 16)
    years = list(range(first_year, last_year + 1))
    rows = [
        GridRow(name, shortened(name, label_width - 16), header + index * cell_height, placements, visited)
        for index, (name, placements, visited) in enumerate(histories)
    ]
    marks = [
        Mark(label_width + column * cell_width + cell_width / 2, header - 8, str(year))
        for column, year in enumerate(years)
    ]
    return TierGrid(
        width=label_width + len(years) * cell_width + 4,
        height=header + len(rows) * cell_height + 4,
        cell_width=cell_width,
        cell_height=cell_height,
        label_width=label_width,
        years=marks,
        report_years=years,
        rows=rows,
    )


def shortened(text: str, width: float) -> str:
    """Text too long for ``width`` (at 13px) ends with an ellipsis (the table beside the chart has it whole)."""
    fits = int(width / CHAR_WIDTH)
    return text if len(text) <= fits else text[: fits - 1].rstrip(" ,") + "…"


#: The width of an average character of chart text at 13px, for fitting labels.
CHAR_WIDTH = 7.2
#: The width of a digit of a column's value (12px, bold), for knowing when they would run into each other.
BOLD_CHAR_WIDTH = 7.4


def nice_ticks(largest: float, most: int = 4) -> list[float]:
    """Round axis values from 0 up to at least ``largest``: steps of 1, 2 or 5 times a power of ten."""
    if largest <= 0:
        return [0, 1]
    rough = largest / most
    power = 10 ** math.floor(math.log10(rough))
    step = next(power * factor for factor in (1, 2, 5, 10) if power * factor >= rough)
    if step < 1 and largest >= 1:
        step = 1
    count = math.ceil(largest / step - 1e-9)
    return [round(index * step, 6) for index in range(count + 1)]


@dataclass(frozen=True)
class ColumnPoint:
    """One column: its value, where it links, its label under the axis, an optional second line (a year) and
    what it stands for in full (for its tooltip and the table)."""

    label: str
    value: float
    link: str | None
    sublabel: str = ""
    title: str = ""


@dataclass(frozen=True)
class Column:
    point: ColumnPoint
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass
class ColumnChart:
    """Vertical columns along a time axis, each with its value written above it."""

    width: float
    height: float
    left: float
    right: float
    baseline: float
    columns: list[Column]
    ticks: list[Mark]
    #: The values above the columns are written smaller: at the usual size the widest is wider than a column's slot.
    compact_values: bool = False


def column_chart(points: Sequence[ColumnPoint]) -> ColumnChart:
    """Columns for ``points``, left to right, on a value axis from 0 with round gridlines."""
    width, right, top, plot_height = 400.0, 382.0, 22.0, 150.0
    tick_values = nice_ticks(max((point.value for point in points), default=0))
    tick_labels = [f"{value:g}" for value in tick_values]
    # The value axis's labels end 6 left of the plot: it starts right of the widest ("6000" at national scale).
    left = max(30.0, CHAR_WIDTH * max(map(len, tick_labels)) + 8)
    baseline = top + plot_height
    slot = (right - left) / max(1, len(points))
    columns = []
    for index, point in enumerate(points):
        height = plot_height * point.value / tick_values[-1]
        columns.append(Column(point, left + index * slot + slot * 0.15, baseline - height, slot * 0.7, height))
    ticks = [Mark(left - 6, baseline - plot_height * value / tick_values[-1], label)
             for value, label in zip(tick_values, tick_labels)]  # fmt: skip
    widest_value = max((len(str(point.value)) for point in points), default=0)
    compact = widest_value * BOLD_CHAR_WIDTH > slot - 2
    return ColumnChart(width, baseline + 42, left, right, baseline, columns, ticks, compact)
