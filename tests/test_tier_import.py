"""``tracker tiers import`` on files shaped like the real ones: all rows or none, every problem with its line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from tests import factories
from tests.data import DATA
from tracker.countries.reference import BUNDLED_TIERS
from tracker.extensions import db
from tracker.models import Country, Tier, TierPlacement, TimelineEntry

BUNDLED_ROWS = 2251


def _import(runner: FlaskCliRunner, tmp_path: Path, content: bytes | str, *args: str) -> Result:
    path = tmp_path / "tiers.csv"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return runner.invoke(args=["tiers", "import", str(path), *args])


def _placement(iso3: str, year: int) -> Tier | None:
    return db.session.scalar(
        select(TierPlacement.tier).join(TierPlacement.country).where(Country.iso3 == iso3, TierPlacement.year == year)
    )


def _count() -> int:
    return db.session.scalar(select(func.count(TierPlacement.id))) or 0


def _history() -> list[tuple[str, int, Tier]]:
    rows = db.session.execute(
        select(Country.iso3, TierPlacement.year, TierPlacement.tier).join(TierPlacement.country).order_by(Country.iso3)
    )
    return sorted(tuple(row) for row in rows)  # type: ignore[misc]


pytestmark = pytest.mark.usefixtures("restore_tier_history")


def _bundled_history() -> list[tuple[str, int, Tier]]:
    labels = {tier.label: tier for tier in Tier}
    with BUNDLED_TIERS.open(encoding="utf-8") as handle:
        return sorted((row["iso3"], int(row["year"]), labels[row["tier"]]) for row in csv.DictReader(handle))


# --- Done when: a full year as published resolves; the history round-trips; the source changes nothing.


def test_a_full_year_of_the_report_as_published_resolves_every_row(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = _import(runner, tmp_path, (DATA / "tip_2015_as_published.csv").read_bytes(), "--year", "2015")
    assert result.exit_code == 0, result.output
    assert "188 rows: 2 added, 0 changed, 186 unchanged." in result.stdout
    assert result.stderr == ""
    assert (_placement("USA", 2015), _placement("SOM", 2015)) == (Tier.TIER_1, Tier.SPECIAL_CASE)
    assert (_placement("MMR", 2015), _placement("PRK", 2015)) == (Tier.TIER_2_WATCH_LIST, Tier.TIER_3)
    assert _count() == BUNDLED_ROWS + 2


def test_re_importing_the_same_file_changes_nothing(runner: FlaskCliRunner, tmp_path: Path) -> None:
    published = (DATA / "tip_2015_as_published.csv").read_bytes()
    assert _import(runner, tmp_path, published, "--year", "2015").exit_code == 0
    before = _history()
    again = _import(runner, tmp_path, published, "--year", "2015")
    assert again.exit_code == 0
    assert "188 rows: 0 added, 0 changed, 188 unchanged." in again.stdout
    assert _history() == before


def test_the_exported_history_reproduces_the_bundled_data_year_by_year(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["export", "tiers"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["iso3", "country", "year", "tier"]
    exported = sorted((iso3, int(year), next(t for t in Tier if t.label == tier)) for iso3, _, year, tier in rows[1:])
    assert exported == _bundled_history()
    for year in range(2001, 2016):
        assert [r for r in exported if r[1] == year] == [r for r in _bundled_history() if r[1] == year], year


def test_importing_the_export_changes_nothing(runner: FlaskCliRunner, tmp_path: Path) -> None:
    exported = runner.invoke(args=["export", "tiers"]).output
    result = _import(runner, tmp_path, exported)
    assert result.exit_code == 0, result.output
    assert f"{BUNDLED_ROWS} rows: 0 added, 0 changed, {BUNDLED_ROWS} unchanged." in result.stdout


def test_the_source_of_the_bundled_history_imports_without_a_change(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """The book's file in its ordinal coding (detected from its 4s), KOS for Kosovo, NA rows left out."""
    result = _import(runner, tmp_path, (DATA / "scorecard_tiers_1999_2015.csv").read_bytes())
    assert result.exit_code == 0, result.output
    assert "ordinal coding" in result.stdout
    assert f"3208 rows: 0 added, 0 changed, {BUNDLED_ROWS} unchanged, 957 skipped." in result.stdout
    assert _history() == _bundled_history()


# --- Files as people save them.

SHAPES = {
    "stray spaces, a quoted name with a comma": 'Country , Tier \n  Burma  ,  Tier 2 Watch List \n"Korea, North", 3\n',
    "a byte-order mark and CRLF": '\ufeffCountry,Tier\r\nBurma,Tier 2 Watch List\r\n"Korea, North",Tier 3\r\n',
    "semicolons and a decimal comma": 'Country;Tier\nBurma;2,5\n"Korea, North";3\n',
    "tabs and the report's numbers": "Country\tTier\nBurma\t2.5\nKorea, North\t3\n",
    "codes instead of names": "iso3,tier\nmmr,Watchlist\nPRK,Tier 3\n",
    "labels in other words": "Name,Tier placement\nMyanmar,Tier 2WL\nNorth Korea,TIER 3\n",
    "blank lines and extra columns": 'Country,Tier,Notes\n\nBurma,2WL,"downgraded, see text"\n\nKorea (North),3,\n\n',
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_real_world_shapes_are_read(runner: FlaskCliRunner, tmp_path: Path, shape: str) -> None:
    result = _import(runner, tmp_path, shape, "--year", "2016")
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 added, 0 changed, 0 unchanged." in result.stdout
    assert (_placement("MMR", 2016), _placement("PRK", 2016)) == (Tier.TIER_2_WATCH_LIST, Tier.TIER_3)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_a_spreadsheets_encodings_are_read(runner: FlaskCliRunner, tmp_path: Path, encoding: str) -> None:
    result = _import(runner, tmp_path, "Country,Year,Tier\nCôte d'Ivoire,2016,Tier 2\n".encode(encoding))
    assert result.exit_code == 0, result.output
    assert _placement("CIV", 2016) is Tier.TIER_2


def test_both_numeric_conventions(runner: FlaskCliRunner, tmp_path: Path) -> None:
    """3 is Tier 3 in the report's numbering and the Watch List in the ordinal coding (chosen or detected)."""
    assert _import(runner, tmp_path, "Country,Tier\nThailand,3\n", "--year", "2016").exit_code == 0
    assert _placement("THA", 2016) is Tier.TIER_3
    ordinal = _import(runner, tmp_path, "Country,Tier\nThailand,3\n", "--year", "2016", "--numbering", "ordinal")
    assert ordinal.exit_code == 0 and "1 changed" in ordinal.stdout
    assert _placement("THA", 2016) is Tier.TIER_2_WATCH_LIST
    detected = _import(runner, tmp_path, "Country,Year,Tier\nThailand,2017,3\nBurma,2017,4\n")
    assert detected.exit_code == 0 and "ordinal coding" in detected.stdout
    assert (_placement("THA", 2017), _placement("MMR", 2017)) == (Tier.TIER_2_WATCH_LIST, Tier.TIER_3)
    special = _import(runner, tmp_path, "Country,Year,Tier\nSomalia,2016,666\nAndorra,2016,555\nMonaco,2016,\n")
    assert special.exit_code == 0
    assert [_placement(c, 2016) for c in ("SOM", "AND", "MCO")] == [Tier.SPECIAL_CASE, Tier.NOT_RATED, Tier.NOT_RATED]


# --- Bad files change nothing and say why.


def test_unknown_names_and_tiers_are_all_reported_and_nothing_changes(runner: FlaskCliRunner, tmp_path: Path) -> None:
    content = "Country,Tier\nBurma,2.5\nNarnia,2\nThailand,Tier 4\nMoldova,2\nAtlantis,7\n"
    before = _history()
    result = _import(runner, tmp_path, content, "--year", "2016")
    assert result.exit_code == 1
    assert "line 3: Narnia: no country is known as “Narnia”" in result.stderr
    assert "line 4: Thailand: “Tier 4” is not a tier" in result.stderr
    assert "line 6: Atlantis: no country is known as “Atlantis”" in result.stderr
    assert "3 row(s) cannot be imported; nothing was changed." in result.stderr
    assert "--skip-invalid" in result.stderr
    assert _history() == before


def test_skip_invalid_imports_the_other_rows(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = _import(runner, tmp_path, "Country,Tier\nBurma,2.5\nNarnia,2\n", "--year", "2016", "--skip-invalid")
    assert result.exit_code == 0
    assert "line 3: Narnia: no country is known as “Narnia”" in result.stderr
    assert "2 rows: 1 added, 0 changed, 0 unchanged, 1 invalid." in result.stdout
    assert _placement("MMR", 2016) is Tier.TIER_2_WATCH_LIST


def test_duplicate_rows_count_once_and_conflicting_ones_are_refused(runner: FlaskCliRunner, tmp_path: Path) -> None:
    same = _import(runner, tmp_path, "Country,Tier\nBurma,2.5\nMyanmar,Tier 2 Watch List\n", "--year", "2016")
    assert same.exit_code == 0
    assert "line 3: Myanmar: duplicate, same as line 2" in same.stdout
    assert "2 rows: 1 added, 0 changed, 0 unchanged, 1 duplicate." in same.stdout
    before = _history()
    conflicting = _import(runner, tmp_path, "Country,Tier\nChad,2\nChad,3\n", "--year", "2016")
    assert conflicting.exit_code == 1
    assert "line 2: Chad: Chad 2016 is Tier 3 on line 3 as well" in conflicting.stderr
    assert "line 3: Chad: Chad 2016 is Tier 3 here but Tier 2 on line 2" in conflicting.stderr
    assert _history() == before


def test_a_changed_past_year_is_corrected(runner: FlaskCliRunner, tmp_path: Path) -> None:
    assert _placement("MDA", 2014) is Tier.TIER_2
    result = _import(runner, tmp_path, "country,year,tier\nMoldova,2014,Tier 2 Watch List\n")
    assert result.exit_code == 0
    assert "1 rows: 0 added, 1 changed, 0 unchanged." in result.stdout
    assert _placement("MDA", 2014) is Tier.TIER_2_WATCH_LIST


BAD_FILES = {
    "empty": (b"", [], "The file is empty."),
    "only blank lines": (b"\n \n\n", [], "The file is empty."),
    "only empty cells": (b'""\r\n', [], "The file has no header row"),  # found by tests/test_hostile_imports.py
    "a header and no rows": (b"Country,Tier\n", ["--year", "2016"], "The file has a header but no rows."),
    "not CSV (an image)": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["--year", "2016"], "This is not a text file."),
    "not CSV (a spreadsheet)": (b"PK\x03\x04\x14\x00\x06\x00", ["--year", "2016"], "This is not a text file."),
    "prose": (b"Dear colleagues, please find the tiers attached.\n", ["--year", "2016"], "must name the columns"),
    "no tier column": (b"Country,Year\nBurma,2016\n", [], "must name the columns"),
    "no year column nor --year": (b"Country,Tier\nBurma,2\n", [], "no year column: give the report year"),
    "a year column and --year": (b"Country,Year,Tier\nBurma,2016,2\n", ["--year", "2016"], "its own year column"),
    "both numberings": (b"Country,Tier\nBurma,4\nChad,2.5\n", ["--year", "2016"], "mixes the report's numbers"),
}


@pytest.mark.parametrize(("content", "args", "message"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_file_that_is_no_tier_table_changes_nothing(
    runner: FlaskCliRunner, tmp_path: Path, content: bytes, args: list[str], message: str
) -> None:
    before = _history()
    result = _import(runner, tmp_path, content, *args)
    assert result.exit_code == 1
    assert message in result.stderr and "Nothing was imported." in result.stderr
    assert _history() == before


BAD_ROWS = {
    "an unquoted name with a comma": (
        "Country,Year,Tier\nKorea, North,2016,3\n",
        "a name with a comma must be in quotes",
    ),
    "a missing tier cell": ("Country,Year,Tier\nBurma,2016\n", "has 2 value(s) where the header names 3 columns"),
    "a year that is no year": ("Country,Year,Tier\nBurma,last year,2\n", "“last year” is not a year"),
    "a year before the first report": ("Country,Year,Tier\nBurma,1999,2\n", "1999 is before the first TIP report"),
    "a report not published yet": ("Country,Year,Tier\nBurma,2099,2\n", "there is no 2099 TIP report yet"),
    "a code and a name that disagree": ("iso3,country,year,tier\nMDA,Ukraine,2016,2\n", "the code MDA is Moldova"),
    "an unknown code": ("iso3,year,tier\nZZZ,2016,2\n", "“ZZZ” is not a country code the tracker knows"),
    "a qualifier that is not understood": ("Country,Year,Tier\nCongo (DRC),2016,2\n", "no country is known as"),
}


@pytest.mark.parametrize(("content", "problem"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_row_is_reported_with_its_line(
    runner: FlaskCliRunner, tmp_path: Path, content: str, problem: str
) -> None:
    before = _history()
    result = _import(runner, tmp_path, content)
    assert result.exit_code == 1
    assert result.stderr.startswith("line 2: ") and problem in result.stderr
    assert _history() == before


def test_not_rated_rows_before_the_first_report_are_left_out(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = _import(runner, tmp_path, "Country,Year,Tier\nBurma,1999,NA\nBurma,2016,2.5\n")
    assert result.exit_code == 0
    assert "1 row(s) left out: no TIP report before 2001" in result.stdout


def test_a_missing_file_is_a_usage_error(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["tiers", "import", str(tmp_path / "nowhere.csv")])
    assert result.exit_code == 2 and "No such file" in result.output


def test_an_import_from_the_command_line_adds_no_timeline_entry_for_past_years(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    factories.delegation(country=factories.country("MDA"))
    assert _import(runner, tmp_path, "country,year,tier\nMoldova,2014,3\n").exit_code == 0
    assert db.session.scalar(select(func.count(TimelineEntry.id))) == 0
