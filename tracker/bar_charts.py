"""Horizontal bar charts (the follow-up health charts): their geometry, and their repetitive markup written here.

The template (templates/_charts.html ``bar_chart`` and ``bar_table``) draws the frame, legend and axis; the bars,
the layer of links over them and the table rows are written by ``BarChart.bars_svg``, ``links_svg`` and
``table_rows``: by country a chart has 250 bars, which Jinja took tens of milliseconds to write an expression at
a time. The markup is the same, character for character, as the template wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from tracker.charts import CHAR_WIDTH, Mark, nice_ticks, shortened


@dataclass(frozen=True)
class Series:
    """One kind of bar segment: its name in the legend, its colour and its fill pattern (``solid``,
    ``stripes``, ``dots`` or ``crosshatch``), so that colour is never the only cue."""

    key: str
    label: str
    colour: str
    pattern: str = "solid"


@dataclass(frozen=True)
class BarRow:
    """What one bar shows: a value per series (stacked in order), where each segment links, and a note."""

    label: str
    #: None for a value that does not exist (a median of nothing): no segment, a dash in the table.
    values: Sequence[float | None]
    links: Sequence[str | None]
    #: Written beside the label, e.g. "71% on time, of 17".
    note: str = ""


@dataclass(slots=True)
class Segment:
    """A bar's segment as the markup writes it (worked out once for the bars, the links over them and the table:
    a link was escaped twice, a coordinate written twice)."""

    series: Series
    #: The value as written: a number, or a dash for none.
    text: str
    valued: bool
    #: Its left and width as written; not drawn without a width.
    x: str
    width: str
    drawn: bool
    #: Where its value is written in the bar; None when the value does not fit.
    middle: str | None
    #: Its link, escaped.
    href: str | None


@dataclass(slots=True)
class Bar:
    """A bar as the markup writes it: its label (whole for the table and tooltips, shortened to fit beside the
    note for the chart) and note escaped, the top of its label line, of the bar, and of its values as text."""

    label: str
    short_label: str
    note: str
    label_y: str
    y: str
    text_y: str
    segments: list[Segment]


@dataclass(frozen=True)
class Legend:
    series: Series
    x: float


@dataclass
class BarChart:
    """Horizontal bars, a label and a note above each, stacked segments, a value axis below."""

    width: float
    height: float
    left: float
    right: float
    bar_height: float
    label_height: float
    top: float
    axis_y: float
    bars: list[Bar]
    ticks: list[Mark]
    series: Sequence[Series]
    #: Shown when there is more than one series.
    legend: list[Legend]

    def bars_svg(self, fills: dict[str, str]) -> Markup:
        """Each bar's label and note, then its segments (``fills`` by series key), each with its value when it fits.
        A segment's text is a number (or a dash): nothing in it to escape."""
        fills = {key: escape(fill) for key, fill in fills.items()}
        label = f'    <text class="bar-label" x="{self.left}" y="'
        note = f'    <text class="bar-note" x="{self.right}" y="'
        height = f'" height="{self.bar_height}" fill="'
        parts = []
        for bar in self.bars:
            parts.append(f'{label}{bar.label_y}">{bar.short_label}</text>\n'
                         f'{note}{bar.label_y}" text-anchor="end">{bar.note}</text>\n')
            for segment in bar.segments:
                if not segment.drawn:
                    continue
                parts.append(f'    <rect class="segment" x="{segment.x}" y="{bar.y}" width="{segment.width}'
                             f'{height}{fills[segment.series.key]}"/>\n')
                if segment.middle is not None:
                    parts.append(f'<text class="segment-value" x="{segment.middle}" y="{bar.text_y}" '
                                 f'text-anchor="middle">{segment.text}</text>')
        return Markup("".join(parts))

    def links_svg(self) -> Markup:
        """The layer of links over the bars: one per segment that links, its tooltip saying what it counts."""
        height = f'" height="{self.bar_height}"><title>'
        lowered = {item.key: escape(item.label.lower()) for item in self.series}
        parts = []
        for bar in self.bars:
            for segment in bar.segments:
                if segment.href and segment.drawn:
                    parts.append(f'    <a href="{segment.href}" tabindex="-1"><rect class="hit" x="{segment.x}" '
                                 f'y="{bar.y}" width="{segment.width}{height}{bar.label}: {segment.text} '
                                 f"{lowered[segment.series.key]}</title></rect></a>\n\n")
        return Markup("".join(parts))

    def table_rows(self) -> Markup:
        """The chart's numbers as table rows: a row per bar, a cell per series (a link where it counts a list),
        then the note."""
        parts = []
        for bar in self.bars:
            parts.append(f'      <tr><th scope="row">{bar.label}</th>\n')
            for segment in bar.segments:
                if segment.href and segment.valued:
                    parts.append(f'<td class="num"><a href="{segment.href}">{segment.text}</a></td>')
                else:
                    parts.append(f'<td class="num">{segment.text}</td>')
            parts.append(f'        <td class="num">{bar.note}</td></tr>\n')
        return Markup("".join(parts))


def bar_chart(rows: Sequence[BarRow], series: Sequence[Series], *, as_shares: bool = False) -> BarChart:
    """Bars for ``rows``: each scaled to the largest total, or with ``as_shares`` each to its own total (100%)."""
    width, left, right, bar_height, label_height, gap = 400.0, 2.0, 396.0, 20.0, 19.0, 12.0
    legend, x = [], left
    for item in series if len(series) > 1 else ():
        legend.append(Legend(item, x))
        x += 26 + CHAR_WIDTH * len(item.label) + 14
    top = 30.0 if legend else 6.0
    totals = [sum(value or 0 for value in row.values) for row in rows]
    largest = max(totals, default=0)
    tick_values = [0, 0.5, 1] if as_shares else nice_ticks(largest)
    scale_top = tick_values[-1]
    bars = []
    for index, (row, total) in enumerate(zip(rows, totals)):
        full = (total or 1) if as_shares else scale_top
        y, offset, segments = top + index * (label_height + bar_height + gap), left, []
        for item, value, link in zip(series, row.values, row.links):
            span = (right - left) * (value or 0) / full
            text = "—" if value is None else f"{value:g}"
            fits = bool(value) and span >= CHAR_WIDTH * len(text) + 8
            segments.append(Segment(item, text, value is not None, repr(offset), repr(span), span > 0,
                                    repr(offset + span / 2) if fits else None, escape(link) if link else None))
            offset += span
        room = right - left - CHAR_WIDTH * len(row.note) - 12
        label, short_label = escape(row.label), shortened(row.label, room)
        bars.append(Bar(label, label if short_label == row.label else escape(short_label), escape(row.note),
                        repr(y + 14), repr(y + label_height), repr(y + label_height + bar_height / 2 + 4.5), segments))
    axis_y = top + len(rows) * (label_height + bar_height + gap)
    ticks = [
        Mark(left + (right - left) * value / scale_top, axis_y, f"{value:.0%}" if as_shares else f"{value:g}")
        for value in tick_values
    ]
    return BarChart(
        width, axis_y + 20, left, right, bar_height, label_height, top, axis_y, bars, ticks, series, legend
    )
