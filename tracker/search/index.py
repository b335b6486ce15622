"""Querying the search index: how many documents of each kind match, and one page of them, best first.

Two statements per search whatever the size of the index; the SQL differs per database and is written out
for each (FTS5's MATCH and bm25 on SQLite, ``@@`` and ts_rank on PostgreSQL). A common word matches a quarter
of a million documents: ranking them all (bm25, ts_rank) takes seconds, so only the newest ``RANKED`` matches
are ranked, and the counts stop at ``COUNT_CAP`` matches (the newest), as the lists' do.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, func, select

from tracker.extensions import db
from tracker.models import SearchDocument, SearchKind
from tracker.pagination import COUNT_CAP
from tracker.search.schema import FTS5_TABLE, TEXT_SEARCH_CONFIG, VECTOR_COLUMN
from tracker.search.terms import Terms

#: SQLite's bm25 weights of the title and body columns; PostgreSQL weighs them A and B (1.0 and 0.4).
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
#: How many matches (the newest) are ranked and can be paged through: 40 pages, more than anyone reads.
RANKED = 1_000


class Hit(NamedTuple):
    kind: SearchKind
    record_id: int


def counts(terms: Terms) -> dict[SearchKind, int]:
    """How many records of each kind match (kinds without a match are left out), among the newest
    ``COUNT_CAP`` + 1 matches: all of them unless their sum is past the cap."""
    newest = _newest(terms, COUNT_CAP + 1).subquery()
    query = select(newest.c.kind, func.count()).group_by(newest.c.kind)
    return {kind: count for kind, count in db.session.execute(query)}


def hits(terms: Terms, kind: SearchKind | None, limit: int, offset: int) -> list[Hit]:
    """One page of the newest ``RANKED`` matching records, the best match first (ties: the newest record first)."""
    newest = _newest(terms, RANKED, kind, ranked=True).subquery()
    query = (
        select(newest.c.kind, newest.c.record_id)
        .order_by(newest.c.rank, newest.c.record_id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [Hit(kind, record_id) for kind, record_id in db.session.execute(query)]


def _newest(terms: Terms, limit: int, kind: SearchKind | None = None, *, ranked: bool = False) -> Select[Any]:
    """The newest ``limit`` documents matching ``terms`` (of ``kind``), with their rank (smaller is better) when
    ``ranked``: computed for those documents only."""
    matching, rank, age = _matching(terms)
    if kind is not None:
        matching = matching.where(SearchDocument.kind == kind)
    if ranked:
        matching = matching.add_columns(rank.label("rank"))
    return matching.order_by(age.desc()).limit(limit)


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
