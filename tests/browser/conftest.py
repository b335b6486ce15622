"""Browser fixtures: the test app served on loopback, Debian's Chromium driven by Playwright, and axe-core.

Without Chromium, Playwright or axe-core the browser tests are skipped with the reason; with CI=true a
missing piece fails them instead, so that CI never passes by skipping the browser.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest
from flask import Flask
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: Headless as root, with nothing that would reach out to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Installed by the Makefile's `npm ci` from package-lock.json.
AXE_SCRIPT = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
#: Screenshots of every screen a journey passes through (gitignored).
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts"
#: axe impacts that fail a test; "minor" and "moderate" ones are left to review.
FAILING_IMPACTS = ("serious", "critical")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason: str) -> NoReturn:
    """Skip for lack of a tool, except in CI, where a skipped browser test would hide a failure."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def playwright_expect() -> Any:
    """Playwright's ``expect`` for a test module, which is skipped (failed in CI) without the package."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        if in_ci():
            raise
        pytest.skip("the playwright package is not installed: pip install -e '.[dev]'", allow_module_level=True)
    return expect


def axe_script() -> Path:
    if not AXE_SCRIPT.is_file():
        unavailable(
            f"axe-core not found at {AXE_SCRIPT}: "
            "run `npm ci` in the project (make test does) to run browser tests"
        )
    return AXE_SCRIPT


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so that the page fixture can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The session's app (same database as the factories) on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free port
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed: pip install -e '.[dev]' to run browser tests")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"Chromium not found at {CHROMIUM}: apt-get install chromium to run browser tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser, live_server: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test (no cookies carried over), relative URLs against the live server.

    ``bypass_csp``: the app's Content-Security-Policy forbids the script tag axe-core is injected with.
    """
    axe_script()  # skip (or fail in CI) before the journey, not half-way through it
    context = browser.new_context(base_url=live_server, bypass_csp=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed and not page.is_closed():
            # A failed screenshot must not hide the test's own failure.
            with contextlib.suppress(Exception):
                screenshot(page, f"{_slug(request.node.name)}-failure")
        context.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/NAME.png."""
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    path = ARTIFACTS_DIR / f"{_slug(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


_RUN_AXE = """async () => {
    const results = await axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })),
    }));
}"""


def _target(target: Any) -> str:
    """axe's target: a list of selectors, one per frame or shadow root, each maybe a list itself."""
    if isinstance(target, list):
        return " >>> ".join(_target(part) for part in target)
    return str(target)


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now; fail listing every serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    violations: list[dict[str, Any]] = page.evaluate(_RUN_AXE)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    if not failing:
        return
    lines = [f"axe-core found {len(failing)} serious or critical accessibility violation(s) on {page.url}:"]
    for violation in failing:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]")
        for node in violation["nodes"]:
            html = node["html"] if len(node["html"]) <= 200 else node["html"][:197] + "..."
            lines.append(f"    {_target(node['target'])}    {html}")
    pytest.fail("\n".join(lines), pytrace=False)


def sign_in(page: Page, email: str, password: str | None = None) -> None:
    """Sign in through the staff sign-in form, as a person types it (the factories' password unless told)."""
    from tests import factories

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password or factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def arrive(page: Page, name: str, landmark: Locator) -> None:
    """Wait for a screen (shown by a control only it has), save its screenshot as ``name``, check its
    accessibility; if the screen never comes, fail with what the page says instead."""
    try:
        playwright_expect()(landmark.first).to_be_visible()
    except AssertionError as error:
        screenshot(page, f"{name}-unexpected")
        text = page.locator("body").inner_text()
        pytest.fail(
            f"{name}: expected {landmark} on {page.url}; the page says:\n{text[:3000]}\n\n{error}", pytrace=False
        )
    page.wait_for_load_state("load")
    screenshot(page, name)
    check_accessibility(page)
