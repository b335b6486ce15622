"""The searched words marked in a record's text, safely: the text is escaped, only our own <mark> is markup.

Marking is done here rather than with FTS5's snippet() or PostgreSQL's ts_headline so that it is the same on
both databases and marks the text as the page shows it (a request's description, not the index's document).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from tracker.search.terms import Terms
from tracker.words import split_words

#: Characters of context kept before the first marked word when a text is shortened.
LEAD = 60
#: How far a cut may move to fall between two words.
SNAP = 20


def marked(text: str, terms: Terms, width: int | None = None) -> Markup:
    """``text`` escaped, with every searched word in <mark>; shortened to about ``width`` characters around the
    first mark (with "…" where it was cut) when it is longer."""
    spans = [(start, end) for start, end in split_words(text) if terms.matches(text[start:end])]
    begin, finish = 0, len(text)
    if width is not None and len(text) > width:
        begin = _word_start(text, max(0, spans[0][0] - LEAD) if spans else 0)
        finish = _word_end(text, min(len(text), begin + width))
    parts = [Markup("…")] if begin > 0 else []
    position = begin
    for start, end in spans:
        if start < begin or end > finish:
            continue
        parts += [escape(text[position:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        position = end
    parts.append(escape(text[position:finish]))
    if finish < len(text):
        parts.append(Markup("…"))
    return Markup("").join(parts)


def _word_start(text: str, index: int) -> int:
    """Move a cut forward to the start of a word (if one starts nearby), so that no word is shown in part."""
    for moved in range(index, min(len(text), index + SNAP)):
        if moved == 0 or text[moved - 1].isspace():
            return moved
    return index


def _word_end(text: str, index: int) -> int:
    for moved in range(index, max(0, index - SNAP), -1):
        if moved == len(text) or text[moved].isspace():
            return moved
    return index
