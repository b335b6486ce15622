"""URL converters: ids in URLs stay within the database's integer range, so a huge id is a 404, not an error."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

#: PostgreSQL's INTEGER (and SQLite's rowid is wider): larger ids cannot exist.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
