"""Per-connection SQLite settings (foreign keys enforced, WAL so readers never block the writer, a busy timeout,
the time-zone function SQLite lacks: see tracker.sql_dates), and the few statements whose SQL differs between
SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import ColumnElement, event, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from tracker.extensions import db
from tracker.sql_dates import SQLITE_LOCAL_DATE, sqlite_local_date


@event.listens_for(Engine, "connect")
def configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.create_function(SQLITE_LOCAL_DATE, 2, sqlite_local_date, deterministic=True)


def insert_ignoring_duplicates(model: type[Any], *unique_columns: str) -> Any:
    """``INSERT … ON CONFLICT (unique_columns) DO NOTHING``, written out for each database we support."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=list(unique_columns))
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing(index_elements=list(unique_columns))
    raise NotImplementedError(f"no conflict-ignoring insert written for {dialect}")


def written_in(value: Any) -> ColumnElement[Any]:
    """``value`` written into the statement's SQL rather than bound as a parameter.

    For a value that decides how many rows a statement reads, like a range of days or which of the summary's
    measures. PostgreSQL plans a prepared statement once for any parameters after a few runs (a generic plan, see
    tracker.read_transactions), estimating such a parameter blind: the follow-up days of a region in a year
    took 7 ms by a hash join rather than 1 ms by index lookups. Written in, the value is in the plan's estimates.
    A statement then has a text (and a prepared plan) for each value, so this is for values that take few."""
    return literal(value, literal_execute=True)
