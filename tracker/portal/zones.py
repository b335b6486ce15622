"""A country's time zone, for writing to its delegates at a civil hour.

Source: the IANA tz database's ``zone.tab`` (shipped by the ``tzdata`` package, a dependency), which lists each
country's zones. For a country with one zone that is the answer. For countries with several, ``zone.tab`` lists
them geographically, not capital first, so the capital's zone is named here by hand. Countries the table does not
list (Kosovo) are named here too; anything else falls back to the centre's zone.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

#: ISO 3166 alpha-2 → the capital's zone, where zone.tab lists several zones and the first is not the capital's.
CAPITAL_ZONES = {
    "AU": "Australia/Sydney",  # Canberra
    "BR": "America/Sao_Paulo",  # Brasília keeps São Paulo's time
    "CA": "America/Toronto",  # Ottawa
    "FM": "Pacific/Pohnpei",  # Palikir
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UZ": "Asia/Tashkent",
    "XK": "Europe/Belgrade",  # Kosovo (Pristina): not in zone.tab, same time as its neighbours
}


@cache
def _first_zones() -> dict[str, str]:
    """Each country's first zone in zone.tab."""
    first: dict[str, str] = {}
    text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone, *_ = line.split("\t")
            first.setdefault(country, zone)
    return first


def country_zone(iso2: str, fallback: str) -> ZoneInfo:
    """The zone a country's officials are most likely in (the capital's), or ``fallback`` for an unlisted one."""
    return ZoneInfo(CAPITAL_ZONES.get(iso2) or _first_zones().get(iso2) or fallback)
