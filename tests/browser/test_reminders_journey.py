"""An admin checks the reminder scheduler, pauses and resumes reminders, sends a test message and finds it in
the mail log; then sets their own reminder preferences. Real Chromium, real SMTP server, axe-core on each screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests import factories
from tests.browser.conftest import arrive, playwright_expect, sign_in
from tests.smtp import SMTPServer
from tracker.extensions import db
from tracker.models import User

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

expect = playwright_expect()
pytestmark = pytest.mark.browser


def _arrive(page: Page, name: str, landmark: Locator) -> None:
    arrive(page, f"reminders-{name}", landmark)


def test_admin_runs_the_reminder_screens(page: Page, smtp: SMTPServer) -> None:
    admin = factories.user(role="admin", name="Lead Person")
    email, admin_id = admin.email, admin.id
    db.session.rollback()

    sign_in(page, email)
    page.locator("nav").get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Reminder scheduler").click()

    _arrive(page, "scheduler", page.get_by_role("heading", name="Reminder scheduler"))
    expect(page.get_by_role("main")).to_contain_text("No reminder pass has finished in the last 10 minutes")

    page.get_by_label("Why pause reminders?").fill("Moving to the new mail server")
    page.get_by_role("button", name="Pause reminders").click()
    _arrive(page, "paused", page.get_by_role("button", name="Resume reminders"))
    expect(page.locator(".banner-paused")).to_contain_text("Moving to the new mail server")
    page.get_by_role("button", name="Resume reminders").click()
    expect(page.locator(".banner-paused")).to_have_count(0)

    page.get_by_label("Send a test message to").fill("it-desk@centre.example")
    page.get_by_role("button", name="Send a test message").click()
    expect(page.get_by_role("status").filter(has_text="Test message sent")).to_be_visible()
    assert [message["To"] for message in smtp.received] == ["it-desk@centre.example"]

    page.get_by_role("link", name="Mail log").first.click()
    _arrive(page, "mail-log", page.get_by_role("heading", name="Mail log"))
    page.get_by_role("link", name="Test message from the follow-up tracker").click()
    _arrive(page, "mail-detail", page.get_by_role("button", name="Resend a copy"))
    expect(page.get_by_role("main")).to_contain_text("If you can read it, the tracker's mail reaches you")

    page.get_by_role("link", name="My reminders").click()
    _arrive(page, "preferences", page.get_by_role("button", name="Save preferences"))
    page.get_by_label("Time zone").select_option("Europe/Chisinau")
    page.get_by_label("Saturday").check()
    page.get_by_label("Weekly digest of what I owe").uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status").filter(has_text="preferences are saved")).to_be_visible()

    db.session.rollback()
    saved = db.session.get_one(User, admin_id)
    assert (saved.time_zone, saved.working_days, saved.wants_digest) == ("Europe/Chisinau", "123456", False)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/follow-ups")
    _arrive(page, "follow-ups-phone", page.get_by_role("heading", name="Follow-ups", exact=True))
