"""Dates in SQL, the same on SQLite and PostgreSQL: a UTC timestamp's date in the centre's time zone, and
the days between two dates.

Each construct says how to write it for the two databases the tracker supports and refuses any other
(a compile error naming the construct), so that no figure is silently computed another way.
"""

from __future__ import annotations

from datetime import UTC, datetime
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


class days_between(FunctionElement[Any]):  # noqa: N801
    """Whole days from the second date to the first."""

    type = sa.Integer()
    inherit_cache = True


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_LOCAL_DATE}({compiler.process(element.clauses, **kw)})"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    timestamp, zone = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(timezone({zone}, timezone('UTC', {timestamp})) AS DATE)"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(local_date)
@compiles(days_between)
def _unsupported(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"{type(element).__name__}() is written for SQLite and PostgreSQL only")


def sqlite_local_date(stored: str | None, zone: str) -> str | None:
    """SQLite's half of local_date: SQLite has no time zones, so Python converts (stored naive UTC)."""
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()
