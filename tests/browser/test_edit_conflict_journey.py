"""Two people edit the same request in two browsers: the second save is refused with what the first changed, keeps
what the second typed, and saving again (having seen it) keeps both people's changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

import pytest

from tests import factories
from tests.browser.conftest import check_accessibility, playwright_expect, screenshot, sign_in
from tracker.extensions import db
from tracker.models import InfoRequest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

expect = playwright_expect()

pytestmark = pytest.mark.browser

TITLE = "Comparative analysis of victim-protection laws"


@pytest.fixture
def second_page(browser: Browser, live_server: str, page: Page) -> Iterator[Page]:
    """Another person's browser: a context of its own (its own cookies), like the ``page`` fixture's."""
    context = browser.new_context(base_url=live_server, bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _sign_in(page: Page, email: str) -> None:
    sign_in(page, email)
    expect(page.locator("nav").get_by_role("link", name="Visits", exact=True)).to_be_visible()


def test_the_second_of_two_people_editing_a_request_sees_what_the_first_changed(
    page: Page, second_page: Page
) -> None:
    ana, ben = factories.user(name="Ana Lopez"), factories.user(name="Ben Osei")
    info_request = factories.info_request(title=TITLE, due_on=date(2026, 5, 29))
    request_id, ana_id, ana_email, ben_email = info_request.id, ana.id, ana.email, ben.email
    db.session.rollback()  # hold no transaction open while the live server writes
    edit = f"/requests/{request_id}/edit"
    _sign_in(page, ana_email)
    _sign_in(second_page, ben_email)
    page.goto(edit)
    second_page.goto(edit)

    page.get_by_label("Due on").fill("2026-06-30")
    page.get_by_label("Owner").select_option(label="Ana Lopez")
    page.get_by_role("button", name="Save request").click()
    expect(page.get_by_text("Request saved.")).to_be_visible()

    second_page.get_by_label("Title").fill(f"{TITLE} in the region")
    second_page.get_by_role("button", name="Save request").click()

    alert = second_page.get_by_role("alert").filter(has_text="Not saved")
    expect(alert.get_by_role("heading", level=2)).to_have_text(
        "Not saved: someone else saved this request after you opened it")
    changes = alert.get_by_role("table", name="What changed since you opened the form")
    expect(changes.get_by_role("row", name="Due on 29 May 2026 30 Jun 2026")).to_be_visible()
    expect(changes.get_by_role("row", name="Owner")).to_contain_text("Ana Lopez")
    expect(alert.locator(".conflict-saves")).to_contain_text("Ana Lopez")
    expect(second_page.get_by_label("Title")).to_have_value(f"{TITLE} in the region")  # what Ben typed
    expect(second_page.get_by_label("Due on")).to_have_value("2026-06-30")  # what Ana saved, which Ben left alone
    screenshot(second_page, "edit-conflict-desktop")
    check_accessibility(second_page)
    second_page.set_viewport_size({"width": 390, "height": 844})
    screenshot(second_page, "edit-conflict-phone")

    db.session.rollback()
    assert db.session.get_one(InfoRequest, request_id).title == TITLE

    second_page.get_by_role("button", name="Save request").click()  # having seen Ana's changes
    expect(second_page.get_by_text("Request saved.")).to_be_visible()
    db.session.rollback()
    saved = db.session.get_one(InfoRequest, request_id)
    assert (saved.title, saved.due_on, saved.owner_id) == (f"{TITLE} in the region", date(2026, 6, 30), ana_id)
