"""The benchmark's view into a request (``TRACKER_BENCH=1``, set by ``make bench`` only; never in production).

Each response says how many SQL statements it ran (``X-Query-Count``); asked with an ``X-Bench-Statements``
header, the response is those statements with their parameters instead (pickled, for the benchmark on
loopback to replay through the DB-API, so that the page's time shows beside its raw SQL's time).
"""

from __future__ import annotations

import pickle

import sqlalchemy as sa
from flask import Flask, Response, g, has_request_context, request


def install(app: Flask) -> None:
    def record(conn: object, cursor: object, statement: str, parameters: object, context: object, many: bool) -> None:
        if has_request_context():
            g.setdefault("bench_statements", []).append((statement, parameters, many))

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)

    @app.after_request
    def report(response: Response) -> Response:
        statements = g.get("bench_statements", [])
        if request.headers.get("X-Bench-Statements"):
            response = Response(pickle.dumps(statements), mimetype="application/octet-stream")
        response.headers["X-Query-Count"] = str(len(statements))
        return response
