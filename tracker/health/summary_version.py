"""Figures read from the follow-up summary, kept by each worker until the summary changes.

The heaviest pages (the dashboard, the health page, the countries comparison, a country page) read the same
figures on every view, and the figures change only when the data they count does. Each worker keeps the latest
``KEPT`` results of the functions marked ``@kept_until_changed``, under the summary's version: a number in
``follow_up_counts_zone`` that database triggers replace in the same transaction as any change to what the
figures read (the summary, the tier placements, the countries), whoever writes it (the app, a bulk load, a fix in
psql). A page reads the version in the query that already checks the summary's zone, so a page whose figures are
kept runs that one query for them instead of five to nine.

The version is replaced by a random number, not counted up: a database put back from a backup, or emptied and
filled again (the tests), never meets a version of other figures it had before.

A transaction that changes what the figures read sees a version of its own (the triggers' new one, uncommitted):
it reads its own figures, and those it keeps are never found by another transaction, even if it is rolled back.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app
from sqlalchemy import Connection

from tracker import sql_triggers
from tracker.health.summary_triggers import ensure_counted
from tracker.sql_triggers import Trigger

#: How many results a worker keeps (the latest used). The largest, every country compared with their visit years
#: (the tier grid) at national scale, takes about 0.9 MB; the health page by country 0.1 MB, a country page's 5 KB.
KEPT = 16
#: The tables whose rows the kept figures count or name.
WATCHED = ("follow_up_counts", "tier_placements", "countries")

P = ParamSpec("P")
R = TypeVar("R")


def kept_until_changed(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` (of hashable arguments, reading the summary) answered from this worker's kept results while the
    summary's version stays the same. Makes sure the summary is counted first (``ensure_counted``)."""

    @functools.wraps(function)
    def kept(*args: P.args, **kwargs: P.kwargs) -> R:
        version = ensure_counted()
        results: _Results = current_app.extensions["tracker.kept_figures"]
        key = (function, args, tuple(sorted(kwargs.items())))
        return results.get(version, key, lambda: function(*args, **kwargs))

    return kept


class _Results:
    """The latest ``KEPT`` results of one version, by key; the worker's threads share them. Another version lets
    them all go: no request will ask for an older version again (but one whose snapshot began before the change,
    which works its figures out)."""

    def __init__(self) -> None:
        self._version: int | None = None
        self._results: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._results)

    def get(self, version: int, key: Any, work_out: Callable[[], Any]) -> Any:
        with self._lock:
            if version != self._version:
                self._version = version
                self._results.clear()
            elif key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        # Worked out outside the lock: two threads may both work out a result, and either is right.
        found = work_out()
        with self._lock:
            if version == self._version:
                self._results[key] = found
                while len(self._results) > KEPT:
                    self._results.popitem(last=False)
        return found


def init_app(app: Flask) -> None:
    app.extensions["tracker.kept_figures"] = _Results()


def _replaced(dialect: str) -> str:
    """The statement that gives the summary a new version (SQLite's random() is 64 bits; PostgreSQL's a fraction)."""
    if dialect == "sqlite":
        return "UPDATE follow_up_counts_zone SET version = random() WHERE id = 1"
    if dialect == "postgresql":
        return "UPDATE follow_up_counts_zone SET version = (random() * 4611686018427387904)::bigint WHERE id = 1"
    raise NotImplementedError(f"no summary version written for {dialect}")


def triggers(dialect: str) -> list[Trigger]:
    """A new version after every change to the watched tables: on PostgreSQL once per statement (a bulk write or a
    trigger's write to the summary is one), on SQLite, which has no statement triggers, once per row."""
    replaced = (_replaced(dialect),)
    if dialect == "postgresql":
        return [Trigger(f"{table}_version", table, "AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE", replaced,
                        per_statement=True) for table in WATCHED]  # fmt: skip
    return [Trigger(f"{table}_version_{event.lower()}", table, f"AFTER {event}", replaced)
            for table in WATCHED for event in ("INSERT", "UPDATE", "DELETE")]  # fmt: skip


def create_triggers(connection: Connection) -> None:
    sql_triggers.create_triggers(connection, triggers(connection.dialect.name))


def drop_triggers(connection: Connection) -> None:
    sql_triggers.drop_triggers(connection, triggers(connection.dialect.name))


def replace_version(connection: Connection) -> None:
    """A new version without the triggers (after a bulk load, which turns them off)."""
    connection.exec_driver_sql(_replaced(connection.dialect.name))
