"""The search page: ranked results of every kind, counts and filters by kind, prefixes, accents, safe marking,
and no query string that breaks it."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests import factories
from tests.conftest import sign_in
from tests.queries import counting_queries
from tracker.models import RequestKind


def search(client: FlaskClient, query: str, **arguments: str) -> tuple[int, str]:
    response = client.get("/search", query_string={"q": query, **arguments})
    return response.status_code, response.get_data(as_text=True)


def result_links(page: str) -> list[str]:
    listing = page.split('<ol class="search-results"', 1)[1].split("</ol>", 1)[0] if "search-results" in page else ""
    return re.findall(r'<li>\s*<span class="badge[^"]*">[^<]*</span>\s*<a href="([^"]+)"', listing)


def test_a_title_match_ranks_above_a_match_in_the_text(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()
    in_title = factories.info_request(delegation, title="Forced labour indicators", description="For inspectors")
    in_text = factories.info_request(delegation, title="Data request", description="Statistics on forced labour cases")
    status, page = search(signed_in, "forced labour")
    assert status == 200
    assert result_links(page) == [f"/requests/{in_title.id}", f"/requests/{in_text.id}"]


def test_counts_per_kind_and_a_filter_by_kind(signed_in: FlaskClient) -> None:
    delegation = factories.delegation(country=factories.country("THA"))
    factories.delegate(delegation, name="Somchai Thailand-Desk")
    factories.info_request(delegation, title="Fisheries inspection checklist")
    status, page = search(signed_in, "thailand")
    assert status == 200
    assert re.search(r"Delegations <span class=\"badge\">1</span>", page)
    assert re.search(r"Delegates <span class=\"badge\">1</span>", page)
    assert re.search(r"Requests <span class=\"badge\">1</span>", page)  # the request names its delegation's country
    assert re.search(r"Everything <span class=\"badge\">3</span>", page)

    status, page = search(signed_in, "thailand", kind="request")
    assert status == 200
    assert len(result_links(page)) == 1 and result_links(page)[0].startswith("/requests/")
    assert 'href="/search?q=thailand&amp;kind=request&amp;page=1" aria-current="page"' in page


def test_the_last_word_is_a_prefix(signed_in: FlaskClient) -> None:
    delegation = factories.delegation(country=factories.country("IDN"))
    status, page = search(signed_in, "indon")
    assert f"/delegations/{delegation.id}" in result_links(page)
    assert "<mark>Indonesia</mark>" in page
    assert result_links(search(signed_in, "indon labour")[1]) == []  # only the last word is a prefix


@pytest.mark.parametrize("query", ["cote d'ivoire", "CÔTE D’IVOIRE", "Côte", "côte d ivoire", "ivoi"])
def test_accents_and_case_do_not_matter(signed_in: FlaskClient, query: str) -> None:
    delegation = factories.delegation(country=factories.country("CIV"))
    status, page = search(signed_in, query)
    assert status == 200
    assert f"/delegations/{delegation.id}" in result_links(page)


def test_a_name_with_accents_is_found_without_them(signed_in: FlaskClient) -> None:
    delegate = factories.delegate(factories.delegation(), name="José Núñez Müller", email="lz@gov.pl.example")
    status, page = search(signed_in, "jose NUNEZ muller")
    assert result_links(page) == [f"/delegations/{delegate.delegation_id}#delegates"]
    assert "<mark>José</mark> <mark>Núñez</mark> <mark>Müller</mark>" in page
    assert result_links(search(signed_in, "lz@gov.pl")[1]) == [f"/delegations/{delegate.delegation_id}#delegates"]


HOSTILE = [
    '"', "'", '"unbalanced', "AND", "OR", "NOT", "a AND", "*", "x*", "NEAR(", "NEAR(a b", "-", "-x", "a -b", "^x",
    "title:x", "{x}", "(", ")", "&", "|", "!", "x:*", "a & | b", "\\", "%", "_", "<->", "x" * 5_000, "a\x00b", "\x00",
    "🙂", "‮evil", "a" * 300, " ".join(["word"] * 100), "\u0301", "ǅ", "null", "'; DROP TABLE visits; --",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_no_query_string_breaks_the_page(signed_in: FlaskClient, query: str) -> None:
    factories.delegate(factories.delegation(), name="Word Near")
    status, page = search(signed_in, query)
    assert status in (200, 400), status
    assert "Follow-up tracker" in page


def test_a_query_too_long_is_refused_with_a_message(signed_in: FlaskClient) -> None:
    status, page = search(signed_in, "x" * 201)
    assert status == 400
    assert "at most 200 characters" in page


@pytest.mark.parametrize("arguments", [{"kind": "nonsense"}, {"page": "-1"}, {"page": "x"}, {"page": "99999999999"}])
def test_bad_filters_are_shown_not_applied(signed_in: FlaskClient, arguments: dict[str, str]) -> None:
    factories.delegation(country=factories.country("IDN"))
    status, page = search(signed_in, "indonesia", **arguments)
    assert status == 200
    assert len(result_links(page)) == 1


def test_record_text_is_escaped_and_only_our_marks_are_markup(signed_in: FlaskClient) -> None:
    delegation = factories.delegation(notes="<img src=x onerror=alert(1)> script kiddie")
    factories.delegate(delegation, name="<script>alert('x')</script>", organisation="<b>Ministry</b>")
    status, page = search(signed_in, "script")
    assert status == 200
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Ministry" not in page
    assert "&lt;<mark>script</mark>&gt;alert(&#39;x&#39;)&lt;/<mark>script</mark>&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>script</mark> kiddie" in page


def test_the_number_of_queries_does_not_grow_with_the_results(signed_in: FlaskClient) -> None:
    def queries() -> int:
        with counting_queries() as statements:
            assert search(signed_in, "moldova")[0] == 200
        return len(statements)

    delegation = factories.delegation()
    factories.delegate(delegation)
    factories.need(delegation)
    factories.info_request(delegation)
    few = queries()
    for _ in range(5):
        other = factories.delegation()
        factories.delegate(other)
        factories.delegate(other)
        factories.need(other)
        factories.info_request(other, kind=RequestKind.DATA)
    assert queries() == few


def test_results_are_paginated(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()
    for n in range(30):
        factories.delegate(delegation, name=f"Ana Pagination {n}", email=f"ana{n}@gov.example")
    first = result_links(search(signed_in, "pagination")[1])
    second = result_links(search(signed_in, "pagination", page="2")[1])
    assert (len(first), len(second)) == (25, 5)


def test_a_viewer_searches_too(client: FlaskClient) -> None:
    delegation = factories.delegation(country=factories.country("IDN"))
    sign_in(client, factories.user(role="viewer"))
    assert f"/delegations/{delegation.id}" in result_links(search(client, "indonesia")[1])


def test_every_staff_page_has_the_search_box(signed_in: FlaskClient) -> None:
    page = signed_in.get("/visits/").get_data(as_text=True)
    assert re.search(r'<form class="site-search" method="get" action="/search" role="search">', page)
    assert '<label for="site-search-q"' in page and 'id="site-search-q" name="q"' in page


def test_an_empty_search_explains_itself(signed_in: FlaskClient) -> None:
    status, page = search(signed_in, "  ")
    assert status == 200 and "Every word must match" in page
