"""A visit's roster import: upload the partner's CSV, a preview of every row and problem, then an atomic confirm."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tests.data import DATA
from tests.html import csrf_token
from tracker.csv_import import pack
from tracker.extensions import db
from tracker.models import Country, Delegate, Delegation, TimelineEntry, User, Visit

ROSTER = (DATA / "roster_spring_exchange.csv").read_bytes()


@pytest.fixture
def visit(staff: User) -> Visit:
    """A visit hosted by the signed-in staff member, with a Moldovan delegation that already lists Ion Ceban."""
    visit = factories.visit(host_id=factories.user(name="Host Person").id)
    moldova = factories.delegation(visit=visit, country=factories.country("MDA"), liaison=staff)
    factories.delegate(moldova, name="Ion Ceban", email="ion.ceban@police.md.example")
    return visit


def upload(client: FlaskClient, visit: Visit, content: bytes, filename: str = "roster.csv") -> tuple[int, str]:
    url = f"/visits/{visit.id}/roster"
    data = {"csrf_token": csrf_token(client.get(url)), "file": (io.BytesIO(content), filename)}
    response = client.post(url, data=data, content_type="multipart/form-data")
    return response.status_code, " ".join(response.get_data(as_text=True).split())


def confirm(client: FlaskClient, visit: Visit, preview: str, **extra: str) -> tuple[int, str]:
    fields = dict(re.findall(r'<input[^>]*name="(csrf_token|packed|filename)"[^>]*value="([^"]*)"', preview))
    response = client.post(f"/visits/{visit.id}/roster/confirm", data={**fields, **extra}, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def delegates_of(visit: Visit) -> dict[str, tuple[str, str | None, str, str]]:
    """Every delegate of the visit by name: (country, email, language, the delegation's liaison)."""
    rows = db.session.execute(
        select(Delegate.name, Country.iso3, Delegate.email, Delegate.preferred_language, User.name)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(Country, Country.id == Delegation.country_id)
        .join(User, User.id == Delegation.liaison_id)
        .where(Delegation.visit_id == visit.id)
    )
    return {name: (iso3, email, language, liaison) for name, iso3, email, language, liaison in rows}


def test_the_visit_page_links_to_the_import(signed_in: FlaskClient, visit: Visit) -> None:
    page = signed_in.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f'href="/visits/{visit.id}/roster"' in page


def test_the_preview_shows_every_row_and_problem_and_changes_nothing(signed_in: FlaskClient, visit: Visit) -> None:
    before = delegates_of(visit)
    status, page = upload(signed_in, visit, ROSTER)
    assert status == 200
    assert "10 rows: 5 to add, 2 duplicate, 3 invalid. Nothing has changed yet." in page
    assert "3 rows cannot be imported" in page
    assert re.search(r'data-label="Line">8</td><td data-label="As written">Mr Tumnus · Narnia</td>'
                     r'<td data-label="Problem">no country is known as “Narnia”', page)  # fmt: skip
    assert re.search(r'data-label="Line">9</td>.*?no name given', page)
    assert re.search(r'data-label="Line">10</td>.*?“not-an-email” is not an email address', page)
    assert "already a delegate from Moldova: skipped" in page  # line 5: Ion Ceban is there
    assert "same email as line 6: skipped" in page  # line 11: Elena Rusu twice, the address in capitals
    assert "language “Klingon” not recognised: English assumed" in page
    assert "3 new delegations" in page and "Côte d&#39;Ivoire, South Korea, Thailand" in page
    assert "<strong>Host Person</strong> as liaison (the visit&#39;s host)" in page
    assert delegates_of(visit) == before


def test_confirming_with_problems_is_refused_unless_they_are_skipped(signed_in: FlaskClient, visit: Visit) -> None:
    _, preview = upload(signed_in, visit, ROSTER)
    status, page = confirm(signed_in, visit, preview)
    assert status == 200 and "3 row(s) cannot be imported; nothing was changed." in page
    assert set(delegates_of(visit)) == {"Ion Ceban"}
    assert db.session.scalar(select(func.count()).select_from(Delegation).where(Delegation.visit_id == visit.id)) == 1

    status, page = confirm(signed_in, visit, preview, skip_invalid="y")
    assert status == 200 and "Imported roster.csv: 5 delegate(s) added, in 3 new delegation(s)." in page
    delegates = delegates_of(visit)
    assert delegates["Aminata Koné"] == ("CIV", "aminata.kone@justice.ci.example", "fr", "Host Person")
    assert delegates["Yao Kouassi"][2] == "fr"  # "français"
    assert delegates["Elena Rusu"][:3] == ("MDA", "elena.rusu@lastrada.md.example", "ro")
    assert delegates["Elena Rusu"][3] != "Host Person"  # Moldova's delegation was there, with its own liaison
    assert delegates["Kim Min-jun"][:3] == ("KOR", "minjun.kim@mogef.kr.example", "ko")
    assert delegates["Nok Srisuk"][2] == "en"
    assert "Mr Tumnus" not in delegates and "Somchai Prasert" not in delegates
    summaries = set(db.session.scalars(select(TimelineEntry.summary)))
    assert {"Delegate Aminata Koné added", "Delegate Elena Rusu added", "Delegation from Thailand added to "
            f"{visit.title}"} <= summaries  # fmt: skip
    thailand = db.session.scalar(
        select(Delegation).join(Country).where(Delegation.visit_id == visit.id, Country.iso3 == "THA")
    )
    assert thailand.tier is not None and thailand.tier_report_year == 2015  # as for a delegation added by hand


def test_importing_the_same_roster_again_adds_nobody(signed_in: FlaskClient, visit: Visit) -> None:
    _, preview = upload(signed_in, visit, ROSTER)
    confirm(signed_in, visit, preview, skip_invalid="y")
    status, page = upload(signed_in, visit, ROSTER)
    assert "10 rows: 0 to add, 7 duplicate, 3 invalid" in page
    assert "new delegation" not in page and "Nothing to add" in page and "Add 0" not in page


def test_a_delegate_without_email_is_known_by_name(signed_in: FlaskClient, visit: Visit) -> None:
    content = "Country,Name\nMoldova,ION CEBAN\nPeru,Rosa Quispe\nPeru,Rosa  Quispé\n".encode()
    _, preview = upload(signed_in, visit, content)
    assert "3 rows: 1 to add, 2 duplicate" in preview
    assert "already a delegate from Moldova: skipped" in preview and "same name as line 3: skipped" in preview


def test_a_windows_spreadsheet_file_is_read_and_said_so(signed_in: FlaskClient, visit: Visit) -> None:
    content = "Country,Name,Organization\r\nFrance,Renée Lefèvre,Ministère de l'Intérieur\r\n".encode("cp1252")
    status, page = upload(signed_in, visit, content)
    assert status == 200
    assert "it was read as Windows-1252" in page and "Renée Lefèvre" in page and "Ministère" in page


def test_tabs_first_and_last_names_and_headers_in_any_case(signed_in: FlaskClient, visit: Visit) -> None:
    content = b"COUNTRY CODE\tFirst name\tSURNAME\tJob Title\tEMAIL ADDRESS\tpreferred language\n" \
              b"THA\tNok\tSrisuk\tSocial worker\tnok@m-society.th.example\tth\n"  # fmt: skip
    _, preview = upload(signed_in, visit, content)
    assert "1 rows: 1 to add" in preview
    status, page = confirm(signed_in, visit, preview)
    assert "1 delegate(s) added" in page
    assert delegates_of(visit)["Nok Srisuk"][:3] == ("THA", "nok@m-society.th.example", "th")


def test_a_visit_without_a_host_on_the_staff_gives_new_delegations_to_the_importer(
    signed_in: FlaskClient, staff: User
) -> None:
    visit = factories.visit()
    _, preview = upload(signed_in, visit, b"Country,Name\nPeru,Rosa Quispe\n")
    assert f"<strong>{staff.name}</strong> as liaison (you" in preview
    confirm(signed_in, visit, preview)
    assert delegates_of(visit)["Rosa Quispe"] == ("PER", None, "en", staff.name)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"Name;Email\nAna;ana@example.org\n", "The first row must name the columns"),
        (b"Country;Name\n", "The file has a header but no rows."),
        (b"\x00\x01\x02PK", "This is not a text file."),
        (b",,,\n,,\n", "no header row"),
    ],
)
def test_a_file_that_is_not_a_roster_gets_a_message(
    signed_in: FlaskClient, visit: Visit, content: bytes, message: str
) -> None:
    status, page = upload(signed_in, visit, content)
    assert status == 200 and message in page


@pytest.mark.parametrize("damage", ["tampered", "another visit", "empty"])
def test_a_damaged_confirmation_changes_nothing(signed_in: FlaskClient, visit: Visit, damage: str) -> None:
    other = factories.visit()
    packed = {
        "tampered": pack(b"Country,Name\nPeru,Rosa\n", f"roster:{visit.id}")[:-3] + "abc",
        "another visit": pack(b"Country,Name\nPeru,Rosa\n", f"roster:{other.id}"),
        "empty": "",
    }[damage]
    token = csrf_token(signed_in.get(f"/visits/{visit.id}/roster"))
    data = {"csrf_token": token, "packed": packed, "filename": "roster.csv"}
    response = signed_in.post(f"/visits/{visit.id}/roster/confirm", data=data)
    assert response.status_code == 200 and "Upload the file again." in response.get_data(as_text=True)
    assert set(delegates_of(visit)) == {"Ion Ceban"}


def test_a_new_delegate_is_found_by_search_at_once(signed_in: FlaskClient, visit: Visit) -> None:
    _, preview = upload(signed_in, visit, b"Country,Name\nPeru,Rosa Quispe\n")
    confirm(signed_in, visit, preview)
    page = signed_in.get("/search", query_string={"q": "quispe"}).get_data(as_text=True)
    assert "<mark>Quispe</mark>" in page
