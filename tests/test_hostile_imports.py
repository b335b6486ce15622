"""Arbitrary CSV tables to every importer, on the command line and through its upload page (SPEC §8): never a crash
or a server error; a refused import changes nothing.

The tables are built from each importer's columns (so that rows get past the header into the row rules), with
cells near and far from what the columns hold, in any separator and encoding; some are bytes of no table at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from tests.hostile import is_refusal, refusal_changes_nothing, submissions, texts
from tests.html import forms
from tests.routes import client_as


@dataclass(frozen=True)
class Importer:
    """A CSV importer: its command (the file's path comes next) and options, its upload page, and its columns
    (header → cells)."""

    name: str
    command: list[str]
    options: st.SearchStrategy[list[str]]
    upload_page: str
    columns: dict[str, st.SearchStrategy[str]]


countries = st.one_of(
    st.sampled_from(["Moldova", "MDA", "Korea, North", "Burma", "Côte d'Ivoire", "Congo, Democratic Rep. of",
                     "St. Maarten", "Kosovo", "XKX", "KOS", "Atlantis", "ATL", "The Gambia", ""]),
    texts,
)
tiers = st.one_of(
    st.sampled_from(["1", "2", "2.5", "3", "4", "555", "666", "Tier 2 Watch List", "Watchlist", "Tier 2WL",
                     "Special Case", "Not rated", "NA", "", "Tier 9", "2.0"]),
    texts,
)
years = st.one_of(st.integers(min_value=1995, max_value=2030).map(str), texts)

TIER_IMPORT = Importer(
    name="tiers",
    command=["tiers", "import"],
    options=st.lists(st.sampled_from(["--year", "2016", "--numbering", "report", "ordinal", "--skip-invalid", "0",
                                      str(10**30)]), max_size=4),
    upload_page="/admin/tiers/import",
    columns={"country": countries, "Country": countries, "name": countries, "iso3": countries, "code": countries,
             "tier": tiers, "Tier": tiers, "placement": tiers, "year": years, "Year": years},
)

#: Every CSV importer of the app. (The delegate roster import, built apart in issue 7, adds its Importer here.)
IMPORTERS = [TIER_IMPORT]


@st.composite
def tables(draw: st.DrawFn, columns: dict[str, st.SearchStrategy[str]]) -> bytes:
    """A CSV table of some of the importer's columns and others, or any bytes."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(st.binary(max_size=400))
    header = draw(st.lists(st.one_of(st.sampled_from(sorted(columns)), texts), max_size=5))
    rows = draw(st.lists(st.tuples(*(columns.get(name, texts) for name in header)), max_size=6))
    text = io.StringIO()
    csv.writer(text, delimiter=draw(st.sampled_from([",", ";", "\t"]))).writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.getvalue().encode(encoding, errors="replace")


@pytest.mark.usefixtures("restore_tier_history")
@pytest.mark.parametrize("importer", IMPORTERS, ids=[importer.name for importer in IMPORTERS])
def test_arbitrary_tables_on_the_command_line_never_crash_and_a_refusal_changes_nothing(
    runner: FlaskCliRunner, tmp_path: Path, importer: Importer
) -> None:
    path = tmp_path / "table.csv"

    @given(tables(importer.columns), importer.options)
    def run(table: bytes, options: list[str]) -> None:
        path.write_bytes(table)

        def import_table() -> bool:
            result = runner.invoke(args=[*importer.command, str(path), *options])
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
            assert result.exit_code in (0, 1, 2), result.output  # 1: refused with the reasons; 2: a bad option
            return result.exit_code != 0

        refusal_changes_nothing(import_table)

    run()


@pytest.mark.usefixtures("restore_tier_history")
@pytest.mark.parametrize("importer", IMPORTERS, ids=[importer.name for importer in IMPORTERS])
def test_arbitrary_tables_uploaded_and_confirmed_never_fail_and_a_refusal_changes_nothing(
    client: FlaskClient, importer: Importer
) -> None:
    client = client_as("admin", client)
    page = importer.upload_page
    [upload] = [form for form in forms(client.get(page), page) if form.action == page]
    [file_field] = [control.name for control in upload.fields if control.kind == "file"]

    @given(tables(importer.columns), submissions(upload), st.booleans())
    def upload_and_confirm(table: bytes, settings: MultiDict[str, object], skip_invalid: bool) -> None:
        settings.setlist(file_field, [(BytesIO(table), "table.csv")])
        answers: list[TestResponse] = []

        def send(url: str, data: MultiDict[str, object] | dict[str, object]) -> bool:
            answers.append(client.post(url, data=data))
            assert answers[-1].status_code < 500, answers[-1].get_data(as_text=True)[-2000:]
            return is_refusal(answers[-1]) or url == page  # a preview changes nothing, whatever it says

        refusal_changes_nothing(lambda: send(page, settings))
        for confirm in [form for form in forms(answers[0], page) if form.action.startswith(f"{page}/")]:
            extra = {"skip_invalid": "y"} if skip_invalid else {}
            refusal_changes_nothing(lambda: send(confirm.action, confirm.data(**extra)))  # noqa: B023 (called here)

    upload_and_confirm()
