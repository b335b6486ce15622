"""A request that only read ends its transaction with COMMIT rather than ROLLBACK.

Both end a transaction that wrote nothing the same way, but psycopg deallocates every prepared statement on
ROLLBACK, and Flask-SQLAlchemy ends each request with one (``session.remove()``). PostgreSQL then parses and plans
each page's statements again on every request (2–3 ms on the heaviest pages at national scale). After a COMMIT
psycopg keeps them: a statement run five times is prepared, and later requests only bind and execute it.

A transaction counts as read-only until a statement that may write runs on its connection (an ORM flush, Core
INSERT, UPDATE or DELETE, DDL, or SQL text that is not a SELECT), and only while the session holds no unflushed
change, which a COMMIT would flush. Anything else, and any request that failed, is left to the rollback as before
(Flask-SQLAlchemy's, when the app context ends).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from tracker.extensions import db

#: Key in ``Connection.info`` (kept with the pooled connection): a statement of the open transaction may have written.
MAY_HAVE_WRITTEN = "tracker.may_have_written"

#: Methods that change nothing (RFC 9110 §9.2.1); the others keep the rollback even when they happen to only read.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "begin")
def _start_read_only(connection: Connection) -> None:
    connection.info[MAY_HAVE_WRITTEN] = False


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(
    connection: Connection, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    if context.isinsert or context.isupdate or context.isdelete or context.isddl or (
        context.is_text and statement.lstrip()[:6].upper() != "SELECT"
    ):
        connection.info[MAY_HAVE_WRITTEN] = True


def commit_read_only_transaction(response: Response) -> Response:
    """After a safe request that succeeded: end its read-only transaction with COMMIT (see the module's docstring).
    A failed request's error page (5xx) keeps the rollback: its transaction may be the one that failed."""
    session = db.session()
    if request.method in SAFE_METHODS and response.status_code < 500 and _only_read(session):
        session.commit()
    return response


def _only_read(session: Session) -> bool:
    if not session.in_transaction() or session.new or session.dirty or session.deleted or not session.is_active:
        return False
    return not session.connection().info.get(MAY_HAVE_WRITTEN, True)


def init_app(app: Flask) -> None:
    app.after_request(commit_read_only_transaction)
