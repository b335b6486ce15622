"""The reference data the tracker ships: every ISO 3166 country plus Kosovo, and the bundled tier history."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pycountry

from tracker.models.countries import Region, Tier

#: The first TIP report: the tier history and its charts start there (the database refuses earlier years).
FIRST_REPORT_YEAR = 2001
BUNDLED_TIERS = Path(__file__).parent / "data" / "tip_tiers_2001_2015.csv"
BUNDLED_REGIONS = Path(__file__).parent / "data" / "regions.csv"

#: The State Department's abbreviations for its regional bureaus, as the regions file gives them.
BUREAUS = {
    "AF": Region.AFRICA,
    "EAP": Region.EAST_ASIA_PACIFIC,
    "EUR": Region.EUROPE,
    "NEA": Region.NEAR_EAST,
    "SCA": Region.SOUTH_CENTRAL_ASIA,
    "WHA": Region.WESTERN_HEMISPHERE,
}

#: Kosovo has no ISO 3166 code; XK/XKX is the user-assigned code the EU, the IMF and the TIP report's data use.
KOSOVO = ("XK", "XKX", "Kosovo")


class CountryRow(NamedTuple):
    iso2: str
    iso3: str
    name: str


class TierRow(NamedTuple):
    iso3: str
    year: int
    tier: Tier


def iso_countries() -> list[CountryRow]:
    """Every country of ISO 3166-1 (by its common name where it has one), plus Kosovo."""
    rows = [
        CountryRow(c.alpha_2, c.alpha_3, getattr(c, "common_name", None) or c.name) for c in pycountry.countries
    ]
    rows.append(CountryRow(*KOSOVO))
    return sorted(rows, key=lambda row: row.iso3)


def bundled_tiers() -> Iterator[TierRow]:
    """Tier placements 2001–2015 (see data/README.md for where they come from and how they were converted)."""
    tiers_by_label = {tier.label: tier for tier in Tier}
    with BUNDLED_TIERS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield TierRow(row["iso3"], int(row["year"]), tiers_by_label[row["tier"]])


def bundled_regions() -> dict[str, Region]:
    """The regional bureau of each country the TIP report covers, by ISO alpha-3 code (see data/README.md)."""
    with BUNDLED_REGIONS.open(encoding="utf-8", newline="") as handle:
        return {row["iso3"]: BUREAUS[row["bureau"]] for row in csv.DictReader(handle)}
