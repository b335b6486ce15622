"""Pagination of row queries (several columns per row), which Flask-SQLAlchemy's paginate does not do."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select

from tracker.extensions import db


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill (one, even empty): a page number past it shows the last page."""
    return max(1, math.ceil(total / per_page))


def paginate(query: Select[Any], page: int, *, scalars: bool = False) -> Page:
    """One page of ``query`` plus the total; a page past the end shows the last one."""
    per_page = current_app.config["PER_PAGE"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = min(page, page_count(total, per_page))
    limited = query.limit(per_page).offset((page - 1) * per_page)
    result = db.session.execute(limited).unique()
    items = list(result.scalars()) if scalars else list(result)
    return Page(items=items, page=page, per_page=per_page, total=total)
