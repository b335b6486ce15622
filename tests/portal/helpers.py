"""Signing a delegate in through the real link flow, and reading the mail the app sent (the file transport)."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from flask.testing import FlaskClient

from tests.html import csrf_token
from tracker.extensions import db
from tracker.models import LinkPurpose
from tracker.portal.identity import issue_link


def new_link(address: str, purpose: LinkPurpose = LinkPurpose.INVITATION) -> str:
    token, _ = issue_link(address, purpose, datetime.now(UTC))
    db.session.commit()
    return token


def use_link(client: FlaskClient, token: str, next_path: str = "") -> object:
    """Open the link (a page with a button), then press the button."""
    url = f"/portal/link/{token}" + (f"?next={next_path}" if next_path else "")
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_token(page)})


def sign_in_delegate(client: FlaskClient, address: str) -> FlaskClient:
    response = use_link(client, new_link(address))
    assert response.status_code == 302 and response.headers["Location"] == "/portal/"  # type: ignore[attr-defined]
    return client


def read_mail(folder: Path) -> list[EmailMessage]:
    """Every message the file transport wrote, oldest first."""
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for path in sorted(folder.glob("*.eml"))
    ]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()  # type: ignore[no-any-return]
