"""``tracker export delegations|requests``: CSV a spreadsheet can open safely, from a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskCliRunner

from tests import factories
from tests.queries import counting_queries
from tracker.exports.tables import spreadsheet_cell
from tracker.extensions import db
from tracker.models import ContactChannel, ContactLog, Priority, RequestKind, RequestStatus, Tier

DELEGATION_HEADINGS = [
    "id", "visit", "visit_starts_on", "country_iso3", "country", "tier_at_visit", "tier_report_year",
    "liaison", "status", "delegates", "open_requests", "last_contact",
]  # fmt: skip
REQUEST_HEADINGS = [
    "id", "delegation_id", "country", "visit", "kind", "title", "owner", "due_on",
    "priority", "status", "status_reason", "delivered_on", "created_on",
]  # fmt: skip


def _export(runner: FlaskCliRunner, table: str) -> list[list[str]]:
    result = runner.invoke(args=["export", table])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.output)))


def _contact(delegation_id: int, on: date) -> None:
    db.session.add(
        ContactLog(delegation_id=delegation_id, contacted_on=on, channel=ContactChannel.CALL, summary="Call")
    )
    db.session.commit()


DELEGATE_HEADINGS = ["name", "email", "organisation", "delegation_id", "country"]


@pytest.mark.parametrize(("table", "headings"), [("delegations", DELEGATION_HEADINGS), ("requests", REQUEST_HEADINGS),
                                                 ("delegates", DELEGATE_HEADINGS)])
def test_export_starts_with_the_exact_heading_row(runner: FlaskCliRunner, table: str, headings: list[str]) -> None:
    assert _export(runner, table) == [headings]


def test_delegation_row_shows_tier_label_counts_and_last_contact(runner: FlaskCliRunner) -> None:
    liaison = factories.user(name="Ana Liaison")
    visit = factories.visit(title="Victim services study tour", starts_on=date(2025, 3, 10))
    delegation = factories.delegation(
        visit=visit,
        country=factories.country("MDA"),
        liaison=liaison,
        tier=Tier.TIER_2_WATCH_LIST,
        tier_report_year=2015,
    )
    factories.delegate(delegation)
    factories.delegate(delegation)
    for status in (RequestStatus.NEW, RequestStatus.WAITING, RequestStatus.CLOSED):
        factories.info_request(delegation, status=status)
    _contact(delegation.id, date(2025, 3, 28))
    _contact(delegation.id, date(2025, 6, 9))
    other = factories.delegation(visit=visit, country=factories.country("UKR"), liaison=liaison)

    rows = _export(runner, "delegations")

    assert rows[1:] == [
        [str(delegation.id), "Victim services study tour", "2025-03-10", "MDA", "Moldova", "Tier 2 Watch List", "2015",
         "Ana Liaison", "Following up", "2", "2", "2025-06-09"],
        [str(other.id), "Victim services study tour", "2025-03-10", "UKR", "Ukraine", "", "", "Ana Liaison",
         "Following up", "0", "0", ""],
    ]  # fmt: skip


def test_request_row_shows_labels_dates_and_reason(runner: FlaskCliRunner) -> None:
    owner = factories.user(name="Ben Owner")
    visit = factories.visit(title="Legislation exchange")
    delegation = factories.delegation(visit=visit, country=factories.country("NGA"))
    declined = factories.info_request(
        delegation,
        kind=RequestKind.DATA,
        title="Conviction figures",
        owner_id=owner.id,
        due_on=date(2025, 5, 2),
        priority=Priority.URGENT,
        status=RequestStatus.DECLINED,
        status_reason="Confidential data",
        created_at=datetime(2025, 3, 12, 23, 30, tzinfo=UTC),
    )
    delivered = factories.info_request(
        delegation,
        owner_id=owner.id,
        status=RequestStatus.DELIVERED,
        delivered_at=datetime(2025, 4, 20, 9, 0, tzinfo=UTC),
        created_at=datetime(2025, 3, 13, 10, 0, tzinfo=UTC),
    )

    rows = _export(runner, "requests")

    assert rows[1] == [
        str(declined.id), str(delegation.id), "Nigeria", "Legislation exchange", "Data or statistics",
        "Conviction figures", "Ben Owner", "2025-05-02", "Urgent", "Declined", "Confidential data", "", "2025-03-12",
    ]  # fmt: skip
    assert rows[2][0] == str(delivered.id)
    assert rows[2][4:] == [
        "Draft-law review", delivered.title, "Ben Owner", "2025-04-30", "Normal", "Delivered", "", "2025-04-20",
        "2025-03-13",
    ]  # fmt: skip
    assert len(rows) == 3


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(start: str) -> None:
    assert spreadsheet_cell(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("Review of the law", "Review of the law"),
        ("a=b", "a=b"),
        (12, 12),
        (None, ""),
        (date(2025, 1, 2), "2025-01-02"),
    ],
)
def test_other_cells_are_written_as_they_are(value: object, cell: object) -> None:
    assert spreadsheet_cell(value) == cell  # type: ignore[arg-type]


def test_exports_defuse_formulas_in_every_text_column(runner: FlaskCliRunner) -> None:
    liaison = factories.user(name="@Liaison")
    delegation = factories.delegation(visit=factories.visit(title="+Visit"), liaison=liaison)
    factories.info_request(delegation, title='=HYPERLINK("http://evil.example","click")', status_reason=None)

    delegation_row = _export(runner, "delegations")[1]
    request_row = _export(runner, "requests")[1]

    assert delegation_row[1] == "'+Visit" and delegation_row[7] == "'@Liaison"
    assert request_row[3] == "'+Visit"
    assert request_row[5] == '\'=HYPERLINK("http://evil.example","click")'
    assert request_row[6] == "'@Liaison"


@pytest.mark.parametrize("table", ["delegations", "requests", "delegates"])
def test_export_issues_the_same_few_queries_for_3_rows_as_for_30(runner: FlaskCliRunner, table: str) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            delegation = factories.delegation()
            factories.delegate(delegation)
            factories.info_request(delegation)
            _contact(delegation.id, date(2025, 4, 1))

    add(3)
    with counting_queries() as few:
        assert len(_export(runner, table)) == 1 + 3
    add(27)
    with counting_queries() as many:
        assert len(_export(runner, table)) == 1 + 30
    assert len(many) == len(few) <= 2


def test_delegate_rows_name_the_delegation_and_country(runner: FlaskCliRunner) -> None:
    delegation = factories.delegation()
    factories.delegate(delegation, name="=Ana", email="ana@gov.example", organisation="Ministry of Interior")
    factories.delegate(delegation, name="Ion", email=None)
    rows = _export(runner, "delegates")
    assert rows[1:] == [["'=Ana", "ana@gov.example", "Ministry of Interior", str(delegation.id), "Moldova"],
                        ["Ion", "", "", str(delegation.id), "Moldova"]]
