"""PostgreSQL's side of a search: the GIN index of the documents' tsvectors finds the matches, ts_rank ranks them.

The newest matches can be read two ways, and which is quicker depends on how many documents match:
- walking the documents newest first (the primary key backwards) and keeping those that match stops after
  ``limit`` matches: quick for a common word ("exchange": 2.5 ms on national data), since one document in four
  matches;
- reading every match by the GIN index, then the newest of them: quick for a rare one (a country's name, 6,473
  documents: 7 ms), whose matches the walk would look for through a third of a million documents (83-112 ms).
PostgreSQL's planner chooses between the two from how many documents it expects to match, which it estimates well,
but it prices the walk too low: it walked for country names. Measured on the national data, reading a match by the
index costs about as much as walking past ``MATCH_COST`` documents. So the choice is made here, from the planner's
own estimates (EXPLAIN, which runs nothing) of the documents and of each word's matches, the fewest of which bound
how many documents match every word.
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Select, func, select

from tracker.extensions import db
from tracker.models import SearchDocument, SearchKind
from tracker.search.schema import TEXT_SEARCH_CONFIG, VECTOR_COLUMN
from tracker.search.terms import Terms

#: How many documents walked past in id order cost as much as one match read by the index and sorted (national
#: data: 'british', 11,900 matches of 1.6 million documents, took about as long either way).
MATCH_COST = 10

_CONFIG = sa.literal_column(f"'{TEXT_SEARCH_CONFIG}'::regconfig")
_VECTOR = sa.literal_column(f"{SearchDocument.__tablename__}.{VECTOR_COLUMN}")


def newest_ranked(terms: Terms, limit: int) -> list[tuple[SearchKind, int, float]]:
    """The kind, record id and rank (smaller is better) of the newest ``limit`` documents matching ``terms``,
    newest first."""
    query = func.to_tsquery(_CONFIG, terms.tsquery())
    ranked = select(SearchDocument.kind, SearchDocument.record_id, -func.ts_rank(_VECTOR, query))
    if reads_every_match(terms, limit):
        matches = select(SearchDocument.id).where(_matching(query)).cte("matches").prefix_with("MATERIALIZED")
        newest = select(matches.c.id).order_by(matches.c.id.desc()).limit(limit)
        ranked = ranked.where(SearchDocument.id.in_(newest))
    else:
        ranked = ranked.where(_matching(query)).limit(limit)
    return [tuple(row) for row in db.session.execute(ranked.order_by(SearchDocument.id.desc()))]


def reads_every_match(terms: Terms, limit: int) -> bool:
    """Whether reading every match is quicker than walking the newest documents until ``limit`` match: walking
    passes about ``limit * documents / matches`` documents, reading costs ``MATCH_COST`` per match, so reading wins
    below ``sqrt(limit * documents / MATCH_COST)`` matches (about 12,700 at national scale)."""
    documents = _estimated_rows(select(SearchDocument.id))
    most_matches = math.sqrt(limit * documents / MATCH_COST)
    return any(
        _estimated_rows(select(SearchDocument.id).where(_matching(func.to_tsquery(_CONFIG, word)))) < most_matches
        for word in terms.word_tsqueries()
    )


def _matching(query: Any) -> sa.ColumnElement[bool]:
    return _VECTOR.bool_op("@@")(query)


def _estimated_rows(statement: Select[Any]) -> float:
    """How many rows the planner expects ``statement`` to return, without running it."""
    compiled = statement.compile(dialect=db.session.get_bind().dialect)
    connection = db.session.connection()
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])
