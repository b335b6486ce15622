"""Country names as the TIP report and other tables write them resolve to the right country, or say why not."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from tests.data import DATA
from tracker.countries.names import ALIASES, CountryNames, KnownCountry, normal_form
from tracker.countries.reference import BUNDLED_TIERS
from tracker.extensions import db
from tracker.models import Country


@pytest.fixture
def names() -> CountryNames:
    return CountryNames(
        KnownCountry(*row) for row in db.session.execute(select(Country.id, Country.iso3, Country.name))
    )


@pytest.mark.parametrize(
    ("written", "iso3"),
    [
        # The SPEC's examples.
        ("Burma", "MMR"), ("China (PRC)", "CHN"), ("Korea, North", "PRK"), ("Congo, Democratic Rep. of", "COD"),
        ("The Gambia", "GMB"), ("Côte d'Ivoire", "CIV"), ("Antigua & Barbuda", "ATG"), ("  Moldova  ", "MDA"),
        # "&" and "and", "St." and "Saint", leading "The", comma inversions, case and accents.
        ("St. Vincent & the Grenadines", "VCT"), ("Saint Vincent and the Grenadines", "VCT"), ("St Lucia", "LCA"),
        ("St. Kitts & Nevis", "KNA"), ("Sao Tome & Principe", "STP"), ("São Tomé and Príncipe", "STP"),
        ("Bahamas, The", "BHS"), ("The Bahamas", "BHS"), ("Gambia, The", "GMB"), ("Korea, South", "KOR"),
        ("Korea (South)", "KOR"), ("Congo, Democratic Republic of the", "COD"), ("Congo (Kinshasa)", "COD"),
        ("Congo, Republic of the", "COG"), ("Republic of the Congo", "COG"), ("Congo", "COG"),
        ("Cote d’Ivoire", "CIV"), ("COTE D'IVOIRE", "CIV"), ("Bosnia & Herzegovina", "BIH"),
        ("Trinidad & Tobago", "TTO"), ("Micronesia, Federated States of", "FSM"),
        # Former names and the report's short forms.
        ("Swaziland", "SWZ"), ("Eswatini", "SWZ"), ("Macedonia", "MKD"), ("North Macedonia", "MKD"),
        ("Macedonia, the former Yugoslav Republic of", "MKD"), ("Czech Republic", "CZE"), ("Czechia", "CZE"),
        ("Myanmar", "MMR"), ("Cabo Verde", "CPV"), ("Cape Verde", "CPV"), ("Timor-Leste", "TLS"), ("East Timor", "TLS"),
        ("Brunei", "BRN"), ("Laos", "LAO"), ("Micronesia", "FSM"), ("Russia", "RUS"), ("Syria", "SYR"), ("Iran", "IRN"),
        ("Vietnam", "VNM"), ("Taiwan", "TWN"), ("Tanzania", "TZA"), ("Bolivia", "BOL"), ("Venezuela", "VEN"),
        ("Kyrgyz Republic", "KGZ"), ("Slovak Republic", "SVK"), ("Turkey", "TUR"), ("Holy See", "VAT"),
        ("Vatican", "VAT"), ("Palestinian Territories", "PSE"), ("United States of America", "USA"),
        ("Serbia and Montenegro", "SRB"),
        # Territories the report rates.
        ("Hong Kong", "HKG"), ("China (Hong Kong)", "HKG"), ("Macau", "MAC"), ("Macao", "MAC"), ("Curaçao", "CUW"),
        ("Curacao", "CUW"), ("Aruba", "ABW"), ("St. Maarten", "SXM"), ("Sint Maarten", "SXM"),
        ("Sint Maarten (Dutch part)", "SXM"), ("Kosovo", "XKX"),
        # ISO alpha-3 codes, in any case; KOS is the code some data sets give Kosovo.
        ("MDA", "MDA"), ("mda", "MDA"), ("XKX", "XKX"), ("KOS", "XKX"),
    ],
)  # fmt: skip
def test_a_name_as_written_resolves_to_its_country(names: CountryNames, written: str, iso3: str) -> None:
    found = names.resolve(written)
    assert isinstance(found, KnownCountry), found
    assert found.iso3 == iso3


def test_look_alike_countries_stay_apart(names: CountryNames) -> None:
    pairs = [("Niger", "NER"), ("Nigeria", "NGA"), ("Guinea", "GIN"), ("Equatorial Guinea", "GNQ"),
             ("Guinea-Bissau", "GNB"), ("Dominica", "DMA"), ("Dominican Republic", "DOM"), ("Sudan", "SDN"),
             ("South Sudan", "SSD"), ("China", "CHN"), ("Samoa", "WSM"), ("American Samoa", "ASM")]  # fmt: skip
    assert [(written, names.resolve(written).iso3) for written, _ in pairs] == pairs  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("Narnia", "no country is known as “Narnia”"),
        ("Nigerria", "no country is known as “Nigerria” (did you mean Nigeria?)"),
        ("Korea", "no country is known as “Korea”"),
        ("", "no country given"),
        ("ZZZ", "no country is known as “ZZZ”"),
    ],
)
def test_an_unknown_name_says_why(names: CountryNames, written: str, reason: str) -> None:
    assert names.resolve(written) == reason


def test_every_alias_names_its_own_country(names: CountryNames) -> None:
    """No alias is lost to an ambiguity with another country's name."""
    for iso3, aliases in ALIASES.items():
        for alias in aliases:
            found = names.resolve(alias)
            assert isinstance(found, KnownCountry) and found.iso3 == iso3, (alias, found)


def test_every_name_of_the_bundled_history_resolves_to_its_code(names: CountryNames) -> None:
    """The book's spellings ("Bolivia, Plurinational State of", "Congo, the Democratic Republic of the"…)."""
    with BUNDLED_TIERS.open(encoding="utf-8") as handle:
        spelt = {(row["country"], row["iso3"]) for row in csv.DictReader(handle)}
    wrong = [(name, iso3, names.resolve(name)) for name, iso3 in sorted(spelt)
             if getattr(names.resolve(name), "iso3", None) != iso3]  # fmt: skip
    assert wrong == []


def test_every_name_of_the_published_report_resolves() -> None:
    with (DATA / "tip_2015_as_published.csv").open(encoding="utf-8") as handle:
        written = [row["Country"] for row in csv.DictReader(handle)]
    names = CountryNames(
        KnownCountry(*row) for row in db.session.execute(select(Country.id, Country.iso3, Country.name))
    )
    unresolved = [name for name in written if not isinstance(names.resolve(name), KnownCountry)]
    assert unresolved == [] and len(written) == 188


@pytest.mark.parametrize(
    ("one", "other"),
    [("St. Kitts & Nevis", "saint kitts and nevis"), ("Korea, North", "North Korea"), ("The Gambia", "Gambia"),
     ("Congo, Democratic Rep. of", "Democratic Republic of the Congo"), ("Curaçao", "CURACAO")],
)  # fmt: skip
def test_spellings_of_one_name_share_a_normal_form(one: str, other: str) -> None:
    assert normal_form(one) == normal_form(other)
