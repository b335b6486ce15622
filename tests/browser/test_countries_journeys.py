"""Countries in a real browser: from a delegation to its country's tier history; an admin's tier import."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests import factories
from tests.browser.conftest import check_accessibility, playwright_expect, screenshot, sign_in
from tracker.extensions import db
from tracker.models import Tier

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_expect()

pytestmark = pytest.mark.browser


def test_staff_opens_the_country_of_a_delegation_and_reads_its_tier_history(page: Page) -> None:
    staff = factories.user(role="staff")
    visit = factories.visit(title="Victim identification exchange", starts_on=date(2008, 4, 14))
    delegation = factories.delegation(visit=visit, country=factories.country("MDA"), tier=Tier.TIER_3,
                                      tier_report_year=2008, liaison=staff)  # fmt: skip
    email = staff.email
    db.session.rollback()  # hold no transaction open while the live server reads

    sign_in(page, email)
    expect(page.locator("nav").get_by_role("link", name="Countries", exact=True)).to_be_visible()

    page.goto(f"/delegations/{delegation.id}")
    page.get_by_role("main").get_by_role("link", name="Moldova", exact=True).click()

    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Moldova")
    chart = main.get_by_role("img", name="Moldova: TIP-report tier, 2001 to 2015")
    expect(chart).to_be_visible()
    page.get_by_text("Tier history as a table").click()
    history = main.get_by_role("table", name="Moldova: tier by report year")
    expect(history).to_be_visible()
    expect(history.get_by_role("row", name="2008 Tier 3", exact=True)).to_be_visible()
    expect(history.get_by_role("row", name="2007 Tier 2 Watch List", exact=True)).to_be_visible()
    expect(history.get_by_role("row", name="2015 Tier 2", exact=True)).to_be_visible()
    delegations = main.get_by_role("table", name="Delegations from Moldova, latest visit first")
    expect(delegations.get_by_role("row").filter(has_text="Victim identification exchange")).to_contain_text(
        "Tier 3 (2008 report)"
    )
    screenshot(page, "country-page")
    check_accessibility(page)

    page.locator("nav").get_by_role("link", name="Countries", exact=True).click()
    expect(main.get_by_role("link", name="Moldova", exact=True)).to_be_visible()
    screenshot(page, "countries-comparison")
    check_accessibility(page)

    main.get_by_role("link", name="Tier movement grid").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("Tier movement")
    grid = main.get_by_role("img", name="Tier movement of the countries listed, report year by report year")
    expect(grid).to_be_visible()
    page.get_by_text("Tier movement as a table").click()
    movement = main.get_by_role("table", name="Tier by country and report year")
    expect(movement.get_by_role("row").filter(has_text="Moldova")).to_contain_text("3 (visited)*")
    screenshot(page, "countries-tier-movement")
    check_accessibility(page)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "countries-tier-movement-phone")
    check_accessibility(page)
    main.get_by_role("link", name="comparison with these filters").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("Countries")


@pytest.mark.usefixtures("restore_tier_history")
def test_an_admin_previews_a_tier_file_then_imports_it(page: Page, tmp_path: Path) -> None:
    admin = factories.user(role="admin")
    email = admin.email
    db.session.rollback()
    upload = tmp_path / "tip2016.csv"
    upload.write_text('Country,Tier\nBurma,Tier 3\n"Korea, North",3\nNarnia,2\n', encoding="utf-8")

    sign_in(page, email)
    page.locator("nav").get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Import TIP-report tiers").click()
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_label("Report year").fill("2016")
    page.get_by_role("button", name="Preview the import").click()

    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="1 row cannot be imported")).to_be_visible()
    expect(main).to_contain_text("no country is known as “Narnia”")
    screenshot(page, "tier-import-preview")
    check_accessibility(page)
    page.get_by_label("Import the other rows and skip those that cannot be imported").check()
    page.get_by_role("button", name="Import 2 new or changed placements").click()
    expect(main.get_by_role("status")).to_contain_text("3 rows: 2 added, 0 changed, 0 unchanged, 1 invalid.")
