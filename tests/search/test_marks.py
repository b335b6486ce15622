"""Marking searched words in a record's text: escaped, marked, shortened around the first mark."""

from __future__ import annotations

from tracker.search.marks import marked
from tracker.search.terms import Terms


def test_words_are_marked_whatever_their_case_and_accents() -> None:
    assert marked("Côte d'Ivoire & Co", Terms.parse("cote ivoire")) == (
        "<mark>Côte</mark> d&#39;<mark>Ivoire</mark> &amp; Co"
    )


def test_the_last_word_marks_as_a_prefix_the_others_whole() -> None:
    assert marked("Indonesia, Indo-Pacific, indolent", Terms.parse("indo")) == (
        "<mark>Indonesia</mark>, <mark>Indo</mark>-Pacific, <mark>indolent</mark>"
    )
    assert marked("Labourers labour", Terms.parse("labour x")) == "Labourers <mark>labour</mark>"


def test_a_long_text_is_shortened_around_the_first_mark() -> None:
    text = " ".join(f"word{n}" for n in range(200)) + " trafficking " + " ".join(f"tail{n}" for n in range(200))
    excerpt = marked(text, Terms.parse("trafficking"), 120)
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert "<mark>trafficking</mark>" in excerpt
    assert len(excerpt) < 160


def test_query_words_are_letters_and_digits_only() -> None:
    terms = Terms.parse('"AND* NEAR(-x) title:y')
    assert terms.words == ("AND", "NEAR", "x", "title", "y")
    assert terms.fts5_query() == '"AND" AND "NEAR" AND "x" AND "title" AND "y"'
    assert Terms.parse('x "NEAR*').fts5_query() == '"x" AND "NEAR"*'
    assert Terms.parse("x near").fts5_query(["near", "nearby"]) == '"x" AND ("near" OR "nearby")'
    assert terms.tsquery() == "AND & NEAR & x & title & y"
    assert not Terms.parse("*** -- ()")
    assert Terms.parse("a").tsquery() == "a"  # one letter is not a prefix
