"""The admin tier import: upload, a preview of every row and problem, then confirm; nothing changes before."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.data import DATA
from tests.html import csrf_token
from tracker.admin.tier_import import PURPOSE
from tracker.csv_import import pack
from tracker.extensions import db
from tracker.models import Country, Tier, TierPlacement, TimelineEntry, User

pytestmark = pytest.mark.usefixtures("restore_tier_history")

MIXED = b'Country;Tier\nMoldova;Tier 2 Watch List\n"Korea, North";3\nNarnia;2\nChad;7\n'


@pytest.fixture
def as_admin(client: FlaskClient, admin: User) -> FlaskClient:
    sign_in(client, admin)
    return client


def _upload(client: FlaskClient, content: bytes, year: str = "2016", filename: str = "tip.csv") -> str:
    token = csrf_token(client.get("/admin/tiers/import"))
    data = {"csrf_token": token, "year": year, "numbering": "", "file": (io.BytesIO(content), filename)}
    response = client.post("/admin/tiers/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _confirm(client: FlaskClient, preview: str, **extra: str) -> tuple[int, str]:
    fields = dict(
        re.findall(r'<input[^>]*name="(csrf_token|packed|filename|year|numbering)"[^>]*value="([^"]*)"', preview)
    )
    response = client.post("/admin/tiers/import/confirm", data={**fields, **extra}, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def _placement(iso3: str, year: int) -> Tier | None:
    return db.session.scalar(
        select(TierPlacement.tier).join(TierPlacement.country).where(Country.iso3 == iso3, TierPlacement.year == year)
    )


def test_the_admin_menu_links_to_the_import(as_admin: FlaskClient) -> None:
    assert 'href="/admin/tiers/import"' in as_admin.get("/admin/").get_data(as_text=True)


def test_the_preview_shows_every_row_and_every_problem_and_changes_nothing(as_admin: FlaskClient) -> None:
    preview = _upload(as_admin, MIXED)
    assert "4 rows: 2 added, 0 changed, 0 unchanged, 2 invalid. Nothing has changed yet." in preview
    assert "2 rows cannot be imported" in preview
    assert "no country is known as “Narnia”" in preview
    assert "“7” is not a tier" in preview
    for written in ("Moldova", "Korea, North", "Narnia", "Chad"):
        assert f'<td data-label="As written">{written}' in preview
    assert "North Korea" in preview and "Tier 2 Watch List" in preview
    assert _placement("MDA", 2016) is None


def test_confirming_with_problems_is_refused_unless_asked_to_skip(as_admin: FlaskClient) -> None:
    preview = _upload(as_admin, MIXED)
    status, page = _confirm(as_admin, preview)
    assert status == 200 and "2 row(s) cannot be imported; nothing was changed." in page
    assert _placement("MDA", 2016) is None
    status, page = _confirm(as_admin, preview, skip_invalid="y")
    assert status == 200 and "Imported tip.csv: 4 rows: 2 added" in page
    assert (_placement("MDA", 2016), _placement("PRK", 2016)) == (Tier.TIER_2_WATCH_LIST, Tier.TIER_3)


def test_a_clean_file_imports_and_records_tier_moves_by_the_admin(as_admin: FlaskClient, admin: User) -> None:
    delegation = factories.delegation(country=factories.country("MDA"))
    preview = _upload(as_admin, (DATA / "tip_2015_as_published.csv").read_bytes(), year="2015")
    assert "188 rows: 2 added, 0 changed, 186 unchanged." in preview and "cannot be imported" not in preview
    status, page = _confirm(as_admin, _upload(as_admin, b"Country,Tier\nMoldova,Tier 3\n", year="2016"))
    assert status == 200 and "1 tier change(s) recorded on 1 active delegation timeline(s)." in page
    entry = db.session.scalars(select(TimelineEntry).where(TimelineEntry.delegation_id == delegation.id)).one()
    assert entry.actor_id == admin.id
    assert entry.summary == "Moldova moved from Tier 2 to Tier 3 in the 2016 report"


BAD_UPLOADS = {
    "an empty file": (b"", "2016", "The file is empty."),
    "an image": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "2016", "This is not a text file."),
    "no year anywhere": (b"Country,Tier\nBurma,2\n", "", "The file has no year column"),
    "a year that is no year": (b"Country,Tier\nBurma,2\n", "soon", "Not a valid integer value"),
    "too large": (b"Country,Tier\n" + b"Burma,2\n" * 300_000, "2016", "larger than a tier table can be"),
}


@pytest.mark.parametrize(("content", "year", "message"), BAD_UPLOADS.values(), ids=BAD_UPLOADS.keys())
def test_a_bad_upload_gets_a_message(as_admin: FlaskClient, content: bytes, year: str, message: str) -> None:
    page = _upload(as_admin, content, year=year)
    assert message in page and "Preview the import" in page


@pytest.mark.parametrize("numbering", [" ", "roman"])
def test_a_numbering_that_is_no_choice_gets_a_message(as_admin: FlaskClient, numbering: str) -> None:
    token = csrf_token(as_admin.get("/admin/tiers/import"))
    table = io.BytesIO(b"Country,Tier,Year\nChad,2,2016\n")
    data = {"csrf_token": token, "numbering": numbering, "file": (table, "t.csv")}
    response = as_admin.post("/admin/tiers/import", data=data)
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)


def test_no_file_gets_a_message(as_admin: FlaskClient) -> None:
    token = csrf_token(as_admin.get("/admin/tiers/import"))
    response = as_admin.post("/admin/tiers/import", data={"csrf_token": token, "year": "2016"})
    assert response.status_code == 200 and "Choose a CSV file." in response.get_data(as_text=True)


DAMAGED = {
    "not packed": lambda: "not base64!",
    "cut short": lambda: pack(b"x" * 10, PURPOSE)[:-4],
    "too large": lambda: pack(b"\x00" * 3_000_000, PURPOSE),
    "empty": lambda: "",
    "packed for another import": lambda: pack(b"Country;Tier\nMoldova;1\n", "roster:1"),
    "unsigned": lambda: pack(b"Country;Tier\nMoldova;1\n", PURPOSE).rsplit(".", 1)[0],
}


@pytest.mark.parametrize("damage", DAMAGED)
def test_a_damaged_confirmation_changes_nothing(as_admin: FlaskClient, damage: str) -> None:
    packed = DAMAGED[damage]()
    token = csrf_token(as_admin.get("/admin/tiers/import"))
    data = {"csrf_token": token, "packed": packed, "filename": "tip.csv", "year": "2016", "numbering": ""}
    response = as_admin.post("/admin/tiers/import/confirm", data=data)
    assert response.status_code == 200
    assert "Upload the file again." in response.get_data(as_text=True)
    assert _placement("MDA", 2016) is None
