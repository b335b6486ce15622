"""Tier cells as tables write them: the report's labels, the report's numbers, or the ordinal coding
of the Scorecard Diplomacy data the bundled history comes from.

The two numberings disagree about 3 (Tier 3 in the report's, Watch List in the ordinal one), so a
file is read in one of them, chosen by the person importing or detected from the values only one of
them uses; labels mean the same in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from tracker.models import Tier
from tracker.models.base import LabelledEnum


class Numbering(LabelledEnum):
    REPORT = "report", "the TIP report's numbering"
    ORDINAL = "ordinal", "the ordinal coding of Scorecard Diplomacy"


class TierValueError(ValueError):
    """A cell that is no tier in the file's numbering; the message says what would be."""


class NumberingError(ValueError):
    """A file whose numbers belong to both numberings."""


_NUMBERS = {
    Numbering.REPORT: {
        Decimal(1): Tier.TIER_1,
        Decimal(2): Tier.TIER_2,
        Decimal("2.5"): Tier.TIER_2_WATCH_LIST,
        Decimal(3): Tier.TIER_3,
        Decimal(666): Tier.SPECIAL_CASE,
        Decimal(555): Tier.NOT_RATED,
    },
    Numbering.ORDINAL: {
        Decimal(1): Tier.TIER_1,
        Decimal(2): Tier.TIER_2,
        Decimal(3): Tier.TIER_2_WATCH_LIST,
        Decimal(4): Tier.TIER_3,
    },
}
#: Numbers only one numbering uses: a file holding one of them is in that numbering.
_ONLY_IN = {
    Numbering.REPORT: {Decimal("2.5"), Decimal(666), Decimal(555)},
    Numbering.ORDINAL: {Decimal(4)},
}

#: Labels with case, spaces, hyphens and underscores taken out.
_LABELS = {
    "tier1": Tier.TIER_1,
    "tier2": Tier.TIER_2,
    "tier2watchlist": Tier.TIER_2_WATCH_LIST,
    "tier2wl": Tier.TIER_2_WATCH_LIST,
    "2wl": Tier.TIER_2_WATCH_LIST,
    "watchlist": Tier.TIER_2_WATCH_LIST,
    "tier3": Tier.TIER_3,
    "specialcase": Tier.SPECIAL_CASE,
    "specialcases": Tier.SPECIAL_CASE,
    "notrated": Tier.NOT_RATED,
}
#: What an empty cell or "NA" says: in the report's numbering, not rated; in the ordinal coding, unknown.
_MISSING = {"", "na", "n/a", "n.a.", "none"}

EXPECTED = "a label (Tier 1, Tier 2, Tier 2 Watch List, Tier 3, Special Case, Not rated) or a number"


def parse_tier(cell: str, numbering: Numbering) -> Tier | None:
    """The tier a cell says, or None for "unknown" (NA in the ordinal coding, which leaves the row out)."""
    text = cell.strip()
    if text.casefold() in _MISSING:
        return Tier.NOT_RATED if numbering is Numbering.REPORT else None
    if (label := _LABELS.get(re.sub(r"[\s_-]+", "", text.casefold()))) is not None:
        return label
    number = _number(text)
    if number is None or number not in _NUMBERS[numbering]:
        numbers = ", ".join(str(n) for n in _NUMBERS[numbering])
        raise TierValueError(f"“{text}” is not a tier: expected {EXPECTED} of {numbering.label} ({numbers})")
    return _NUMBERS[numbering][number]


def describe(numbering: Numbering) -> str:
    """What each number means in a numbering, for the person importing."""
    meanings = [f"{number} = {tier.label}" for number, tier in _NUMBERS[numbering].items()]
    missing = "Not rated" if numbering is Numbering.REPORT else "unknown, row left out"
    return f"{numbering.label}: {', '.join(meanings)}, empty or NA = {missing}"


def detect_numbering(cells: Iterable[str]) -> Numbering:
    """The numbering a file's tier cells are in: the report's unless a number only the ordinal coding
    uses (4) appears; numbers of both is an error."""
    numbers = {number for cell in cells if (number := _number(cell.strip())) is not None}
    found = [numbering for numbering, only in _ONLY_IN.items() if numbers & only]
    if len(found) > 1:
        raise NumberingError(
            "The tier column mixes the report's numbers (2.5, 555, 666) with the ordinal coding's 4: "
            "say which numbering the file uses."
        )
    return found[0] if found else Numbering.REPORT


def _number(text: str) -> Decimal | None:
    """A number written either way round: "2.5", "2,5" (decimal comma), "3.0"."""
    try:
        return Decimal(text.replace(",", ".")).normalize()
    except InvalidOperation:
        return None
