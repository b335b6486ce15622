"""Querying the search index: the newest matches of a search, ranked, and how many there are of each kind.

The same statements per search whatever the size of the index; the SQL differs per database and is written out
for each (FTS5's MATCH on SQLite, ranked in fts5.py; ``@@`` and ts_rank on PostgreSQL, in tsearch.py). A common
word matches a quarter of a million documents: ranking them all takes seconds, so a search reads its newest
``CANDIDATES`` matches only, ranks them and counts them by kind; past that it says "more".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from tracker.extensions import db
from tracker.models import SearchKind
from tracker.search import fts5, tsearch
from tracker.search.terms import Terms

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
    newest = _newest_ranked(terms, CANDIDATES + 1)
    ranked = sorted(newest[:CANDIDATES], key=lambda match: (match[2], -match[1]))
    return Found([Hit(kind, record_id) for kind, record_id, _ in ranked], more=len(newest) > CANDIDATES)


def _newest_ranked(terms: Terms, limit: int) -> list[tuple[SearchKind, int, float]]:
    """The kind, record id and rank (smaller is better) of the newest ``limit`` documents matching ``terms``."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        return fts5.newest_ranked(terms, limit)
    if dialect == "postgresql":
        return tsearch.newest_ranked(terms, limit)
    raise NotImplementedError(f"no full-text search written for {dialect}")
