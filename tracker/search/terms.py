"""What a person typed in the search box, read as words and nothing else.

A word is a run of letters, digits and marks (the characters SQLite's unicode61 tokenizer and PostgreSQL's
parser keep), so no quote, operator, bracket or keyword of either query language can reach the database:
``"AND* NEAR(-x`` is the words "AND", "NEAR" and "x".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from tracker.words import fold, split_words

#: Longer queries are refused by the form; more words than this are not searched for.
MAX_QUERY_CHARS = 200
MAX_WORDS = 12
#: The last word is a prefix ("indon" finds Indonesia) from this length on: one letter would match half the index.
MIN_PREFIX_CHARS = 2


@dataclass(frozen=True)
class Terms:
    """The words searched for; every one must match, the last as a prefix when ``prefix`` says so."""

    words: tuple[str, ...]
    prefix: bool

    @classmethod
    def parse(cls, query: str) -> Terms:
        text = unicodedata.normalize("NFC", query)
        words = tuple(text[start:end] for start, end in split_words(text))[:MAX_WORDS]
        return cls(words, bool(words) and len(words[-1]) >= MIN_PREFIX_CHARS)

    def __bool__(self) -> bool:
        return bool(self.words)

    def fts5_query(self, expansions: Sequence[str] = ()) -> str:
        """SQLite FTS5: each word a quoted string (never an operator), all of them required; the last one a prefix,
        or any of ``expansions`` (the indexed words it stands for as a prefix) when they are given."""
        quoted = [_fts5_string(word) for word in self.words]
        if expansions:
            quoted[-1] = "(" + " OR ".join(_fts5_string(word) for word in expansions) + ")"
        elif self.prefix:
            quoted[-1] += "*"
        return " AND ".join(quoted)

    def tsquery(self) -> str:
        """PostgreSQL ``to_tsquery`` text: the words (letters and digits only, so no operator) joined by AND."""
        return " & ".join(self.word_tsqueries())

    def word_tsqueries(self) -> list[str]:
        """Each word's own ``to_tsquery`` text, the last one a prefix when ``prefix`` says so."""
        terms = list(self.words)
        if self.prefix:
            terms[-1] += ":*"
        return terms

    @cached_property
    def _folded(self) -> frozenset[str]:
        return frozenset(fold(word) for word in self.words)

    @cached_property
    def _folded_prefix(self) -> str | None:
        return fold(self.words[-1]) if self.prefix else None

    def matches(self, word: str) -> bool:
        """Whether a word of a record's text is one searched for (for highlighting)."""
        folded = fold(word)
        return folded in self._folded or (self._folded_prefix is not None and folded.startswith(self._folded_prefix))


def _fts5_string(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'
