"""A delegate, on a phone, gets a sign-in link, sees exactly their delegation's requests, downloads a shared file,
leaves feedback and asks a new question that lands in the liaison's queue; another delegation's ids answer 404.

Fields are found by their labels and controls by role and name; each screen is checked with axe-core and saved
to test-artifacts/ (phone width), and the home page once more at desktop width.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests import factories
from tests.browser.conftest import CHROMIUM, arrive, in_ci
from tests.materials import samples
from tests.portal.helpers import read_mail, text_of
from tracker.extensions import db
from tracker.materials.services import NewMaterial, UploadedFile, create_material
from tracker.materials.storage import store
from tracker.models import InfoRequest, User, Visibility
from tracker.reminders.delivery import deliver

try:
    from playwright.sync_api import Browser, Locator, Page, expect
except ImportError:
    if in_ci():
        raise
    pytest.skip("the playwright package is not installed: pip install -e '.[dev]'", allow_module_level=True)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
FILE_NAME = "Analyse comparative — protection des victimes.pdf"
QUESTION = "Model victim-referral protocol"


@pytest.fixture
def phone(browser: Browser, live_server: str) -> Iterator[Page]:
    if not CHROMIUM.is_file():
        pytest.skip("no Chromium")
    context = browser.new_context(base_url=live_server, bypass_csp=True, viewport=PHONE, is_mobile=True,
                                  has_touch=True, accept_downloads=True)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def _world() -> dict[str, object]:
    """Moldova's delegation (Ana, a request with a shared PDF) and Thailand's (a request Ana must never see)."""
    staff = factories.user(role="staff")
    delegation = factories.delegation(liaison_id=staff.id)
    factories.delegate(delegation, name="Ana Popescu", email="ana@gov.example")
    mine = factories.info_request(delegation, title="Review of the draft anti-trafficking law")
    theirs = factories.info_request(factories.delegation(country=factories.country("THA")),
                                    title="Thai labour inspection data")
    upload = FileStorage(stream=io.BytesIO(samples.PDF), filename=FILE_NAME)
    create_material(db.session.get_one(InfoRequest, mine.id),
                    NewMaterial("Comparative analysis of victim protection", "", Visibility.SHARED),
                    UploadedFile(store(upload), FILE_NAME), db.session.get_one(User, staff.id), datetime.now(UTC))
    db.session.commit()
    return {"mine": mine.id, "theirs": theirs.id, "liaison": staff.id}


def _wait_for_mail(page: Page, folder: Path) -> list[EmailMessage]:
    for _ in range(30):
        if messages := read_mail(folder):
            return messages
        page.wait_for_timeout(100)
    deliver(datetime.now(UTC))
    return read_mail(folder)


def _arrive(page: Page, name: str, landmark: Locator) -> None:
    arrive(page, f"portal-{name}", landmark)


def test_a_delegate_follows_their_requests_on_a_phone(phone: Page, app: Flask, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{tmp_path / 'mail'}")
    world = _world()
    db.session.rollback()
    page = phone

    # 1. Ask for a sign-in link.
    page.goto("/portal/sign-in")
    _arrive(page, "01-sign-in", page.get_by_role("button", name="Email me a sign-in link"))
    page.get_by_label("Your email address").fill("ana@gov.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("status")).to_contain_text("a sign-in link is on its way")

    # 2. The link, from the mail; its page has a button, which signs in. The mail goes out right after the
    # response; Werkzeug's development server skips that when the browser drops the connection first, and then
    # the scheduler's next pass sends it: do what that pass would.
    (mail,) = [m for m in _wait_for_mail(page, tmp_path / "mail") if m["Subject"] == "Your sign-in link"]
    link = re.search(r"https?://\S+/portal/link/\S+", text_of(mail)).group(0)  # type: ignore[union-attr]
    page.goto("/portal/" + link.split("/portal/", 1)[1])  # the mail names TRACKER_BASE_URL, not the test server
    _arrive(page, "02-link", page.get_by_role("button", name="Sign in"))
    page.get_by_role("button", name="Sign in").click()

    # 3. Exactly my requests.
    main = page.get_by_role("main")
    _arrive(page, "03-my-requests", main.get_by_role("heading", name="My requests"))
    expect(main).to_contain_text("Review of the draft anti-trafficking law")
    expect(main).not_to_contain_text("Thai labour inspection data")
    expect(main).to_contain_text("In progress")

    # 4. The request; download the shared file.
    main.get_by_role("link", name=re.compile("Review of the draft anti-trafficking law")).click()
    _arrive(page, "04-request", page.get_by_role("heading", name="Materials"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download")).click()
    download = download_info.value
    assert download.suggested_filename == FILE_NAME
    assert Path(download.path()).read_bytes() == samples.PDF

    # 5. Feedback.
    page.get_by_label("Useful").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for your feedback")

    # 6. A new question, which reaches the liaison's queue.
    page.get_by_role("link", name="Ask a question", exact=True).click()
    _arrive(page, "05-ask", page.get_by_role("button", name="Send"))
    page.get_by_label("Subject").fill(QUESTION)
    page.get_by_label("Your message").fill("Could you share the protocol you use with shelters?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Your message is with the centre's staff")
    _arrive(page, "06-question", page.get_by_role("heading", name=QUESTION))

    # 7. Another delegation's request answers 404.
    response = page.goto(f"/portal/requests/{world['theirs']}")
    assert response is not None and response.status == 404
    _arrive(page, "07-not-found", page.get_by_role("heading", name="Sorry"))

    # 8. The same home page at desktop width, for the record.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/portal/")
    _arrive(page, "08-my-requests-desktop", page.get_by_role("heading", name="My requests"))

    db.session.rollback()
    asked = db.session.scalars(select(InfoRequest).where(InfoRequest.title == QUESTION)).one()
    assert asked.owner_id == world["liaison"]
