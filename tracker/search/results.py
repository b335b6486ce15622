"""Search results as the page shows them: loaded from the records themselves, one query per kind on the page,
with the searched words marked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import url_for
from markupsafe import Markup
from sqlalchemy import Result as Rows
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Country, Delegate, Delegation, InfoRequest, Material, SearchKind, StatedNeed, Visit
from tracker.search.index import Hit
from tracker.search.marks import marked
from tracker.search.terms import Terms
from tracker.templating import format_date

#: How much of a long text (a description, notes) a result shows around the first searched word.
EXCERPT_CHARACTERS = 240
TITLE_CHARACTERS = 160


@dataclass(frozen=True)
class Result:
    kind: SearchKind
    url: str
    title: Markup
    #: Short facts that place the record (country, visit, dates), marked too.
    context: list[Markup]
    excerpt: Markup | None


def load_results(hits: list[Hit], terms: Terms) -> list[Result]:
    """The results for ``hits``, in their order; a record deleted since the search is left out."""
    ids: dict[SearchKind, list[int]] = defaultdict(list)
    for hit in hits:
        ids[hit.kind].append(hit.record_id)
    found: dict[Hit, Result] = {}
    for kind, record_ids in ids.items():
        for record_id, result in _LOADERS[kind](record_ids, _Marker(terms)):
            found[Hit(kind, record_id)] = result
    return [found[hit] for hit in hits if hit in found]


class _Marker:
    def __init__(self, terms: Terms) -> None:
        self.terms = terms

    def title(self, text: str) -> Markup:
        return marked(text, self.terms, TITLE_CHARACTERS)

    def context(self, *texts: str | None) -> list[Markup]:
        return [marked(text, self.terms) for text in texts if text]

    def excerpt(self, text: str | None) -> Markup | None:
        return marked(text, self.terms, EXCERPT_CHARACTERS) if text else None


Loader = Callable[[list[int], _Marker], Iterable[tuple[int, Result]]]


def _delegations(ids: list[int], mark: _Marker) -> Iterator[tuple[int, Result]]:
    rows = db.session.execute(
        select(Delegation.id, Delegation.notes, Country.name, Country.iso3, Visit.title, Visit.starts_on)
        .join(Country, Country.id == Delegation.country_id)
        .join(Visit, Visit.id == Delegation.visit_id)
        .where(Delegation.id.in_(ids))
    )
    for row in rows:
        url = url_for("delegations.detail", delegation_id=row.id)
        context = mark.context(row.iso3, row.title, format_date(row.starts_on))
        yield row.id, Result(SearchKind.DELEGATION, url, mark.title(row.name), context, mark.excerpt(row.notes))


def _of_delegations(model: type[Delegate | InfoRequest | StatedNeed], ids: list[int], *columns: Any) -> Rows[Any]:
    """``columns`` of the given records of a kind that belongs to a delegation, with the delegation's country."""
    return db.session.execute(
        select(*columns, Country.name.label("country"))
        .join(Delegation, Delegation.id == model.delegation_id)
        .join(Country, Country.id == Delegation.country_id)
        .where(model.id.in_(ids))
    )


def _delegates(ids: list[int], mark: _Marker) -> Iterator[tuple[int, Result]]:
    rows = _of_delegations(
        Delegate, ids, Delegate.id, Delegate.delegation_id, Delegate.name, Delegate.title, Delegate.organisation,
        Delegate.email,
    )
    for row in rows:
        url = url_for("delegations.detail", delegation_id=row.delegation_id, _anchor="delegates")
        context = mark.context(row.title, row.organisation, row.email, f"Delegation from {row.country}")
        yield row.id, Result(SearchKind.DELEGATE, url, mark.title(row.name), context, None)


def _visits(ids: list[int], mark: _Marker) -> Iterator[tuple[int, Result]]:
    for visit in db.session.scalars(select(Visit).where(Visit.id.in_(ids))):
        url = url_for("visits.detail", visit_id=visit.id)
        dates = f"{format_date(visit.starts_on)} – {format_date(visit.ends_on)}"
        context = mark.context(dates, visit.host_programme, visit.location)
        yield visit.id, Result(SearchKind.VISIT, url, mark.title(visit.title), context, mark.excerpt(visit.notes))


def _requests(ids: list[int], mark: _Marker) -> Iterator[tuple[int, Result]]:
    rows = _of_delegations(
        InfoRequest, ids, InfoRequest.id, InfoRequest.title, InfoRequest.description, InfoRequest.kind,
        InfoRequest.status, InfoRequest.due_on,
    )
    for row in rows:
        url = url_for("info_requests.detail", request_id=row.id)
        context = mark.context(row.country, row.kind.label, row.status.label, f"due {format_date(row.due_on)}")
        yield row.id, Result(SearchKind.REQUEST, url, mark.title(row.title), context, mark.excerpt(row.description))


def _needs(ids: list[int], mark: _Marker) -> Iterator[tuple[int, Result]]:
    rows = _of_delegations(StatedNeed, ids, StatedNeed.id, StatedNeed.delegation_id, StatedNeed.category,
                           StatedNeed.description)  # fmt: skip
    for row in rows:
        url = url_for("delegations.detail", delegation_id=row.delegation_id, _anchor="needs")
        context = mark.context(row.category.label, row.country)
        yield row.id, Result(SearchKind.NEED, url, mark.title(row.description), context, None)


def _materials(ids: list[int], mark: _Marker) -> Iterator[tuple[int, Result]]:
    for material in db.session.scalars(select(Material).where(Material.id.in_(ids))):
        url = url_for("materials.detail", material_id=material.id)
        excerpt = mark.excerpt(material.description)
        yield material.id, Result(SearchKind.MATERIAL, url, mark.title(material.title), [], excerpt)


_LOADERS: dict[SearchKind, Loader] = {
    SearchKind.DELEGATION: _delegations,
    SearchKind.DELEGATE: _delegates,
    SearchKind.VISIT: _visits,
    SearchKind.REQUEST: _requests,
    SearchKind.NEED: _needs,
    SearchKind.MATERIAL: _materials,
}
