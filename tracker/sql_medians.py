"""Medians per group from counted values (a histogram), the same on SQLite and PostgreSQL.

The follow-up summary keeps how many requests took each number of days, not the requests, and the same counts by
bands of values. A group's median is read off the running count, as the value at the middle position (odd count)
or the mean of the two middle ones: the band totals (one query) say which band holds the middle and how many come
before it, then only the values of the bands that hold the groups' middles are read (another, one range of values:
the middles lie close together), not every value of every group. Reading the middle in
Python rather than with window functions keeps it to one pass over a few rows per group, which SQLite's window
functions took several times longer to sort and number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select

from tracker.database import written_in
from tracker.extensions import db


@dataclass(frozen=True)
class _Middle:
    """Where a group's middle lies: the values ``low`` to ``high`` hold it, ``before`` counted below them."""

    total: int
    before: int
    low: int
    high: int


#: The key of the median of every group's values together (``medians_of_counts(overall=True)``).
OVERALL = object()


def medians_of_counts(bands: Select[Any], histogram: Select[Any], value: ColumnElement[Any],
                      band_width: int, *, overall: bool = False) -> dict[Any, float]:
    """The median for each group of ``histogram``, whose rows are (group columns..., ``value``, how many);
    ``bands`` has the same rows with the value's band (value / ``band_width``, as SQL divides integers: towards
    zero) for the value.

    Keys are the group's value (one group column), a tuple (several), or ``()`` for the whole selection (none).
    Rows whose value is NULL are left out; a group counting nothing has no key. ``overall``: also the median of
    all the groups' values together, under ``OVERALL``, from the same rows (it lies between the groups' middles,
    so among the values read for them), rather than two more queries.
    """
    banded = _counted(bands, overall)
    middles = {key: _middle(counts, band_width) for key, counts in banded.items()}
    # The middles lie close together (a few bands of every group): one range of values, each group's kept apart.
    # Read even when there is none (an empty range), so that a page runs the same queries whatever its data.
    low = min((middle.low for middle in middles.values()), default=0)
    high = max((middle.high for middle in middles.values()), default=-1)
    found = {}
    for key, counts in _counted(histogram.where(value.between(written_in(low), written_in(high))), overall).items():
        middle = middles.get(key)
        if middle is not None:
            found[key] = _median(sorted(pair for pair in counts if middle.low <= pair[0] <= middle.high), middle)
    return found


def _counted(histogram: Select[Any], overall: bool = False) -> dict[Any, list[tuple[Any, int]]]:
    counted: dict[Any, list[tuple[Any, int]]] = defaultdict(list)
    together: dict[Any, int] = defaultdict(int)
    # Plain rows, not ORM ones, fetched at once: thousands of them for a median per country.
    rows = db.session.connection().execute(histogram).all()
    groups = len(rows[0]) - 2 if rows else 0
    for row in rows:
        value, number = row[-2], row[-1]
        if value is not None and number:
            counted[row[0] if groups == 1 else tuple(row[:groups])].append((value, number))
            if overall:
                together[value] += number
    if together:
        counted[OVERALL] = list(together.items())
    return counted


def _positions(total: int) -> list[int]:
    """The middle positions of ``total`` values counted from 1: one (odd total) or two (even)."""
    return [(total + 1) // 2, (total + 2) // 2]


def _middle(bands: list[tuple[int, int]], width: int) -> _Middle:
    """The bands that hold a group's middle, from (band, how many) pairs, as the values they span."""
    bands.sort()
    total = sum(number for _, number in bands)
    first, last = _positions(total)
    upto, before, low, high = 0, 0, None, None
    for band, number in bands:
        if low is None and upto + number >= first:
            low, before = band, upto
        if upto + number >= last:
            high = band
            break
        upto += number
    assert low is not None and high is not None
    # A band n spans the values that SQL's integer division takes to n: n * width up to n * width + width - 1,
    # and band 0 also -width + 1 to -1 (division goes towards zero).
    return _Middle(total, before, low * width - (width - 1 if low <= 0 else 0),
                   high * width + (width - 1 if high >= 0 else 0))


def _median(values: list[tuple[Any, int]], middle: _Middle) -> float:
    """The median of sorted (value, how many) pairs that hold the middle, ``middle.before`` values counted below."""
    positions = [position - middle.before for position in _positions(middle.total)]
    found: list[Any] = []
    upto = 0
    for value, number in values:
        upto += number
        while positions and positions[0] <= upto:
            found.append(value)
            positions.pop(0)
    return float(sum(found)) / len(found)
