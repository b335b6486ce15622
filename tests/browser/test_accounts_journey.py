"""An admin invites a new colleague; the colleague chooses a password from the mail's link, sets up two-factor
sign-in (the code computed as an authenticator app would, with pyotp), signs out, and signs in with password
and code. Then the admin finds the story in the audit log. Real Chromium, real SMTP server, axe-core."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pyotp
import pytest

from tests import factories
from tests.browser.conftest import arrive, playwright_expect, sign_in
from tests.smtp import SMTPServer
from tracker.extensions import db
from tracker.reminders.delivery import deliver

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

expect = playwright_expect()
pytestmark = pytest.mark.browser

PASSWORD = "juniper canal moth sonata"
LINK = re.compile(r"http://\S+(/account/set-password/[\w-]+)")


def _arrive(page: Page, name: str, landmark: Locator) -> None:
    arrive(page, f"accounts-{name}", landmark)


def _wait_for_mail(page: Page, smtp: SMTPServer) -> list[EmailMessage]:
    """Sent right after the response; the development server may skip that, so then do the scheduler's pass."""
    for _ in range(30):
        if smtp.received:
            return smtp.received
        page.wait_for_timeout(100)
    deliver(datetime.now(UTC))
    return smtp.received


def _next_code(secret: str, used: set[str]) -> str:
    """The app's code, or the next step's when this one was just used (a code works once)."""
    totp = pyotp.TOTP(secret)
    code = totp.now()
    return totp.at(datetime.now(UTC) + timedelta(seconds=30)) if code in used else code


def test_an_invited_colleague_sets_a_password_and_two_factor_sign_in(page: Page, smtp: SMTPServer) -> None:
    admin = factories.user(role="admin", name="Lead Person")
    admin_email = admin.email
    db.session.rollback()

    # The admin invites a colleague.
    sign_in(page, admin_email)
    page.locator("nav").get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Users").click()
    _arrive(page, "01-users", page.get_by_role("heading", name="Users"))
    page.get_by_label("Email").fill("nadia.kova@centre.example")
    page.get_by_label("Name").fill("Nadia Kova")
    page.get_by_label("Role", exact=True).select_option("staff")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status").filter(has_text="Invitation sent to nadia.kova@centre.example")).to_be_visible()
    expect(page.locator("tr", has_text="Nadia Kova")).to_contain_text("Invited")
    _arrive(page, "02-invited", page.get_by_role("heading", name="Users"))
    page.get_by_role("button", name="Sign out").click()

    # The invitation arrives; its link opens a page that asks for a password.
    (message,) = _wait_for_mail(page, smtp)
    assert message["To"] == "nadia.kova@centre.example"
    path = LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)  # type: ignore[union-attr]
    page.goto(path)
    _arrive(page, "03-choose-password", page.get_by_role("heading", name="Welcome, Nadia Kova"))
    page.get_by_label("New password").fill("password1234")
    page.get_by_label("The same password again").fill("password1234")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_text("This password is too easy to guess")).to_be_visible()
    _arrive(page, "04-weak-password", page.get_by_role("heading", name="Welcome, Nadia Kova"))
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("status").filter(has_text="Your password is saved")).to_be_visible()

    # She signs in and sets up two-factor sign-in from her account page.
    sign_in(page, "nadia.kova@centre.example", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("link", name="My account").click()
    _arrive(page, "05-my-account", page.get_by_role("heading", name="My account"))
    page.get_by_role("link", name="Set it up").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    _arrive(page, "06-enrol", page.get_by_role("img", name="QR code for your authenticator app"))
    secret = page.locator(".totp-secret").inner_text()
    used = {pyotp.TOTP(secret).now()}
    page.get_by_role("textbox", name="Code").fill(next(iter(used)))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    _arrive(page, "07-recovery-codes", page.get_by_role("heading", name="Two-factor sign-in is on"))
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I have kept them").click()
    expect(page.get_by_role("main")).to_contain_text("On since")
    page.get_by_role("button", name="Sign out").click()

    # Signing in now takes the password, then a code.
    sign_in(page, "nadia.kova@centre.example", PASSWORD)
    _arrive(page, "08-code-step", page.get_by_role("heading", name="Enter your code"))
    page.get_by_role("textbox", name="Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.get_by_role("textbox", name="Code").fill(_next_code(secret, used))
    page.get_by_role("button", name="Continue").click()
    _arrive(page, "09-signed-in", page.get_by_role("heading", name="Dashboard"))
    expect(page.locator(".who")).to_contain_text("Nadia Kova")
    page.get_by_role("button", name="Sign out").click()

    # The admin reads the story in the audit log.
    sign_in(page, admin_email)
    page.goto("/admin/audit")
    _arrive(page, "10-audit-log", page.get_by_role("heading", name="Audit log"))
    log = page.get_by_role("table")
    for action in ("User invited", "Invitation accepted", "Two-factor sign-in turned on", "Sign-in failed",
                   "Signed in"):
        expect(log).to_contain_text(action)
    expect(log).to_contain_text("Signed in with an authenticator code")
    page.goto("/admin/users")
    expect(page.locator("tr", has_text="Nadia Kova")).to_contain_text("On")
    _arrive(page, "11-users-after", page.get_by_role("heading", name="Users"))


def test_an_admin_exports_and_erases_a_delegate(page: Page) -> None:
    admin = factories.user(role="admin")
    delegation = factories.delegation()
    delegate = factories.delegate(delegation, name="Oksana Melnyk", email="oksana.melnyk@gov.example")
    admin_email, delegation_id, delegate_id = admin.email, delegation.id, delegate.id
    db.session.rollback()

    sign_in(page, admin_email)
    page.goto("/admin/")
    page.get_by_role("link", name="Personal data").click()
    page.get_by_label("Name or email contains").fill("melnyk")
    page.get_by_role("button", name="Find").click()
    _arrive(page, "12-personal-data", page.get_by_role("cell", name="oksana.melnyk@gov.example"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Export Oksana Melnyk").click()
    assert download.value.suggested_filename == f"delegate-{delegate_id}-personal-data.json"

    page.get_by_role("link", name="Erase Oksana Melnyk").click()
    _arrive(page, "13-erase", page.get_by_role("heading", name="Erase Oksana Melnyk"))
    page.get_by_label("Type ERASE to confirm").fill("erase")
    page.get_by_role("button", name="Erase this delegate's personal data").click()
    expect(page.get_by_text("Type ERASE, in capitals, to confirm.")).to_be_visible()
    page.get_by_label("Type ERASE to confirm").fill("ERASE")
    page.get_by_role("button", name="Erase this delegate's personal data").click()
    expect(page).to_have_url(re.compile(rf"/delegations/{delegation_id}#delegates$"))
    expect(page.locator("#delegates")).to_contain_text(f"Erased delegate #{delegate_id}")
    expect(page.locator("#delegates")).not_to_contain_text("Oksana")
    _arrive(page, "14-erased", page.get_by_role("heading", name="Delegates"))

    # The admin pages on a phone: tables become cards.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/admin/users")
    _arrive(page, "15-users-phone", page.get_by_role("heading", name="Users"))
    page.goto("/admin/audit")
    _arrive(page, "16-audit-phone", page.get_by_role("heading", name="Audit log"))
