"""The last word as a prefix finds every word it stands for, however the database expands it (SQLite seeks the
indexed words for longer prefixes, tracker/search/fts5.py), and more matches rank higher."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests import factories
from tests.search.test_search_page import result_links, search
from tracker.search.fts5 import MAX_EXPANSIONS


def test_a_prefix_finds_every_word_it_stands_for_and_no_other(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()
    titles = ["Consul contacts", "Consulate visits", "Consultation paper", "Consultancy terms", "Consumer data"]
    requests = {title: factories.info_request(delegation, title=title, description="Memo") for title in titles}
    for query in ("consul", "CONSUL", "memo consul"):
        found = result_links(search(signed_in, query)[1])
        assert sorted(found) == sorted(f"/requests/{requests[title].id}" for title in titles[:4]), query
    assert result_links(search(signed_in, "cons")[1]).count(f"/requests/{requests['Consumer data'].id}") == 1
    assert result_links(search(signed_in, "con")[1]).count(f"/requests/{requests['Consumer data'].id}") == 1


def test_a_prefix_standing_for_more_words_than_are_sought_still_finds_them_all(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()
    many = MAX_EXPANSIONS + 8
    for n in range(many):
        factories.info_request(delegation, title=f"Zygo{chr(97 + n // 26)}{chr(97 + n % 26)} survey")
    status, page = search(signed_in, "zygo")
    assert status == 200
    assert re.search(rf"Everything <span class=\"badge\">{many}</span>", page)
    assert re.search(r"Everything <span class=\"badge\">2</span>", search(signed_in, "zygoa")[1]) is None
    assert re.search(r"Everything <span class=\"badge\">26</span>", search(signed_in, "zygoa")[1])


def test_a_prefix_no_indexed_word_starts_with_finds_nothing(signed_in: FlaskClient) -> None:
    factories.info_request(factories.delegation(), title="Quorum rules")
    assert result_links(search(signed_in, "quorumx")[1]) == []
    assert result_links(search(signed_in, "quoru")[1]) != []


def test_a_prefix_with_accents_is_found_with_and_without_them(signed_in: FlaskClient) -> None:
    delegate = factories.delegate(factories.delegation(), name="José Núñez Müller")
    for query in ("josé núñe", "jose nune", "JOSÉ NÚÑ"):
        assert result_links(search(signed_in, query)[1]) == [f"/delegations/{delegate.delegation_id}#delegates"], query


def test_more_matches_of_the_words_rank_higher(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()
    twice = factories.info_request(
        delegation, title="Shelter rules", description="Labour inspection checklist and labour inspection records."
    )
    once = factories.info_request(delegation, title="Shelter standards", description="Labour inspection checklist.")
    # the newer record comes first among equal matches: only the rank puts the older one first
    assert result_links(search(signed_in, "labour inspection")[1]) == [f"/requests/{twice.id}", f"/requests/{once.id}"]
    assert result_links(search(signed_in, "labour inspec")[1]) == [f"/requests/{twice.id}", f"/requests/{once.id}"]
