"""The search page: results of every kind, ranked, with counts per kind and a filter by kind."""

from __future__ import annotations

from flask import current_app, render_template

from tracker.pagination import Page, page_count
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
    found = index.search(terms)
    kind = form.chosen_kind()
    hits = found.of_kind(kind)
    per_page = current_app.config["PER_PAGE"]
    last = page_count(len(hits), per_page)
    number = min(form.page_number, last)
    shown = hits[(number - 1) * per_page:number * per_page]
    page = Page(load_results(shown, terms), number, per_page, len(hits), number < last, more=found.more)
    return render_template(
        "search/results.html", form=form, terms=terms, counts=found.counts, labels=KIND_LABELS, kind=kind,
        page=page, candidates=index.CANDIDATES,
    ), 200
