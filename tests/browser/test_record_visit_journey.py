"""A staff member records a visit, a delegation from Moldova and a request, through the real forms.

Every field is found by its label and every control by its role and name, so the journey fails if a
form loses a proper <label>. Each screen is checked with axe-core and saved to test-artifacts/.
"""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import arrive, playwright_expect
from tracker.extensions import db
from tracker.models import Country, Delegation, InfoRequest, RequestKind, RequestStatus, Visit

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

expect = playwright_expect()

pytestmark = pytest.mark.browser

TIERS_CSV = Path(__file__).resolve().parents[2] / "tracker" / "countries" / "data" / "tip_tiers_2001_2015.csv"

VISIT_TITLE = "Regional exchange on labour trafficking"
VISIT_STARTS = date(2014, 6, 9)
VISIT_ENDS = date(2014, 6, 13)
HOST_PROGRAMME = "International Visitor Leadership Program"
LOCATION = "Washington, DC"
REQUEST_TITLE = "Review of the draft anti-trafficking law amendments"


def bundled_tier(iso3: str, visit_year: int) -> tuple[int, str]:
    """The bundled report year and tier label a snapshot comes from: the latest year not after the visit."""
    with TIERS_CSV.open(newline="", encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if row["iso3"] == iso3 and int(row["year"]) <= visit_year]
    assert rows, f"no bundled tier for {iso3} up to {visit_year}"
    row = max(rows, key=lambda row: int(row["year"]))
    return int(row["year"]), row["tier"]


def link_or_button(page: Page, name: str) -> Locator:
    return page.get_by_role("link", name=name, exact=True).or_(page.get_by_role("button", name=name, exact=True))


def _arrive(page: Page, step: int, name: str, landmark: Locator) -> None:
    arrive(page, f"record-visit-{step:02d}-{name}", landmark)


def test_staff_records_a_visit_a_delegation_and_a_request(page: Page) -> None:
    staff = factories.user(role="staff")
    staff_id, staff_name, staff_email = staff.id, staff.name, staff.email
    db.session.rollback()  # hold no transaction open while the live server writes
    report_year, tier_label = bundled_tier("MDA", VISIT_STARTS.year)
    assert (report_year, tier_label) == (2014, "Tier 2"), "the bundled data changed: update this test"
    due_on = date.today() + timedelta(days=30)

    # 1. Sign in.
    page.goto("/login")
    _arrive(page, 1, "sign-in", page.get_by_role("button", name="Sign in"))
    page.get_by_label("Email").fill(staff_email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    visits_link = page.locator("nav").get_by_role("link", name="Visits", exact=True)
    _arrive(page, 2, "dashboard", visits_link)
    expect(page).not_to_have_url(re.compile(r"/login"))

    # 2. Visits, then a new visit.
    visits_link.first.click()
    _arrive(page, 3, "visits", link_or_button(page, "New visit"))
    link_or_button(page, "New visit").first.click()

    _arrive(page, 4, "new-visit", page.get_by_role("button", name="Save visit"))
    page.get_by_label("Title").fill(VISIT_TITLE)
    page.get_by_label("Starts on").fill(VISIT_STARTS.isoformat())
    page.get_by_label("Ends on").fill(VISIT_ENDS.isoformat())
    page.get_by_label("Host programme or partner").fill(HOST_PROGRAMME)
    page.get_by_label("Location").fill(LOCATION)
    page.get_by_role("button", name="Save visit").click()

    # 3. The visit, then a delegation from Moldova.
    _arrive(page, 5, "visit", link_or_button(page, "Add delegation"))
    expect(page.get_by_role("main")).to_contain_text(VISIT_TITLE)
    link_or_button(page, "Add delegation").first.click()

    _arrive(page, 6, "new-delegation", page.get_by_role("button", name="Save delegation"))
    page.get_by_label("Country").select_option(label="Moldova")
    tier_field = page.get_by_label("Tier at visit")
    expect(tier_field.locator("option").first).to_have_text(re.compile(r"From the TIP report history"))
    expect(tier_field.locator("option:checked")).to_have_text(re.compile(r"From the TIP report history"))
    page.get_by_label("Staff liaison").select_option(label=staff_name)
    page.get_by_role("button", name="Save delegation").click()

    # 4. The delegation shows the tier of the 2014 report; then a request.
    _arrive(page, 7, "delegation", link_or_button(page, "Add request"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Moldova")
    # The tier label, whole ("Tier 2" must not be the start of "Tier 2 Watch List").
    expect(main).to_contain_text(re.compile(re.escape(tier_label) + r"\b(?! Watch List)"))
    link_or_button(page, "Add request").first.click()

    _arrive(page, 8, "new-request", page.get_by_role("button", name="Save request"))
    page.get_by_label("Kind").select_option(label=RequestKind.DRAFT_LAW_REVIEW.label)
    page.get_by_label("Title").fill(REQUEST_TITLE)
    page.get_by_label("Due on").fill(due_on.isoformat())
    page.get_by_label("Owner").select_option(label=staff_name)
    page.get_by_role("button", name="Save request").click()

    # 5. The request, new.
    main = page.get_by_role("main")
    _arrive(page, 9, "request", main.get_by_text(REQUEST_TITLE))
    expect(main.get_by_text(RequestStatus.NEW.label, exact=True).filter(visible=True).first).to_be_visible()

    # 6. What the database holds.
    db.session.rollback()
    visit = db.session.scalars(select(Visit).where(Visit.title == VISIT_TITLE)).one()
    assert (visit.starts_on, visit.ends_on) == (VISIT_STARTS, VISIT_ENDS)
    assert (visit.host_programme, visit.location) == (HOST_PROGRAMME, LOCATION)

    delegation = db.session.scalars(select(Delegation).where(Delegation.visit_id == visit.id)).one()
    assert db.session.get(Country, delegation.country_id).iso3 == "MDA"
    assert delegation.liaison_id == staff_id
    assert delegation.tier is not None and delegation.tier.label == tier_label
    assert delegation.tier_report_year == report_year

    info_request = db.session.scalars(select(InfoRequest).where(InfoRequest.delegation_id == delegation.id)).one()
    assert info_request.title == REQUEST_TITLE
    assert info_request.kind is RequestKind.DRAFT_LAW_REVIEW
    assert info_request.owner_id == staff_id
    assert info_request.due_on == due_on
    assert info_request.status is RequestStatus.NEW
