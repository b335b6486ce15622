"""Dates in SQL, the same on SQLite and PostgreSQL: a UTC timestamp's date in the centre's time zone.

Each construct says how to write it for the two databases the tracker supports and refuses any other
(a compile error naming the construct), so that no figure is silently computed another way.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

#: The SQLite function (registered on each connection by tracker.database) behind local_date.
SQLITE_LOCAL_DATE = "tracker_local_date"


class local_date(FunctionElement[Any]):  # noqa: N801  (SQL functions read as lower case)
    """The date, in the centre's time zone, of a UTC timestamp column."""

    type = sa.Date()
    inherit_cache = True

    def __init__(self, timestamp: Any) -> None:
        super().__init__(timestamp, sa.literal(current_app.config["TIMEZONE"]))


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_LOCAL_DATE}({compiler.process(element.clauses, **kw)})"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    timestamp, zone = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(timezone({zone}, timezone('UTC', {timestamp})) AS DATE)"


@compiles(local_date)
def _unsupported(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"{type(element).__name__}() is written for SQLite and PostgreSQL only")


def sqlite_local_date(stored: str | None, zone: str) -> str | None:
    """SQLite's half of local_date: SQLite has no time zones, so Python converts (stored naive UTC).

    Called for every row an aggregate reads (several times per request on the health page), so the dates are
    worked out once per UTC hour and a call only compares the minutes and seconds; an hour in which the zone's
    offset changes is converted the long way.
    """
    if stored is None:
        return None
    hour = _local_dates_in_hour(stored[:13], zone)
    if hour is None:
        return datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date().isoformat()
    before, changes_at, after = hour
    return after if stored[14:] >= changes_at else before


#: UTC hours remembered; a scan reads rows in roughly the order they were written, so recent hours repeat.
_HOURS_CACHED = 16384


@lru_cache(maxsize=_HOURS_CACHED)
def _local_dates_in_hour(hour: str, zone: str) -> tuple[str, str, str] | None:
    """For the UTC hour ``hour`` ("YYYY-MM-DD HH"): the local date at its start, the "MM:SS" at which the local
    date changes ("60:00": it does not) and the local date from then; None if the zone's offset changes in it."""
    start = datetime.fromisoformat(f"{hour}:00").replace(tzinfo=UTC)
    local = ZoneInfo(zone)
    offset = start.astimezone(local).utcoffset()
    if offset is None or offset != (start + timedelta(hours=1, microseconds=-1)).astimezone(local).utcoffset():
        return None
    first = (start + offset).date()
    midnight = datetime.combine(first + timedelta(days=1), time(), UTC) - offset
    if midnight - start >= timedelta(hours=1):
        return first.isoformat(), "60:00", first.isoformat()
    return first.isoformat(), midnight.strftime("%M:%S"), (first + timedelta(days=1)).isoformat()
