"""Playwright's API for the browser tests, or a skip (an error under CI=true) when the package is missing."""

from __future__ import annotations

import pytest

from tests.browser.conftest import in_ci

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:
    if in_ci():
        raise
    pytest.skip("the playwright package is not installed: pip install -e '.[dev]'", allow_module_level=True)

__all__ = ["Locator", "Page", "expect"]
