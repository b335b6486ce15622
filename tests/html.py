"""Reading the app's HTML in tests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

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


@dataclass
class FormField:
    """One control of a form: its name, kind (an input's type, "select" or "textarea") and value as sent."""

    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    #: A checkbox or radio button is sent only when checked; a submit button only when pressed.
    is_sent: bool = True


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[FormField] = field(default_factory=list)

    def data(self, **changes: object) -> dict[str, object]:
        """What a browser sends for the form as it is, with some values changed."""
        sent: dict[str, object] = {f.name: f.value for f in self.fields if f.is_sent}
        sent.update(changes)
        return sent


class _FormReader(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[Form] = []
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            if "selected" in attributes or len(self._select.options) == 1:
                self._select.value = self._select.options[-1]
        elif tag == "form":
            action = urlsplit(urljoin(self.page_path, attributes.get("action") or self.page_path)).path
            method = attributes.get("method", "get").lower()
            self.forms.append(Form(action, method, attributes.get("enctype", "")))
        elif not self.forms or "name" not in attributes or "disabled" in attributes:
            return
        elif tag == "input":
            kind = attributes.get("type", "text").lower()
            checkable = kind in ("checkbox", "radio")
            sent = ("checked" in attributes) if checkable else kind not in ("submit", "button", "image", "reset")
            value = attributes.get("value", "on" if checkable else "")
            self.forms[-1].fields.append(FormField(attributes["name"], kind, value, is_sent=sent))
        elif tag == "button":
            value = attributes.get("value", "")
            self.forms[-1].fields.append(FormField(attributes["name"], "submit", value, is_sent=False))
        elif tag == "select":
            self._select = FormField(attributes["name"], "select")
            self.forms[-1].fields.append(self._select)
        elif tag == "textarea":
            self._textarea = FormField(attributes["name"], "textarea")
            self.forms[-1].fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea.value.replace("\r\n", "\n")
            self._textarea.value = text.removeprefix("\n")  # a browser drops the newline after <textarea>
            self._textarea = None


def forms(response: TestResponse, page_path: str) -> list[Form]:
    """The forms of a page (``page_path``: where it was served, for forms that post back to it)."""
    reader = _FormReader(page_path)
    reader.feed(response.get_data(as_text=True))
    reader.close()
    return reader.forms


def form_posting_to(response: TestResponse, page_path: str, action: str) -> Form:
    found = [form for form in forms(response, page_path) if form.method == "post" and form.action == action]
    assert found, f"no form on {page_path} posts to {action}"
    return found[0]
