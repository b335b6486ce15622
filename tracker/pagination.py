"""Pagination of the lists, fast at any size: counts that stop at a cap, and keyset "Next"/"Previous" links.

A list of a million rows cannot count them all, nor skip to row 500,000 with OFFSET, on every view: counting stops
at ``COUNT_CAP`` ("10,000+"), page numbers (``?page=N``) reach as far as the cap, and the Next and
Previous links carry a cursor (``?after=`` / ``?before=``): the sort key of the row they continue from, so the
database starts there from its index however deep the page. A cursor that cannot be read shows the first page.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import BigInteger, ColumnElement, Select, func, literal, literal_column, select, tuple_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from tracker.extensions import db
from tracker.forms import FilterForm

#: Counting stops here: a list shows "10,000+" rather than count a million rows on every view.
COUNT_CAP = 10_000
#: A cursor longer than this is not one the app wrote (the longest sort key is a 200-character title).
MAX_CURSOR_CHARS = 2_000
#: The integers an INTEGER column (False) and a BIGINT column (True) hold, exclusive.
_INT_LIMIT = {False: 2**31, True: 2**63}


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    #: How many rows there are; at least so many when ``more`` (counting stopped there).
    total: int
    has_next: bool
    more: bool = False
    #: The Next and Previous links' cursors (none on a page of numbered pages only, as search's); a Previous of None
    #: on page 2 links to the first page.
    after: str | None = None
    before: str | None = None

    @property
    def pages(self) -> int | None:
        """How many pages there are, when the rows were all counted."""
        return None if self.more else page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill (one, even empty): a page number past it shows the last page."""
    return max(1, math.ceil(total / per_page))


def capped_count(query: Select[Any]) -> int:
    """How many rows ``query`` has, counting no further than one past ``COUNT_CAP`` (without computing its columns:
    a list's per-row subqueries would run for every row counted)."""
    bare = query.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None)
    limited = bare.limit(COUNT_CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(limited)) or 0


class _Key:
    """A list's order as a keyset: its columns, all ascending or all descending, ending with a unique one."""

    def __init__(self, order: Sequence[ColumnElement[Any]]) -> None:
        descending = [isinstance(c, UnaryExpression) and c.modifier is operators.desc_op for c in order]
        if len(set(descending)) != 1:
            raise ValueError("a keyset's columns must all be sorted the same way")
        self.order = list(order)
        self.descending = descending[0]
        self.columns = [c.element if isinstance(c, UnaryExpression) else c for c in order]

    def reversed_order(self) -> list[ColumnElement[Any]]:
        return [c.asc() if self.descending else c.desc() for c in self.columns]

    def beyond(self, values: Sequence[Any], *, backwards: bool) -> ColumnElement[bool]:
        """Rows after ``values`` in the list's order (before them, ``backwards``)."""
        bounds = tuple_(*(literal(v, c.type) for v, c in zip(values, self.columns, strict=True)))
        key = tuple_(*self.columns)
        return key < bounds if self.descending != backwards else key > bounds

    def encode(self, page: int, values: Sequence[Any]) -> str:
        plain = [page, *(v.isoformat() if isinstance(v, date) else v for v in values)]
        return base64.urlsafe_b64encode(json.dumps(plain, ensure_ascii=False).encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[int, list[Any]] | None:
        """The page number and sort key a cursor holds, or None when it is not a cursor of this list."""
        if len(cursor) > MAX_CURSOR_CHARS:
            return None
        try:
            plain = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            page, *raw = plain
            if type(page) is not int or not 1 < page <= 10**9 or len(raw) != len(self.columns):
                return None
            return page, [_typed(value, column) for value, column in zip(raw, self.columns)]
        except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError):
            return None


def _typed(value: Any, column: ColumnElement[Any]) -> Any:
    """A cursor's value as its column's type, within what the database stores; ValueError when it is not one."""
    kind = column.type.python_type
    if kind is datetime:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("naive time")
        return moment.astimezone(UTC)
    if kind is date:
        return date.fromisoformat(value)
    if type(value) is not kind:
        raise ValueError(f"not a {kind.__name__}")
    limit = _INT_LIMIT[isinstance(column.type, BigInteger)]
    if kind is int and not -limit < value < limit:
        raise ValueError("out of range")
    if kind is str and "\x00" in value:
        raise ValueError("NUL")  # PostgreSQL refuses it in text
    return value


def paginate(
    query: Select[Any], order: Sequence[ColumnElement[Any]], filters: FilterForm, *, counted: Select[Any] | None = None,
    scalars: bool = False, indexed: Select[Any] | None = None,
) -> Page:
    """One page of ``query`` in ``order`` (its last column unique, none NULL): the page after or before the cursor
    of the list's ``filters`` when there is one, else their page number (past the end, or the cap: the last page).

    ``counted``: the same rows without the joins that only show them, counted faster (default: ``query``).
    ``indexed``: the same rows found from an index that knows nothing of the order (a text index). When no more
    than ``COUNT_CAP`` are found, their sort keys are all read from that index and the page chosen among them
    here: reading the list's order until a page matches would read every row when few do. When more are, they are
    many enough for the ordered read to meet a page of them soon. With ``indexed`` and no ``counted``, the keys
    read (up to one past the cap) are the count: the same rows are not looked for twice."""
    per_page = current_app.config["PER_PAGE"]
    page, after, before = filters.page_number, filters.cursor_after, filters.cursor_before
    key = _Key(order)
    if indexed is not None:
        total = COUNT_CAP + 1 if counted is None else capped_count(counted)
        if total <= COUNT_CAP or counted is None:
            found_keys = indexed.with_only_columns(*key.columns, maintain_column_froms=True).limit(COUNT_CAP + 1)
            keys = [tuple(row) for row in db.session.execute(found_keys)] if total else []
            if len(keys) <= COUNT_CAP:  # else more than the cap (or rows came meanwhile): the ordered read
                return _page_of_keys(query, key, filters, keys, per_page, scalars=scalars)
            total = len(keys)
    else:
        total = capped_count(query if counted is None else counted)
    if after and (found := key.decode(after)):
        number, values = found
        rows = _rows(query.where(key.beyond(values, backwards=False)), key, per_page)
        return _page(rows, key, number, per_page, total, scalars=scalars)
    if before and (found := key.decode(before)):
        number, values = found
        rows = _rows(query.where(key.beyond(values, backwards=True)), key, per_page, backwards=True)
        if len(rows) > per_page:
            return _page(rows, key, number, per_page, total, scalars=scalars, backwards=True)
        page = 1  # nothing more before these rows: they are the first page
    number = min(page, page_count(min(total, COUNT_CAP), per_page))
    rows = _rows(query, key, per_page, offset=(number - 1) * per_page)
    return _page(rows, key, number, per_page, total, scalars=scalars)


def _page_of_keys(
    query: Select[Any], key: _Key, filters: FilterForm, keys: list[tuple[Any, ...]], per_page: int, *, scalars: bool
) -> Page:
    """``paginate``'s page among all the sort ``keys`` of the list (no more than the cap), chosen as the database
    would choose it: the rows after or before a cursor, else a page number's."""
    if any(column.type.python_type is str for column in key.columns):
        raise ValueError("keys of text are sorted by the database's collation, not Python's")
    keys.sort(reverse=key.descending)
    total = len(keys)
    if filters.cursor_after and (found := key.decode(filters.cursor_after)):
        number, values = found
        start = _count_until(keys, key, values)
        return _page(_chosen(query, key, keys[start:start + per_page + 1]), key, number, per_page, total,
                     scalars=scalars)
    page = filters.page_number
    if filters.cursor_before and (found := key.decode(filters.cursor_before)):
        number, values = found
        end = _count_until(keys, key, values, inclusive=False)
        if end > per_page:
            backwards = keys[end - per_page - 1:end][::-1]
            return _page(_chosen(query, key, backwards, backwards=True), key, number, per_page, total,
                         scalars=scalars, backwards=True)
        page = 1  # nothing more before these rows: they are the first page
    number = min(page, page_count(total, per_page))
    start = (number - 1) * per_page
    return _page(_chosen(query, key, keys[start:start + per_page + 1]), key, number, per_page, total, scalars=scalars)


def _count_until(keys: list[tuple[Any, ...]], key: _Key, values: Sequence[Any], *, inclusive: bool = True) -> int:
    """How many of ``keys`` (in the list's order) come before the cursor's ``values``, and at it when ``inclusive``."""
    bound = tuple(values)
    if key.descending:
        return sum(1 for row in keys if row > bound or (inclusive and row == bound))
    return sum(1 for row in keys if row < bound or (inclusive and row == bound))


def _rows(query: Select[Any], key: _Key, per_page: int, *, offset: int = 0, backwards: bool = False) -> list[Any]:
    """One more row than a page (to know whether another follows), with the sort key's values at the end.

    The page's keys are found first and its rows then read by their unique key: a list's per-row subqueries run
    for the rows shown, not for every row the database sorts (thousands, when many share a date)."""
    order = key.reversed_order() if backwards else key.order
    keys = db.session.execute(
        query.with_only_columns(*key.columns, maintain_column_froms=True)
        .order_by(*order)
        .offset(offset)
        .limit(per_page + 1)
    ).all()
    return _chosen(query, key, keys, backwards=backwards)


def _chosen(query: Select[Any], key: _Key, keys: Sequence[Sequence[Any]], *, backwards: bool = False) -> list[Any]:
    """The rows of ``query`` with these sort ``keys``, in the list's order (reversed, ``backwards``), with the sort
    key's values at the end."""
    if not keys:
        return []
    order = key.reversed_order() if backwards else key.order
    labelled = [column.label(f"_key_{i}") for i, column in enumerate(key.columns)]
    chosen = query.add_columns(*labelled).where(key.columns[-1].in_([row[-1] for row in keys])).order_by(*order)
    return list(db.session.execute(chosen).unique())


def _page(
    rows: list[Any], key: _Key, number: int, per_page: int, total: int, *, scalars: bool, backwards: bool = False
) -> Page:
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    width = len(key.columns)
    keys = [tuple(row[-width:]) for row in rows]
    items = [row[0] if scalars else tuple(row[:-width]) for row in rows]
    followed = bool(rows) and (more or backwards)  # going back, the page we came from follows
    after = key.encode(number + 1, keys[-1]) if followed else None
    before = key.encode(number - 1, keys[0]) if rows and number > 2 else None
    return Page(items, number, per_page, min(total, COUNT_CAP), followed, more=total > COUNT_CAP, after=after,
                before=before)
