"""Reading the app's HTML in tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


#: Attributes that load something into the page (a link to another site is fine; loading from one is not).
_ASSET_ATTRIBUTES = {"src", "srcset", "data", "poster", "action", "formaction"}
_ASSET_LINK_TAGS = {"link", "image", "use"}  # where href loads (a stylesheet, an SVG image) rather than navigates
_URL_ATTRIBUTES = _ASSET_ATTRIBUTES | {"href", "xlink:href"}


class _InlineCodeFinder(HTMLParser):
    """Collects what a Content-Security-Policy without 'unsafe-inline' would block or what loads from elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self.problems.append("a <style> element")
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on"):
                self.problems.append(f"an event attribute {name}= on <{tag}>")
            elif name == "style":
                self.problems.append(f"a style attribute on <{tag}>")
            elif name in _URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                self.problems.append(f"a javascript: URL in <{tag} {name}>")
            elif (name in _ASSET_ATTRIBUTES or (name.endswith("href") and tag in _ASSET_LINK_TAGS)) and any(
                _from_elsewhere(url) for url in _urls(name, value)
            ):
                self.problems.append(f"<{tag} {name}={value!r}> loads from another site")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"an inline script: {data.strip()[:60]!r}")


def _urls(attribute: str, value: str) -> list[str]:
    """The URLs in an attribute (a srcset lists several, each with a size)."""
    return [part.split()[0] for part in value.split(",") if part.strip()] if attribute == "srcset" else [value]


def _from_elsewhere(url: str) -> bool:
    """An absolute URL of another origin (a scheme, or //host); data: images are allowed by the policy."""
    url = url.strip().lower()
    return url.startswith("//") or (re.match(r"^[a-z][a-z0-9+.-]*:", url) is not None and not url.startswith("data:"))


def inline_code(html: str) -> list[str]:
    """Everything in a page that needs 'unsafe-inline' or another origin; an empty list when there is none."""
    finder = _InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems
