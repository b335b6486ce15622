"""Search, the roster import and the calendar feed in a real browser, at desktop and phone widths."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

import pytest

from tests import factories
from tests.browser.conftest import check_accessibility, playwright_expect, screenshot, sign_in
from tests.data import DATA
from tracker.extensions import db
from tracker.models import RequestKind

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_expect()

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_staff_search_from_the_navigation_filter_by_type_and_open_a_result(page: Page) -> None:
    staff = factories.user(role="staff")
    visit = factories.visit(title="Labour exploitation exchange", starts_on=date(2026, 3, 2))
    ivory_coast = factories.delegation(visit=visit, country=factories.country("CIV"), liaison=staff,
                                       notes="Interested in the <b>cocoa</b> supply-chain work")  # fmt: skip
    factories.delegate(ivory_coast, name="Aminata Koné", title="Director", organisation="Ministère de la Justice")
    factories.need(ivory_coast, description="Model legislation on forced child labour in cocoa farming")
    wanted = factories.info_request(ivory_coast, title="Cocoa supply-chain due diligence guide",
                                    kind=RequestKind.BEST_PRACTICE, owner_id=staff.id)  # fmt: skip
    factories.info_request(ivory_coast, title="Shelter standards", description="For the cocoa-growing regions")
    email = staff.email
    db.session.rollback()

    sign_in(page, email)
    box = page.get_by_role("search").get_by_role("searchbox")
    expect(box).to_have_accessible_name("Search delegations, delegates, visits, requests, needs and materials")
    box.fill("cote coco")
    box.press("Enter")

    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Search results for “cote coco”")
    results = main.locator(".search-results > li")
    expect(results).to_have_count(4)  # the delegation (notes), the need and both requests name cocoa
    guide = main.get_by_role("link", name="Cocoa supply-chain due diligence guide")
    expect(guide.locator("mark")).to_have_text("Cocoa")
    expect(main.get_by_text("<b>cocoa</b>", exact=False)).to_be_visible()  # the notes' markup shown as text
    filters = main.get_by_role("navigation", name="Filter the results by type")
    expect(filters.get_by_role("link", name="Requests 2")).to_be_visible()
    screenshot(page, "search-results")
    check_accessibility(page)

    filters.get_by_role("link", name="Requests 2").click()
    expect(results).to_have_count(2)
    expect(filters.get_by_role("link", name="Requests 2")).to_have_attribute("aria-current", "page")
    expect(results.first).to_contain_text("Cocoa supply-chain due diligence guide")  # a title match ranks first
    results.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(f"/requests/{wanted.id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cocoa supply-chain due diligence guide")

    page.set_viewport_size(PHONE)
    page.get_by_role("search").get_by_role("searchbox").fill("amina")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.locator(".search-results > li")).to_have_count(1)
    expect(page.locator(".search-results mark")).to_have_text("Aminata")
    screenshot(page, "search-results-phone")
    check_accessibility(page)


def test_staff_import_a_roster_preview_then_confirm(page: Page) -> None:
    staff = factories.user(role="staff")
    visit = factories.visit(title="Spring IVLP exchange", host_id=staff.id)
    moldova = factories.delegation(visit=visit, country=factories.country("MDA"), liaison=staff)
    factories.delegate(moldova, name="Ion Ceban", email="ion.ceban@police.md.example")
    email, visit_id = staff.email, visit.id
    db.session.rollback()

    sign_in(page, email)
    page.goto(f"/visits/{visit_id}")
    page.get_by_role("link", name="Import the delegation list (CSV)").click()
    page.get_by_label("Roster (CSV file)").set_input_files(str(DATA / "roster_spring_exchange.csv"))
    page.get_by_role("button", name="Preview the import").click()

    main = page.get_by_role("main")
    expect(main).to_contain_text("10 rows: 5 to add, 2 duplicate, 3 invalid. Nothing has changed yet.")
    expect(main.get_by_role("heading", name="3 rows cannot be imported")).to_be_visible()
    expect(main.get_by_role("heading", name="3 new delegations")).to_be_visible()
    screenshot(page, "roster-preview")
    check_accessibility(page)

    page.get_by_role("button", name="Add 5 delegates").click()
    expect(main).to_contain_text("3 row(s) cannot be imported; nothing was changed.")
    page.get_by_label("Import the other rows and skip those that cannot be imported").check()
    page.get_by_role("button", name="Add 5 delegates").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Spring IVLP exchange")
    expect(main).to_contain_text("Imported roster_spring_exchange.csv: 5 delegate(s) added, in 3 new delegation(s).")
    for country in ("Moldova", "Côte d'Ivoire", "South Korea", "Thailand"):
        expect(main.get_by_role("link", name=country, exact=True)).to_be_visible()
    screenshot(page, "roster-imported")

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Import the delegation list (CSV)").click()
    page.get_by_label("Roster (CSV file)").set_input_files(str(DATA / "roster_spring_exchange.csv"))
    page.get_by_role("button", name="Preview the import").click()
    expect(main).to_contain_text("10 rows: 0 to add, 7 duplicate, 3 invalid")
    screenshot(page, "roster-preview-phone")
    check_accessibility(page)


def test_staff_make_a_calendar_feed_address(page: Page) -> None:
    staff = factories.user(role="staff")
    email = staff.email
    db.session.rollback()

    sign_in(page, email)
    page.goto("/preferences")
    page.get_by_role("button", name="Make my calendar feed").click()
    address = page.get_by_label("Subscribe to this address in your calendar program")
    expect(address).to_have_value(re.compile(r"^http://.+/calendar/[A-Za-z0-9_-]+\.ics$"))
    screenshot(page, "calendar-feed-address")
    check_accessibility(page)
    page.get_by_role("link", name="Back to my reminders").click()
    expect(page.get_by_role("button", name="Make a new address")).to_be_visible()
    expect(page.get_by_role("button", name="Stop the feed")).to_be_visible()
