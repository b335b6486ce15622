"""Per-connection SQLite settings (foreign keys enforced, WAL so readers never block the writer, a busy timeout,
the time-zone function SQLite lacks: see tracker.sql_dates), and the few statements whose SQL differs between
SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
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
