"""SQLite's side of a search: FTS5 reads the newest matches, and their rank is worked out here.

A common word is in a quarter of a million documents of national data, and two things FTS5 would do with it take
tens of milliseconds ("trafficking": 43 ms of SQL, most of a page's budget):
- a prefix query ("exchange*", for the word typed last) merges the whole list of documents of every word it stands
  for before the first row comes back, unless FTS5 keeps an index of prefixes of that length;
- bm25() counts every document of each word searched for, to weigh the word (its IDF).
So a longer prefix is expanded here to the indexed words it stands for, sought in order in an fts5vocab table by one
statement, and FTS5 reads their documents newest first and stops at the limit. The rank is BM25 computed here for
those documents from the words highlight() marks in each column, without the IDF: every match holds every word
searched for, so the IDF would only weigh one word against another. Reading and ranking 1,000 matches of
"trafficking" takes 6 ms.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func, select

from tracker.extensions import db
from tracker.models import SearchDocument, SearchKind
from tracker.search.schema import FTS5_TABLE, FTS5_TERMS_TABLE
from tracker.search.terms import Terms

#: The prefix lengths the FTS5 index keeps (prefix='2 3', migration e1b4d7a2c9f3): FTS5 reads those quickly itself.
INDEXED_PREFIXES = (2, 3)
#: A longer prefix standing for more indexed words than this is left to FTS5: slower for common words, but right.
MAX_EXPANSIONS = 32
#: BM25's constants as FTS5's bm25() has them, and the weights of the title and body columns.
K1, B = 1.2, 0.75
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0

_INDEX = sa.literal_column(FTS5_TABLE)
_ROWS = sa.table(FTS5_TABLE, sa.column("rowid"))

#: The indexed words from ``prefix`` on that start with it, in order, at most ``most``: one seek each, as the word
#: after ``w`` is the first one from ``w`` followed by char(1), a character no word holds.
_EXPANSIONS = sa.text(f"""
    WITH RECURSIVE word(term, n) AS (
        SELECT (SELECT term FROM {FTS5_TERMS_TABLE} WHERE term >= :prefix ORDER BY term LIMIT 1), 1
        UNION ALL
        SELECT (SELECT term FROM {FTS5_TERMS_TABLE} WHERE term >= word.term || char(1) ORDER BY term LIMIT 1), n + 1
        FROM word WHERE substr(word.term, 1, length(:prefix)) = :prefix AND n < :most
    )
    SELECT term FROM word WHERE substr(term, 1, length(:prefix)) = :prefix
""")


def newest_ranked(terms: Terms, limit: int) -> list[tuple[SearchKind, int, float]]:
    """The kind, record id and rank (smaller is better, as bm25's) of the newest ``limit`` documents matching
    ``terms``, newest first."""
    expansions = _expansions(terms)
    if expansions == []:
        return []  # no indexed word starts with the prefix
    rows = db.session.execute(
        select(
            SearchDocument.kind,
            SearchDocument.record_id,
            _matched_words(0, SearchDocument.title).label("title_matches"),
            _matched_words(1, SearchDocument.body).label("body_matches"),
            (func.length(SearchDocument.title) + func.length(SearchDocument.body)).label("size"),
        )
        .join_from(_ROWS, SearchDocument, SearchDocument.id == _ROWS.c.rowid)
        .where(_INDEX.op("MATCH")(terms.fts5_query(expansions)))
        .order_by(_ROWS.c.rowid.desc())  # FTS5 reads its matches by rowid, backwards as fast as forwards
        .limit(limit)
    ).all()
    average_size = sum(row.size for row in rows) / len(rows) if rows else 0
    return [(row.kind, row.record_id, -_bm25(row, average_size)) for row in rows]


def _matched_words(column: int, text: ColumnElement[str]) -> ColumnElement[int]:
    """How many words of the column the search matches: highlight() puts one character before each."""
    return func.length(func.highlight(_INDEX, column, "*", "")) - func.length(text)


def _bm25(row: Any, average_size: float) -> float:
    """BM25 without the IDF. A document's size is counted in characters rather than words: only its ratio to the
    average size counts, and the two are near enough the same."""
    frequency = TITLE_WEIGHT * row.title_matches + BODY_WEIGHT * row.body_matches
    return frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * row.size / average_size))


def _expansions(terms: Terms) -> list[str] | None:
    """The indexed words the last word stands for as a prefix, or None where FTS5 expands it: a prefix of a length
    it keeps, one that stands for too many words, and one with letters beyond ASCII (the tokenizer folds those its
    own way, which Python's case and accent folding does not always match)."""
    prefix = terms.words[-1].lower()
    if not terms.prefix or len(prefix) <= max(INDEXED_PREFIXES) or not prefix.isascii():
        return None
    words = list(db.session.scalars(_EXPANSIONS, {"prefix": prefix, "most": MAX_EXPANSIONS + 1}))
    return words if len(words) <= MAX_EXPANSIONS else None
