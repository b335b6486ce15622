"""A request id for every request, so that what a person reports can be found in the logs.

A proxy's ``X-Request-Id`` is kept when it looks like an id (so the proxy's logs and ours agree); otherwise one is
made here. It goes back on every response, on every log record written while the request is handled, and on the
error pages.

The records are stamped by the log record factory rather than a ``logging.Filter``: a filter sees only the records
of the logger or handler it is attached to (not those of child loggers such as ``tracker.errors``, nor handlers a
WSGI server or a test adds), while the factory makes every record, whoever logs it and wherever it goes.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-Id"
#: What an incoming id may look like: UUIDs, hex, base64, "Root=1-5e1b-…" (at most 128 characters).
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")
#: The log record attribute (``%(request_id)s`` in a log format); "-" outside a request.
RECORD_ATTRIBUTE = "request_id"


def request_id() -> str:
    """This request's id, taken from the proxy's header or made on first use."""
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _SANE_ID.fullmatch(incoming) else secrets.token_hex(8)
    return str(g.request_id)


def _stamping(make_record: Any) -> Any:
    def make_stamped_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        setattr(record, RECORD_ATTRIBUTE, request_id() if has_request_context() else "-")
        return record

    make_stamped_record.stamps_request_id = True  # type: ignore[attr-defined]
    return make_stamped_record


def init_app(app: Flask) -> None:
    """Send the id back on every response, offer it to templates; stamp log records (once per process, however
    many apps are built)."""
    app.jinja_env.globals["request_id"] = request_id
    if not getattr(logging.getLogRecordFactory(), "stamps_request_id", False):
        logging.setLogRecordFactory(_stamping(logging.getLogRecordFactory()))

    @app.after_request
    def send_request_id(response: Response) -> Response:
        response.headers[HEADER] = request_id()
        return response
