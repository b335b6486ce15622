"""Paging through a list in a real browser: Next and Previous links (with their cursors), at desktop and phone
widths."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from tests import factories
from tests.browser.conftest import arrive, playwright_expect, screenshot, sign_in
from tracker.extensions import db

if TYPE_CHECKING:
    from playwright.sync_api import Page

expect = playwright_expect()

pytestmark = pytest.mark.browser


def test_staff_page_through_the_requests_list_and_back(page: Page, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    staff = factories.user(role="staff")
    delegation = factories.delegation(liaison=staff)
    for n in range(5):
        factories.info_request(delegation, title=f"Briefing note {n + 1}", due_on=date(2026, 3, 1) + timedelta(days=n))
    email = staff.email
    db.session.rollback()

    sign_in(page, email)
    page.goto("/requests/?status=")
    main = page.get_by_role("main")
    pages = main.get_by_role("navigation", name="Requests pages")
    rows = main.locator("tbody tr")
    arrive(page, "requests-page-1", pages.get_by_text("Page 1 of 3"))
    expect(rows).to_have_count(2)
    expect(main.get_by_text("5 requests in all")).to_be_visible()

    pages.get_by_role("link", name="Next →").click()
    expect(pages.get_by_text("Page 2 of 3")).to_be_visible()
    expect(rows.first).to_contain_text("Briefing note 3")
    pages.get_by_role("link", name="Next →").click()
    expect(pages.get_by_text("Page 3 of 3")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(pages.get_by_role("link", name="Next →")).to_have_count(0)
    arrive(page, "requests-last-page", pages.get_by_text("Page 3 of 3"))

    pages.get_by_role("link", name="← Previous").click()
    expect(pages.get_by_text("Page 2 of 3")).to_be_visible()
    expect(rows.first).to_contain_text("Briefing note 3")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "requests-page-2-phone")
    pages.get_by_role("link", name="← Previous").click()
    expect(pages.get_by_text("Page 1 of 3")).to_be_visible()
    expect(rows.first).to_contain_text("Briefing note 1")
