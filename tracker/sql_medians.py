"""Medians per group in one SQL query, the same on SQLite and PostgreSQL.

SQLite has no percentile function, so the median is read off window functions, which both databases have:
rank each group's values, count them, and average the middle row (odd count) or the two middle rows (even).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from tracker.extensions import db


def medians(values: Select[Any]) -> dict[Any, float]:
    """The median of the last column of ``values`` for each group given by its other columns.

    Keys are the group's value (one group column), a tuple (several), or ``()`` for the whole selection (none).
    Rows whose value is NULL are left out; a group with no value has no key.
    """
    inner = values.subquery("grouped_values")
    *groups, value = inner.c
    window: dict[str, Any] = {"partition_by": groups} if groups else {}
    ranked = (
        select(
            *groups,
            value.label("value"),
            func.row_number().over(order_by=value, **window).label("position"),
            func.count().over(**window).label("total"),
        )
        .where(value.is_not(None))
        .subquery("ranked")
    )
    keys = [ranked.c[group.name] for group in groups]
    middle = ranked.c.position.in_([(ranked.c.total + 1) // 2, (ranked.c.total + 2) // 2])
    query = select(*keys, func.avg(ranked.c.value)).where(middle)
    if keys:
        query = query.group_by(*keys)
    found = {}
    for *key, median in db.session.execute(query):
        if median is not None:
            found[key[0] if len(key) == 1 else tuple(key)] = float(median)
    return found
