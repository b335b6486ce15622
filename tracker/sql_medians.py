"""Medians per group from counted values (a histogram), in one SQL query, the same on SQLite and PostgreSQL.

The follow-up summary keeps how many requests took each number of days, not the requests: a group's median is
read off the running count, as the value at the middle position (odd count) or the mean of the two middle ones.
Window functions, which both databases have, give the running count; the summary's few rows per group keep it
cheap.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, Select, and_, cast, func, or_, select

from tracker.extensions import db


def medians_of_counts(histogram: Select[Any]) -> dict[Any, float]:
    """The median for each group of ``histogram``, whose rows are (group columns..., value, how many).

    Keys are the group's value (one group column), a tuple (several), or ``()`` for the whole selection (none).
    Rows whose value is NULL are left out; a group counting nothing has no key.
    """
    inner = histogram.subquery("histogram")
    *groups, value, number = inner.c
    window: dict[str, Any] = {"partition_by": groups} if groups else {}
    counted = (
        select(
            *groups,
            value.label("value"),
            number.label("number"),
            cast(func.sum(number).over(order_by=value, **window), Integer).label("upto"),
            cast(func.sum(number).over(**window), Integer).label("total"),
        )
        .where(value.is_not(None))
        .subquery("counted")
    )
    keys = [counted.c[group.name] for group in groups]
    # The values at positions (total + 1) // 2 and (total + 2) // 2: each falls in the row that counts up to it.
    middle = [
        and_(counted.c.upto - counted.c.number < position, position <= counted.c.upto)
        for position in ((counted.c.total + 1) // 2, (counted.c.total + 2) // 2)
    ]
    query = select(*keys, func.avg(counted.c.value)).where(counted.c.number > 0, or_(*middle))
    if keys:
        query = query.group_by(*keys)
    found = {}
    for *key, median in db.session.execute(query):
        if median is not None:
            found[key[0] if len(key) == 1 else tuple(key)] = float(median)
    return found
