"""Portal fixtures: a delegation with a delegate, and mail written to a folder of this test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests import factories
from tracker.models import Delegate


@pytest.fixture
def mailbox(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Mail goes through the real file transport into this folder."""
    folder = tmp_path / "mail"
    monkeypatch.setitem(app.config, "MAIL_URL", f"file://{folder}")
    return folder


@pytest.fixture
def delegate() -> Delegate:
    """Ana, of the delegation from Moldova, which has one request."""
    delegation = factories.delegation()
    factories.info_request(delegation, title="Review of the draft anti-trafficking law")
    return factories.delegate(delegation, name="Ana Popescu", email="ana@gov.example")
