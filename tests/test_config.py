"""Settings read from the environment."""

from __future__ import annotations

import pytest

from tracker.config import TestConfig


def test_links_in_mail_follow_the_port_make_run_serves_unless_a_public_address_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRACKER_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5200")
    assert TestConfig().BASE_URL == "http://127.0.0.1:5200"
    monkeypatch.setenv("TRACKER_BASE_URL", "https://tracker.example.org")
    assert TestConfig().BASE_URL == "https://tracker.example.org"
