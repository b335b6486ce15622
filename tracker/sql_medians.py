"""Medians per group from counted values (a histogram), the same on SQLite and PostgreSQL.

The follow-up summary keeps how many requests took each number of days, not the requests: the database sums the
counts per group and value (one query), and a group's median is read off the running count, as the value at the
middle position (odd count) or the mean of the two middle ones. Reading the middle in Python rather than with
window functions keeps it to one pass over a few thousand rows, which SQLite's window functions took several
times longer to sort and number.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Select

from tracker.extensions import db


def medians_of_counts(histogram: Select[Any]) -> dict[Any, float]:
    """The median for each group of ``histogram``, whose rows are (group columns..., value, how many).

    Keys are the group's value (one group column), a tuple (several), or ``()`` for the whole selection (none).
    Rows whose value is NULL are left out; a group counting nothing has no key.
    """
    counted: dict[Any, list[tuple[Any, int]]] = defaultdict(list)
    for *group, value, number in db.session.execute(histogram):
        if value is not None and number:
            counted[group[0] if len(group) == 1 else tuple(group)].append((value, number))
    return {key: _median(sorted(values)) for key, values in counted.items()}


def _median(values: list[tuple[Any, int]]) -> float:
    """The median of sorted (value, how many) pairs: the values at positions (total + 1) // 2 and (total + 2) // 2."""
    total = sum(number for _, number in values)
    positions = [(total + 1) // 2, (total + 2) // 2]
    middle: list[Any] = []
    upto = 0
    for value, number in values:
        upto += number
        while positions and positions[0] <= upto:
            middle.append(value)
            positions.pop(0)
    return float(sum(middle)) / len(middle)
