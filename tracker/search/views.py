"""The search page: results of every kind, ranked, with counts per kind and a filter by kind."""

from __future__ import annotations

from flask import current_app, render_template

from tracker.pagination import COUNT_CAP, Page, page_count
from tracker.search import bp, index
from tracker.search.forms import KIND_LABELS, SearchForm
from tracker.search.results import load_results
from tracker.search.terms import Terms


@bp.get("/search")
def results() -> tuple[str, int]:
    """Search the records for the words typed in the navigation's search box."""
    form = SearchForm()
    terms = Terms.parse(form.value("q") or "")
    if form.q.errors or not terms:
        status = 400 if form.q.errors else 200
        return render_template("search/results.html", form=form, terms=terms, counts={}, labels=KIND_LABELS), status
    counts = index.counts(terms)
    kind = form.chosen_kind()
    total = counts.get(kind, 0) if kind else sum(counts.values())
    per_page = current_app.config["PER_PAGE"]
    number = min(form.page_number, page_count(min(total, index.RANKED), per_page))
    hits = index.hits(terms, kind, per_page, (number - 1) * per_page) if total else []
    page = Page(load_results(hits, terms), number, per_page, total, reach=index.RANKED)
    return render_template(
        "search/results.html", form=form, terms=terms, counts=counts, labels=KIND_LABELS, kind=kind, page=page,
        ranked=index.RANKED, cap=COUNT_CAP,
    ), 200
