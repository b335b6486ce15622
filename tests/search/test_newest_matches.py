"""A search reads the newest matches whichever way the database reads them, and on PostgreSQL it reads every match
of a rare word and walks the newest documents for a common one (tracker/search/tsearch.py)."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from tests import factories
from tracker.extensions import db
from tracker.search import index, tsearch
from tracker.search.terms import Terms


@pytest.fixture
def harbour_requests(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """60 requests that say "harbour", the last two of them and one other also "quayside"; a search reads 3. Each
    has a word of its own, as records do: PostgreSQL estimates a prefix's matches from the words it keeps counts of,
    and of documents that all hold the same few words it keeps none."""
    monkeypatch.setattr(index, "CANDIDATES", 3)
    delegation = factories.delegation()
    titles = [f"Harbour inspection {n}" for n in range(58)] + [f"Harbour quayside survey {n}" for n in range(2)]
    ids = [factories.info_request(delegation, title=title, description=_own_word(title)).id for title in titles]
    factories.info_request(delegation, title="Quayside lighting", description=_own_word("Quayside"))
    return ids


def _own_word(text: str) -> str:
    return f"Reference {hashlib.sha256(text.encode()).hexdigest()[:12]}"


def newest_found(query: str) -> set[int]:
    return {hit.record_id for hit in index.search(Terms.parse(query)).hits}


@pytest.mark.parametrize("match_cost", [1e-9, 1e9], ids=["every match read", "newest documents walked"])
def test_a_search_finds_the_newest_matches_either_way(
    harbour_requests: list[int], monkeypatch: pytest.MonkeyPatch, match_cost: float
) -> None:
    monkeypatch.setattr(tsearch, "MATCH_COST", match_cost)
    assert index.search(Terms.parse("harbour")).more
    assert newest_found("harbour") == set(harbour_requests[-3:])
    assert newest_found("harbour quaysi") == set(harbour_requests[-2:])
    assert newest_found("inspection harbo") == set(harbour_requests[55:58])


def test_postgresql_reads_every_match_of_a_rare_word_and_walks_for_a_common_one(harbour_requests: list[int]) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 reads its matches newest first itself (tracker/search/fts5.py)")
    db.session.execute(sa.text("ANALYZE search_documents"))  # the planner's estimates, as autovacuum keeps them
    limit = index.CANDIDATES + 1
    assert not tsearch.reads_every_match(Terms.parse("harbour"), limit)
    assert not tsearch.reads_every_match(Terms.parse("inspection harbour"), limit)
    # The fewest matches of a word bound how many documents match every word
    assert tsearch.reads_every_match(Terms.parse("quayside"), limit)
    assert tsearch.reads_every_match(Terms.parse("harbour quayside"), limit)
    assert tsearch.reads_every_match(Terms.parse("quayside harbour"), limit)
