"""Every list exports exactly the rows its filters select (all pages of them) as streamed CSV, and the new list
filters (delivery, overdue on a day, tier, region, country, year, time without contact) select what they say."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests import factories
from tests.conftest import sign_in
from tests.queries import counting_queries
from tracker.clock import today
from tracker.extensions import db
from tracker.models import ContactChannel, ContactLog, DelegationStatus, OutboxStatus, RequestStatus, Tier, User


@pytest.fixture(autouse=True)
def two_per_page(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists of a few rows span several pages, so an export must hold more than the page it was asked from."""
    monkeypatch.setitem(app.config, "PER_PAGE", 2)


def _csv(client: FlaskClient, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.is_streamed and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a byte-order mark, for spreadsheets"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _ids_on_every_page(client: FlaskClient, url: str, link: str) -> list[int]:
    """The ids the list links to, page after page, in the list's order."""
    found: list[int] = []
    separator = "&" if "?" in url else "?"
    for number in range(1, 50):
        page = client.get(f"{url}{separator}page={number}").get_data(as_text=True)
        found += [int(i) for i in dict.fromkeys(re.findall(rf'href="/{link}/(\d+)"', page))]
        if 'rel="next"' not in page:
            return found
    raise AssertionError("more pages than expected")


def _utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def requests() -> dict[str, object]:
    """Moldova (Tier 2, 2024): delivered on time, delivered late, overdue. Thailand (Tier 3, 2025): open not yet due,
    delivered late, declined."""
    day = today()
    mda = factories.delegation(visit=factories.visit(starts_on=date(2024, 4, 1)), country=factories.country("MDA"),
                               tier=Tier.TIER_2)  # fmt: skip
    tha = factories.delegation(visit=factories.visit(starts_on=date(2025, 4, 1)), country=factories.country("THA"),
                               tier=Tier.TIER_3)  # fmt: skip
    made = {
        "on_time": factories.info_request(mda, title="On time", due_on=date(2024, 5, 10),
                                          status=RequestStatus.DELIVERED, delivered_at=_utc(date(2024, 5, 9))),
        "late": factories.info_request(mda, title="Late", due_on=date(2024, 5, 10), status=RequestStatus.CLOSED,
                                       delivered_at=_utc(date(2024, 6, 9)), created_at=_utc(date(2024, 4, 2))),
        "overdue": factories.info_request(mda, title="Overdue", due_on=day - timedelta(days=3)),
        "open": factories.info_request(tha, title="Not due", due_on=day + timedelta(days=3)),
        "late_tha": factories.info_request(tha, title="Late too", due_on=date(2025, 5, 1),
                                           status=RequestStatus.DELIVERED, delivered_at=_utc(date(2025, 5, 2))),
        "declined": factories.info_request(tha, title="Declined", due_on=date(2025, 5, 1),
                                           status=RequestStatus.DECLINED, status_reason="Elsewhere"),
    }  # fmt: skip
    return {name: r.id for name, r in made.items()} | {"MDA": mda.country_id, "THA": tha.country_id}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=", {"on_time", "late", "overdue", "open", "late_tha", "declined"}),
        ("", {"overdue", "open"}),
        ("delivery=overdue", {"overdue"}),
        ("delivery=delivered&status=", {"on_time", "late", "late_tha"}),
        ("delivery=on_time&status=", {"on_time"}),
        ("delivery=late&status=", {"late", "late_tha"}),
        ("tier=tier_3&status=", {"open", "late_tha", "declined"}),
        ("region=europe&status=", {"on_time", "late", "overdue"}),
        ("year=2025&status=", {"open", "late_tha", "declined"}),
        ("COUNTRY&delivery=late&status=", {"late"}),
        ("overdue_on=2024-06-01&status=", {"late"}),
        ("overdue_on=2024-05-10&status=", set()),
    ],
)
def test_request_filters_and_the_export_select_the_same_rows(
    signed_in: FlaskClient, requests: dict[str, int], query: str, expected: set[str]
) -> None:
    query = query.replace("COUNTRY", f"country={requests['MDA']}")
    listed = _ids_on_every_page(signed_in, f"/requests/?{query}", "requests")
    assert set(listed) == {requests[name] for name in expected}
    rows = _csv(signed_in, f"/requests/export.csv?{query}&page=2")  # the page a person was on does not matter
    assert [int(row[0]) for row in rows[1:]] == listed, "the same rows, in the list's order"


def test_delivered_requests_asked_for_among_open_ones_get_a_message(signed_in: FlaskClient,
                                                                    requests: dict[str, int]) -> None:
    page = signed_in.get("/requests/?delivery=late").get_data(as_text=True)
    assert "Delivered requests are not open" in page
    assert "Overdue" in page and "Not due" in page, "the invalid filter is not applied"


def test_delegation_filters_by_region_and_time_without_contact_and_exports_the_same(signed_in: FlaskClient) -> None:
    day = today()
    long_ago = factories.visit(starts_on=day - timedelta(days=400))
    recent = factories.visit(starts_on=day - timedelta(days=30))
    quiet = factories.delegation(visit=long_ago, country=factories.country("MDA"))
    contacted = factories.delegation(visit=long_ago, country=factories.country("UKR"))
    db.session.add(ContactLog(delegation_id=contacted.id, contacted_on=day - timedelta(days=20),
                              channel=ContactChannel.EMAIL, summary="Sent the study"))  # fmt: skip
    db.session.commit()
    just_back = factories.delegation(visit=recent, country=factories.country("MDA"))
    closed = factories.delegation(visit=long_ago, country=factories.country("THA"), status=DelegationStatus.CLOSED)

    def listed(query: str) -> set[int]:
        ids = _ids_on_every_page(signed_in, f"/delegations/?{query}", "delegations")
        rows = _csv(signed_in, f"/delegations/export.csv?{query}")
        assert [int(row[0]) for row in rows[1:]] == ids
        return set(ids)

    assert listed("") == {quiet.id, contacted.id, just_back.id, closed.id}
    assert listed("no_contact_days=90") == {quiet.id, closed.id}
    assert listed("no_contact_days=90&status=active") == {quiet.id}
    assert listed("no_contact_days=10") == {quiet.id, contacted.id, just_back.id, closed.id}
    assert listed("region=europe") == {quiet.id, contacted.id, just_back.id}
    # Filters combined (SQLite reads these in the list's order by walking the visits: see _read_in_order).
    assert listed("region=europe&status=active&no_contact_days=90") == {quiet.id}
    assert listed("status=closed") == {closed.id}
    assert listed(f"region=europe&year={long_ago.starts_on.year}") == {quiet.id, contacted.id}
    bad = signed_in.get("/delegations/?no_contact_days=-5&region=atlantis").get_data(as_text=True)
    assert "Number must be between 1 and 3650" in bad and "Not a valid choice" in bad


def test_visits_and_materials_export_their_filtered_rows(signed_in: FlaskClient) -> None:
    visits = [factories.visit(title=f"Exchange {n}", starts_on=date(2025, n, 1)) for n in range(1, 6)]
    factories.visit(title="Other year", starts_on=date(2024, 6, 1))
    listed = _ids_on_every_page(signed_in, "/visits/?year=2025", "visits")
    rows = _csv(signed_in, "/visits/export.csv?year=2025")
    assert rows[0] == ["id", "title", "starts_on", "ends_on", "partner", "location", "centre_host", "delegations"]
    assert [int(row[0]) for row in rows[1:]] == listed == [v.id for v in reversed(visits)]

    request = factories.info_request()
    for title in ("Comparative study A", "Comparative study B", "Comparative study C", "Training deck"):
        factories.material(request, title=title)
    listed = _ids_on_every_page(signed_in, "/materials/?q=study", "materials")
    rows = _csv(signed_in, "/materials/export.csv?q=study")
    assert [int(row[0]) for row in rows[1:]] == listed and len(listed) == 3
    assert rows[1][1:5] == ["Comparative study A", "1", "", "https://example.org/report"]


def test_follow_ups_export_both_lists_of_the_page(signed_in: FlaskClient) -> None:
    liaison = factories.user(name="Lia Ison")
    day = today()
    due = factories.delegation(visit=factories.visit(starts_on=day - timedelta(days=30)), liaison=liaison)
    quiet = factories.delegation(visit=factories.visit(starts_on=day - timedelta(days=600)), liaison=liaison,
                                 country=factories.country("THA"))  # fmt: skip
    factories.delegation(visit=factories.visit(starts_on=day - timedelta(days=30)))  # another liaison's

    rows = _csv(signed_in, f"/follow-ups/export.csv?liaison={liaison.id}")
    page = signed_in.get(f"/follow-ups?liaison={liaison.id}").get_data(as_text=True)

    assert rows[0][:3] == ["list", "delegation_id", "country"]
    listed = [(row[0], int(row[1])) for row in rows[1:]]
    assert ("Check-in due", due.id) in listed and ("Losing touch", quiet.id) in listed
    assert {i for _, i in listed} == {int(i) for i in re.findall(r'href="/delegations/(\d+)"', page)}
    assert all(row[5] == "Lia Ison" for row in rows[1:])


def test_the_mail_log_export_is_for_admins_and_keeps_times(client: FlaskClient, admin: User) -> None:
    failed = factories.outbox_message(status=OutboxStatus.FAILED, last_error="=cmd|' /C calc'!A0")
    factories.outbox_message(status=OutboxStatus.SENT, sent_at=datetime(2026, 1, 2, 9, 30, tzinfo=UTC))
    sign_in(client, admin)
    rows = _csv(client, "/admin/mail/export.csv?status=failed")
    assert [int(row[0]) for row in rows[1:]] == [failed.id]
    assert rows[1][-1] == "'=cmd|' /C calc'!A0", "a formula is defused"
    sent = _csv(client, "/admin/mail/export.csv?status=sent")
    assert sent[0][-2] == "sent_at_utc" and sent[1][-2] == "2026-01-02 09:30:00"


def test_the_cli_exports_the_columns_and_rows_of_the_unfiltered_web_exports(
    signed_in: FlaskClient, runner: FlaskCliRunner, requests: dict[str, int]
) -> None:
    factories.delegate(factories.delegation(country=factories.country("NGA")))
    for table, url in (("requests", "/requests/export.csv?status="), ("delegations", "/delegations/export.csv")):
        result = runner.invoke(args=["export", table])
        assert result.exit_code == 0, result.output
        cli = list(csv.reader(io.StringIO(result.output)))
        web = _csv(signed_in, url)
        assert web[0] == cli[0]
        assert sorted(web[1:]) == sorted(cli[1:]) and len(cli) > 3


@pytest.mark.parametrize(
    ("url", "add"),
    [
        ("/requests/export.csv?status=&region=europe", lambda: factories.info_request()),
        ("/delegations/export.csv?no_contact_days=30", lambda: factories.delegation()),
        ("/visits/export.csv", lambda: factories.visit()),
    ],
)
def test_exports_run_the_same_queries_for_3_rows_as_for_30(signed_in: FlaskClient, url: str,
                                                           add: Callable[[], object]) -> None:
    for _ in range(3):
        add()
    with counting_queries() as few:
        assert len(_csv(signed_in, url)) == 4
    for _ in range(27):
        add()
    with counting_queries() as many:
        assert len(_csv(signed_in, url)) == 31
    assert len(many) == len(few)


def test_every_list_has_an_export_link_with_its_filters_and_without_its_page(signed_in: FlaskClient) -> None:
    for url, export in (("/requests/?status=&kind=data&page=2", "/requests/export.csv?status=&amp;kind=data"),
                        ("/delegations/?region=africa", "/delegations/export.csv?region=africa"),
                        ("/visits/?year=2024", "/visits/export.csv?year=2024"),
                        ("/materials/?q=law", "/materials/export.csv?q=law"),
                        ("/follow-ups", "/follow-ups/export.csv"),
                        ("/health/?by=tier", "/health/export.csv?by=tier")):  # fmt: skip
        page = signed_in.get(url).get_data(as_text=True)
        assert f'href="{export}" download>Export CSV</a>' in page, url
