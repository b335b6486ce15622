"""Words as the search index reads them, for the search box, the marks on results and language names in rosters:
runs of letters, digits and marks (SQLite's unicode61 tokenizer and PostgreSQL's parser keep the same), compared
without case or accents."""

from __future__ import annotations

import unicodedata


def _is_word_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def split_words(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every word in ``text``."""
    spans, start = [], None
    for index, char in enumerate(text):
        if _is_word_char(char):
            start = index if start is None else start
        elif start is not None:
            spans.append((start, index))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def fold(word: str) -> str:
    """A word as the index compares it: accents taken off, case folded ("Côte" and "COTE" agree)."""
    if word.isascii():  # most words: nothing to take off, and ASCII folds as it lowers
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
