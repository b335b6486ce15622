"""Paging through a list: Next and Previous carry a cursor and go through every row once, in the list's order,
both ways; page numbers still work; a cursor that is not one shows the first page; counting stops at a cap."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import sign_in
from tracker import pagination
from tracker.models import RequestStatus, User
from tracker.search import index


@pytest.fixture(autouse=True)
def two_per_page(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PER_PAGE", 2)


@pytest.fixture
def request_ids() -> list[int]:
    """Seven requests in the requests list's order (due date, then id); three share a due date."""
    delegation = factories.delegation()
    start = date(2026, 3, 1)
    dues = [start, start + timedelta(days=1), start + timedelta(days=1), start + timedelta(days=1),
            start + timedelta(days=2), start + timedelta(days=5), start + timedelta(days=9)]  # fmt: skip
    made = [factories.info_request(delegation, title=f"Request {n}", due_on=due) for n, due in enumerate(dues)]
    return [r.id for r in sorted(made, key=lambda r: (r.due_on, r.id))]


#: The requests list, read in its order, and through the titles' trigram index (a title filter every row meets):
#: counted there, with another filter (the keys read from it are the count), and with a visit year (the year's
#: titles read one by one).
LISTS = ["/requests/?status=", "/requests/?status=&q=requ", "/requests/?status=&q=requ&due_from=2026-01-01",
         "/requests/?status=&q=requ&year=2025"]


def _ids(page: str) -> list[int]:
    return [int(i) for i in dict.fromkeys(re.findall(r'href="/requests/(\d+)"', page))]


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def _page_label(page: str) -> str:
    return re.search(r"<span>(Page [^<]*)</span>", page).group(1)


@pytest.mark.parametrize("url", LISTS)
def test_next_and_previous_go_through_every_row_once_both_ways(
    signed_in: FlaskClient, request_ids: list[int], url: str
) -> None:
    pages, labels = [], []
    while url:
        page = signed_in.get(url).get_data(as_text=True)
        pages.append(_ids(page))
        labels.append(_page_label(page))
        url = _link(page, "next")
        assert url is None or "after=" in url
    assert [i for ids in pages for i in ids] == request_ids
    assert labels == ["Page 1 of 4", "Page 2 of 4", "Page 3 of 4", "Page 4 of 4"]
    back = []
    while url := _link(page, "prev"):
        page = signed_in.get(url).get_data(as_text=True)
        back.append(_ids(page))
    assert back == pages[-2::-1], "Previous shows the same pages, backwards"
    assert _page_label(page) == "Page 1 of 4"


@pytest.mark.parametrize("url", LISTS)
def test_page_numbers_still_work(signed_in: FlaskClient, request_ids: list[int], url: str) -> None:
    assert _ids(signed_in.get(f"{url}&page=3").get_data(as_text=True)) == request_ids[4:6]
    last = signed_in.get(f"{url}&page=99").get_data(as_text=True)
    assert _ids(last) == request_ids[6:] and _page_label(last) == "Page 4 of 4"


def _cursor(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "x", "%%%", "=", "W10", _cursor(), _cursor(2), _cursor(2, "2026-03-01"), _cursor(2, "2026-03-01", 1, 5),
        _cursor(2, "not a date", 1), _cursor(2, "2026-03-01", "1"), _cursor(2, "2026-03-01", 1.5),
        _cursor(2, "2026-03-01", True), _cursor(0, "2026-03-01", 1), _cursor(1, "2026-03-01", 1), _cursor(2, "", 2**31),
        _cursor("2", "2026-03-01", 1), _cursor(2, None, 1), _cursor(2, ["2026-03-01"], 1), _cursor({"a": 1}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(), "A" * 5000, _cursor(2, "9999-12-31", 2**70),
    ],
)
@pytest.mark.parametrize("direction", ["after", "before"])
@pytest.mark.parametrize("text", ["", "requ"])
def test_a_cursor_that_is_not_one_shows_the_first_page(
    signed_in: FlaskClient, request_ids: list[int], cursor: str, direction: str, text: str
) -> None:
    response = signed_in.get("/requests/", query_string={"status": "", "q": text, direction: cursor})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _ids(page) in (request_ids[:2], []), "the first page, or (a valid key past every row) nothing"


@pytest.mark.parametrize("url", LISTS)
def test_counting_stops_at_the_cap(
    signed_in: FlaskClient, request_ids: list[int], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    page = signed_in.get(url).get_data(as_text=True)
    assert '<p class="count">4+ requests</p>' in page
    assert _page_label(page) == "Page 1", "no page count when the rows were not all counted"
    seen = []
    while url:
        page = signed_in.get(url).get_data(as_text=True)
        seen += _ids(page)
        url = _link(page, "next")
    assert seen == request_ids, "Next goes on past the cap"


def test_one_row_is_one_request(signed_in: FlaskClient) -> None:
    factories.info_request(status=RequestStatus.NEW)
    assert '<p class="count">1 request in all</p>' in signed_in.get("/requests/").get_data(as_text=True)


def test_a_search_matching_more_than_it_reads_says_so(signed_in: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "CANDIDATES", 3)
    delegation = factories.delegation()
    for n in range(5):
        factories.info_request(delegation, title=f"Pagination report {n}")
    page = signed_in.get("/search?q=pagination").get_data(as_text=True)
    assert re.search(r'Everything <span class="badge">3\+</span>', page)
    assert "More than 3 records match" in page
    assert '<p class="count">3+ results</p>' in page


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+05:00", "2026-03-01T10:00:00", "2026-03-01", "x\u0000"])
def test_a_mail_log_cursor_that_is_not_one_shows_the_first_page(client: FlaskClient, admin: User, moment: str) -> None:
    """A cursor of another list (the requests list's date for the mail log's time) is no cursor here either."""
    message = factories.outbox_message()
    sign_in(client, admin)
    response = client.get("/admin/mail", query_string={"after": _cursor(2, moment, 1)})
    assert response.status_code == 200
    assert f'href="/admin/mail/{message.id}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("title", ["x\u0000y", "", "é" * 300])
def test_a_library_cursor_with_odd_text_is_read_or_refused_never_an_error(signed_in: FlaskClient, title: str) -> None:
    for direction in ("after", "before"):
        assert signed_in.get("/materials/", query_string={direction: _cursor(2, title, 1)}).status_code == 200
