"""Tier cells in the report's labels and in both numeric conventions."""

from __future__ import annotations

import pytest

from tracker.countries.tier_values import Numbering, NumberingError, TierValueError, detect_numbering, parse_tier
from tracker.models import Tier

REPORT, ORDINAL = Numbering.REPORT, Numbering.ORDINAL


@pytest.mark.parametrize(
    ("cell", "tier"),
    [
        ("Tier 1", Tier.TIER_1), ("tier 2", Tier.TIER_2), ("TIER 2 WATCH LIST", Tier.TIER_2_WATCH_LIST),
        ("Tier 2 Watchlist", Tier.TIER_2_WATCH_LIST), ("Watchlist", Tier.TIER_2_WATCH_LIST),
        ("Watch List", Tier.TIER_2_WATCH_LIST), ("Tier 2WL", Tier.TIER_2_WATCH_LIST), ("2WL", Tier.TIER_2_WATCH_LIST),
        ("tier_2_watch_list", Tier.TIER_2_WATCH_LIST), (" Tier  3 ", Tier.TIER_3), ("Special Case", Tier.SPECIAL_CASE),
        ("special cases", Tier.SPECIAL_CASE), ("Not rated", Tier.NOT_RATED),
    ],
)  # fmt: skip
def test_labels_mean_the_same_in_both_numberings(cell: str, tier: Tier) -> None:
    assert parse_tier(cell, REPORT) is tier
    assert parse_tier(cell, ORDINAL) is tier


@pytest.mark.parametrize(
    ("cell", "tier"),
    [("1", Tier.TIER_1), ("2", Tier.TIER_2), ("2.5", Tier.TIER_2_WATCH_LIST), ("2,5", Tier.TIER_2_WATCH_LIST),
     ("3", Tier.TIER_3), ("3.0", Tier.TIER_3), ("666", Tier.SPECIAL_CASE), ("555", Tier.NOT_RATED),
     ("", Tier.NOT_RATED), ("NA", Tier.NOT_RATED), ("n/a", Tier.NOT_RATED)],
)  # fmt: skip
def test_the_reports_numbering(cell: str, tier: Tier) -> None:
    assert parse_tier(cell, REPORT) is tier


@pytest.mark.parametrize(
    ("cell", "tier"),
    [
        ("1", Tier.TIER_1),
        ("2", Tier.TIER_2),
        ("3", Tier.TIER_2_WATCH_LIST),
        ("4", Tier.TIER_3),
        ("NA", None),
        ("", None),
    ],
)
def test_the_ordinal_coding(cell: str, tier: Tier | None) -> None:
    assert parse_tier(cell, ORDINAL) is tier


@pytest.mark.parametrize(
    ("cell", "numbering"),
    [
        ("4", REPORT),
        ("2.5", ORDINAL),
        ("666", ORDINAL),
        ("0", REPORT),
        ("Tier 4", REPORT),
        ("Tier 2.5", REPORT),
        ("Gold", REPORT),
    ],
)
def test_an_unknown_tier_says_what_would_do(cell: str, numbering: Numbering) -> None:
    with pytest.raises(TierValueError, match="is not a tier: expected a label"):
        parse_tier(cell, numbering)


def test_the_numbering_is_the_reports_unless_a_4_says_otherwise() -> None:
    assert detect_numbering(["1", "2", "3", "Tier 2"]) is REPORT
    assert detect_numbering(["1", "2.5", "555"]) is REPORT
    assert detect_numbering(["1", "3", "4", "NA"]) is ORDINAL
    with pytest.raises(NumberingError, match="mixes"):
        detect_numbering(["4", "2.5"])
