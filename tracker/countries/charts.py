"""Tier charts as geometry for server-rendered SVG (templates/countries/_*_chart.html): no script, no library.

Position carries the meaning (a row per tier, a column per report year) and every mark also has a
short text code, so colour only repeats what is written; the colours are the Okabe–Ito palette, which
stays distinct for the common kinds of colour blindness. Each chart is shown beside a table of the same
numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.models import Tier

#: Okabe–Ito colours, dark enough for black text and light enough for a dark outline.
COLOURS = {
    Tier.TIER_1: "#009E73",
    Tier.TIER_2: "#56B4E9",
    Tier.TIER_2_WATCH_LIST: "#E69F00",
    Tier.TIER_3: "#D55E00",
    Tier.SPECIAL_CASE: "#CC79A7",
    Tier.NOT_RATED: "#D9D9D9",
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


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    year: int
    tier: Tier | None
    visited: bool

    @property
    def colour(self) -> str:
        return COLOURS[self.tier] if self.tier else "#FFFFFF"

    @property
    def code(self) -> str:
        return CODES[self.tier] if self.tier else ""


@dataclass
class GridRow:
    name: str
    #: The name as the chart shows it (shortened to fit).
    label: str
    y: float
    cells: list[Cell] = field(default_factory=list)


@dataclass
class TierGrid:
    """Several countries' tiers year by year: a row per country, a cell per report year."""

    width: float
    height: float
    cell_width: float
    cell_height: float
    label_width: float
    years: list[Mark]
    rows: list[GridRow]


def tier_grid(histories: list[tuple[str, dict[int, Tier], set[int]]], first_year: int, last_year: int) -> TierGrid:
    """The grid for (country name, placements by year, visit years) rows, report years in columns."""
    cell_width, cell_height, header = 30.0, 24.0, 44.0
    longest = max((len(name) for name, _, _ in histories), default=10)
    label_width = min(260.0, 7.2 * longest + 16)
    years = list(range(first_year, last_year + 1))
    rows = []
    for index, (name, placements, visited) in enumerate(histories):
        row = GridRow(name, _shortened(name, label_width), header + index * cell_height)
        for column, year in enumerate(years):
            x = label_width + column * cell_width
            row.cells.append(Cell(x, row.y, year, placements.get(year), year in visited))
        rows.append(row)
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
        rows=rows,
    )


def _shortened(name: str, width: float) -> str:
    """Names too long for the label column end with an ellipsis (the table beside the chart has them whole)."""
    fits = int((width - 16) / 7.2)
    return name if len(name) <= fits else name[: fits - 1].rstrip(" ,") + "…"
