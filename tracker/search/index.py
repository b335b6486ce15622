"""Querying the search index: the newest matches of a search, ranked, and how many there are of each kind.

One statement per search whatever the size of the index; the SQL differs per database and is written out
for each (FTS5's MATCH and bm25 on SQLite, ``@@`` and ts_rank on PostgreSQL). A common word matches a quarter
of a million documents: ranking them all (bm25, ts_rank) takes seconds, so a search reads its newest
``CANDIDATES`` matches only, ranks them and counts them by kind; past that it says "more".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, func, select

from tracker.extensions import db
from tracker.models import SearchDocument, SearchKind
from tracker.search.schema import FTS5_TABLE, TEXT_SEARCH_CONFIG, VECTOR_COLUMN
from tracker.search.terms import Terms

#: SQLite's bm25 weights of the title and body columns; PostgreSQL weighs them A and B (1.0 and 0.4).
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
#: How many matches (the newest) a search ranks, counts and pages through: 40 pages, more than anyone reads.
CANDIDATES = 1_000


class Hit(NamedTuple):
    kind: SearchKind
    record_id: int


@dataclass(frozen=True)
class Found:
    """The newest ``CANDIDATES`` matches, the best match first (ties: the newest record first)."""

    hits: list[Hit]
    #: Whether more documents match than ``hits`` holds.
    more: bool

    @property
    def counts(self) -> dict[SearchKind, int]:
        """How many of ``hits`` are of each kind (kinds without one are left out)."""
        return dict(Counter(hit.kind for hit in self.hits))

    def of_kind(self, kind: SearchKind | None) -> list[Hit]:
        return [hit for hit in self.hits if kind is None or hit.kind == kind]


def search(terms: Terms) -> Found:
    """The newest matches of ``terms``, ranked: the rank is computed for those documents only."""
    matching, rank, age = _matching(terms)
    newest = db.session.execute(
        matching.add_columns(rank.label("rank")).order_by(age.desc()).limit(CANDIDATES + 1)
    ).all()
    ranked = sorted(newest[:CANDIDATES], key=lambda row: (row.rank, -row.record_id))
    return Found([Hit(row.kind, row.record_id) for row in ranked], more=len(newest) > CANDIDATES)


def _matching(terms: Terms) -> tuple[Select[Any], ColumnElement[Any], ColumnElement[Any]]:
    """The documents matching ``terms``, the ordering that puts the best match first, and the documents' age
    (larger is newer) as the index reads it in order."""
    columns = (SearchDocument.kind, SearchDocument.record_id)
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        fts = sa.table(FTS5_TABLE, sa.column("rowid"))
        matching = (
            select(*columns)
            .join_from(fts, SearchDocument, SearchDocument.id == fts.c.rowid)
            .where(sa.literal_column(FTS5_TABLE).op("MATCH")(terms.fts5_query()))
        )
        # bm25 is smaller for better matches; FTS5 reads its matches by rowid, backwards as fast as forwards.
        return matching, func.bm25(sa.literal_column(FTS5_TABLE), TITLE_WEIGHT, BODY_WEIGHT), fts.c.rowid
    if dialect == "postgresql":
        config = sa.literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig")
        query = func.to_tsquery(config, terms.tsquery())
        vector = sa.literal_column(f"{SearchDocument.__tablename__}.{VECTOR_COLUMN}")
        matching = select(*columns).where(vector.bool_op("@@")(query))
        return matching, -func.ts_rank(vector, query), SearchDocument.id
    raise NotImplementedError(f"no full-text search written for {dialect}")
