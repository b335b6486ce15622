"""Browser tests: Playwright drives Debian's Chromium against the app served on loopback."""
