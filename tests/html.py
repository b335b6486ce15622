"""Reading the app's HTML in tests."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(response: TestResponse) -> str:
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1)


def any_csrf_token(client: FlaskClient) -> str:
    """A CSRF token for this client's session, signed in or not."""
    response = client.get("/")
    return csrf_token(client.get("/login") if response.status_code == 302 else response)
