"""With the demo data, staff read the centre's follow-up health on the dashboard, open the health page, follow a
bar to the list it counts and export that list; then print a delegation's brief. Real Chromium, axe-core on each
screen, screenshots at desktop and phone widths."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask.testing import FlaskCliRunner

from tests.browser.conftest import ARTIFACTS_DIR, check_accessibility, playwright_expect, screenshot, sign_in
from tracker.extensions import db

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_expect()
pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo_admin(runner: FlaskCliRunner, tmp_path: Path, app) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    app.config["INSTANCE_DIR"], kept = tmp_path, app.config["INSTANCE_DIR"]  # the sign-in file lands in tmp_path
    try:
        result = runner.invoke(args=["demo-data"])
    finally:
        app.config["INSTANCE_DIR"] = kept
    assert result.exit_code == 0, result.output
    db.session.remove()  # hold no transaction open while the live server reads
    match = re.search(r"Demo admin: (\S+) / (\S+)", result.output)
    assert match
    return match.group(1), match.group(2)


def _both_widths(page: Page, name: str) -> None:
    """Screenshots at desktop and phone widths, and axe-core at each."""
    for size, suffix in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{suffix}")
        check_accessibility(page)
    page.set_viewport_size(DESKTOP)


def _total(page: Page) -> int:
    return int(re.match(r"(\d+)", page.locator("p.count").inner_text()).group(1))  # type: ignore[union-attr]


def test_staff_follow_the_health_charts_to_a_list_export_it_and_print_a_brief(
    page: Page, demo_admin: tuple[str, str]
) -> None:
    sign_in(page, *demo_admin)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Are we following through?")).to_be_visible()
    expect(main.get_by_role("img", name="Overdue requests at the end of each month, then today")).to_be_visible()
    outcomes = "Requests delivered on time, late, or overdue, by tier at visit"
    expect(main.get_by_role("img", name=outcomes)).to_be_visible()
    _both_widths(page, "health-dashboard")

    main.get_by_role("link", name="Follow-up health by year, tier, region and country").click()
    expect(main.get_by_role("heading", level=1)).to_have_text("Follow-up health")
    main.get_by_role("navigation", name="Break down by").get_by_role("link", name="Region").click()
    expect(main.get_by_role("img", name="Requests delivered on time, late, or overdue, by region")).to_be_visible()
    expect(main.get_by_role("img", name=re.compile("Median days from logging a request"))).to_be_visible()
    quiet = re.compile("Delegations followed up with no contact in 90 days")
    expect(main.get_by_role("img", name=quiet)).to_be_visible()
    _both_widths(page, "health-page")

    late = main.locator('svg.chart-links a[href*="delivery=late"]').first
    counted = int(re.search(r": (\d+) delivered late", late.locator("title").text_content() or "").group(1))  # type: ignore[union-attr]
    late.click()
    expect(main.get_by_role("heading", level=1)).to_have_text("Requests")
    assert "delivery=late" in page.url and "region=" in page.url
    assert _total(page) == counted
    expect(page.get_by_label("Delivery")).to_have_value("late")
    screenshot(page, "health-late-requests")
    check_accessibility(page)

    with page.expect_download() as download:
        main.get_by_role("link", name="Export CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["id", "delegation_id", "country"] and len(rows) == 1 + counted
    assert download.value.suggested_filename.startswith("requests-")

    page.locator("nav").get_by_role("link", name="Delegations", exact=True).click()
    main.locator("tbody tr a").first.click()
    main.get_by_role("link", name="Brief to print").click()
    expect(main.get_by_role("heading", level=1)).to_contain_text("delegation: brief")
    expect(main.get_by_role("button", name="Print")).to_be_visible()
    check_accessibility(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    screenshot(page, "delegation-brief-print")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS_DIR / "delegation-brief.pdf"), prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "one A4 sheet"
