"""Country names as the TIP report and other tables spell them, resolved to the tracker's countries.

Names are compared in a normal form (accents, case, "&", "St.", articles, "Korea, South" inversions)
so that one entry covers every spelling of a family; what normalising cannot reach (former names, the
report's own short forms) is in an explicit alias table. Nothing is guessed: an unknown name is a
problem with, at most, a suggestion.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

import pycountry

#: Spellings no normal form reaches, by ISO alpha-3 code (XKX is the tracker's code for Kosovo; KOS is
#: the code some data sets give it). Serbia and Montenegro, one state until 2006, and Yugoslavia before it
#: resolve to Serbia, its successor in ISO 3166 and at the UN.
ALIASES: dict[str, tuple[str, ...]] = {
    "ARE": ("UAE",),
    "BIH": ("Bosnia-Herzegovina",),
    "BRN": ("Brunei",),
    "CHN": ("China (PRC)", "People's Republic of China", "PRC"),
    "CIV": ("Ivory Coast",),
    "COD": ("Congo, Democratic Republic of the", "Congo (Kinshasa)", "DRC", "DR Congo", "Zaire"),
    "COG": ("Congo, Republic of the", "Congo (Brazzaville)", "Republic of Congo"),
    "CPV": ("Cape Verde",),
    "CZE": ("Czech Republic",),
    "FSM": ("Micronesia",),
    "GBR": ("UK", "Great Britain"),
    "HKG": ("Hong Kong SAR", "China (Hong Kong)", "Hong Kong, China"),
    "KGZ": ("Kyrgyz Republic",),
    "KOR": ("Korea, South", "South Korea", "Republic of Korea"),
    "LAO": ("Laos", "Lao PDR"),
    "MAC": ("Macau", "Macau SAR", "China (Macau)", "Macao, China"),
    "MDA": ("Moldova",),
    "MKD": ("Macedonia", "Former Yugoslav Republic of Macedonia", "FYROM"),
    "MMR": ("Burma",),
    "PRK": ("Korea, North", "North Korea", "DPRK"),
    "PSE": ("Palestinian Territories", "Palestinian Authority", "West Bank and Gaza", "Palestine"),
    "RUS": ("Russia",),
    "SRB": ("Serbia and Montenegro", "Yugoslavia", "Federal Republic of Yugoslavia"),
    "SVK": ("Slovak Republic",),
    "SWZ": ("Swaziland",),
    "SXM": ("St. Maarten", "Sint Maarten"),
    "SYR": ("Syria",),
    "TLS": ("East Timor",),
    "TUR": ("Turkey", "Turkiye"),
    "TWN": ("Taiwan",),
    "TZA": ("Tanzania",),
    "USA": ("United States of America", "U.S.", "US"),
    "VAT": ("Holy See", "Vatican", "Vatican City"),
    "VNM": ("Vietnam",),
    "XKX": ("Kosovo", "KOS"),
}

#: Abbreviations the report and other tables use inside names.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "rep": "republic", "dem": "democratic", "fed": "federated"}
#: Words that never tell two countries apart ("The Gambia", "Congo, Republic of the").
_FILLER = {"the", "of"}
_PARENTHESES = re.compile(r"\s*\(([^)]*)\)\s*")


def normal_form(name: str) -> str:
    """A name reduced to what tells countries apart: "St. Kitts & Nevis" and "Saint Kitts and Nevis" agree."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    if text.count(",") == 1:  # "Korea, South", "Congo, Democratic Rep. of", "Bahamas, The"
        before, after = text.split(",")
        text = f"{after} {before}"
    words = re.split(r"[^a-z0-9]+", text)
    words = [_ABBREVIATIONS.get(word, word) for word in words]
    return " ".join(word for word in words if word and word not in _FILLER)


def spellings(name: str) -> list[str]:
    """The normal forms a name may be known by: as written, and with a parenthesis read as a qualifier
    ("Korea (South)" → "South Korea"). A parenthesis is never just dropped: "Congo (DRC)" is not "Congo"."""
    forms = [normal_form(name)]
    if match := _PARENTHESES.search(name):
        forms.append(normal_form(f"{match.group(1)} {_PARENTHESES.sub(' ', name).strip()}"))
    return [form for form in dict.fromkeys(forms) if form]


class KnownCountry(NamedTuple):
    id: int
    iso3: str
    name: str


class CountryNames:
    """Every way of naming the tracker's countries: ISO alpha-3 codes, the tracker's names, ISO 3166's
    names (short, official, common) and the alias table. A spelling two countries share is ambiguous."""

    def __init__(self, countries: Iterable[KnownCountry]) -> None:
        self.by_code: dict[str, KnownCountry] = {}
        self._by_spelling: dict[str, set[KnownCountry]] = {}
        for country in countries:
            self.by_code[country.iso3] = country
            for name in (country.name, *_iso_names(country.iso3), *ALIASES.get(country.iso3, ())):
                for spelling in spellings(name):
                    self._by_spelling.setdefault(spelling, set()).add(country)

    def resolve(self, text: str) -> KnownCountry | str:
        """The country a code or name stands for, or why there is none (a sentence for the person importing)."""
        text = " ".join(text.split())
        if not text:
            return "no country given"
        if len(text) == 3 and text.isalpha() and (country := self.by_code.get(text.upper())):
            return country
        for spelling in spellings(text):
            found = self._by_spelling.get(spelling, set())
            if len(found) == 1:
                return next(iter(found))
            if found:
                names = " or ".join(sorted(country.name for country in found))
                return f"“{text}” could be {names}: use the ISO alpha-3 code"
        return f"no country is known as “{text}”{self._suggestion(text)}"

    def _suggestion(self, text: str) -> str:
        close = difflib.get_close_matches(normal_form(text), self._by_spelling, n=1, cutoff=0.8)
        if not close or len(self._by_spelling[close[0]]) != 1:
            return ""
        return f" (did you mean {next(iter(self._by_spelling[close[0]])).name}?)"


def _iso_names(iso3: str) -> list[str]:
    record = pycountry.countries.get(alpha_3=iso3)
    if record is None:
        return []
    return [getattr(record, field) for field in ("name", "official_name", "common_name") if hasattr(record, field)]
