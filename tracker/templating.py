"""Jinja filters and globals: dates in the centre's time zone, pagination links, enum labels."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

from flask import Flask, request, url_for

from tracker.clock import centre_zone, today
from tracker.languages import language_name
from tracker.routing import id_urls


@functools.lru_cache(maxsize=4096)
def format_date(value: date | None) -> str:
    """Kept for the dates seen last: a planner pass writes tens of thousands of dates into reminders, most of them
    the same few hundred, and ``strftime`` takes two microseconds a call."""
    return value.strftime("%-d %b %Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(centre_zone())
    return local.strftime("%-d %b %Y %H:%M")


def query_arguments() -> dict[str, str]:
    """This page's query arguments that are filters, to pass on to url_for: not those url_for would take for its
    own ("endpoint", "_external", "_scheme"…) nor the page's address parts ("visit_id"), which raised (a server
    error for any "?endpoint=x")."""
    view_args = request.view_args or {}
    return {
        key: value for key, value in request.args.items()
        if key != "endpoint" and not key.startswith("_") and key not in view_args
    }


def url_with(**changes: Any) -> str:
    """This page's URL with some query arguments changed, None removing one (pagination keeps the filters)."""
    arguments = query_arguments()
    arguments.update({key: str(value) for key, value in changes.items() if value is not None})
    for key in [key for key, value in changes.items() if value is None]:
        arguments.pop(key, None)
    return url_for(request.endpoint or "dashboard.home", **(request.view_args or {}), **arguments)


def configure_templates(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["language"] = language_name
    app.jinja_env.globals["url_with"] = url_with
    app.jinja_env.globals["query_arguments"] = query_arguments
    app.jinja_env.globals["today"] = today
    app.jinja_env.globals["id_urls"] = id_urls
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
