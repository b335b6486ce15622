"""The search index follows every insert, update and delete of the records, whichever way they happen."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import Delegate, Delegation, SearchDocument, SearchKind, Visit
from tracker.search import index
from tracker.search.terms import Terms


def found(query: str, kind: SearchKind | None = None) -> set[tuple[SearchKind, int]]:
    return {(hit.kind, hit.record_id) for hit in index.search(Terms.parse(query)).of_kind(kind)}


def test_a_new_record_is_found_at_once() -> None:
    delegation = factories.delegation(country=factories.country("IDN"), notes="Met the labour inspectorate")
    delegate = factories.delegate(delegation, name="Siti Hidayat", organisation="Labour Inspectorate")
    need = factories.need(delegation, description="Shelter standards for survivors")
    info_request = factories.info_request(delegation, title="Comparative analysis of shelter laws")
    material = factories.material(info_request, title="Shelter handbook", description="Minimum standards")

    assert found("hidayat") == {(SearchKind.DELEGATE, delegate.id)}
    assert found("shelter") == {
        (SearchKind.NEED, need.id), (SearchKind.REQUEST, info_request.id), (SearchKind.MATERIAL, material.material_id)
    }
    assert (SearchKind.DELEGATION, delegation.id) in found("indonesia")
    assert found("inspectorate") == {(SearchKind.DELEGATION, delegation.id), (SearchKind.DELEGATE, delegate.id)}
    visit_title = db.session.scalar(select(Visit.title).where(Visit.id == delegation.visit_id))
    assert found(visit_title) >= {(SearchKind.VISIT, delegation.visit_id)}


def test_an_edit_changes_what_finds_the_record() -> None:
    delegate = factories.delegate(factories.delegation(), name="Ana Popescu")
    db.session.execute(sa.update(Delegate).where(Delegate.id == delegate.id).values(name="Ana Rusu"))
    db.session.commit()
    assert found("popescu") == set()
    assert found("rusu") == {(SearchKind.DELEGATE, delegate.id)}


def test_a_deleted_record_leaves_the_index_and_so_do_its_cascaded_children() -> None:
    delegation = factories.delegation()
    delegate = factories.delegate(delegation, name="Ion Ceban")
    factories.info_request(delegation, title="Victim identification guide")
    other = factories.delegate(factories.delegation(), name="Ion Ceban")

    db.session.execute(sa.delete(Visit).where(Visit.id == delegation.visit_id))  # the database cascades
    db.session.commit()

    assert found("ceban") == {(SearchKind.DELEGATE, other.id)}
    assert found("victim identification") == set()
    assert (SearchKind.DELEGATE, delegate.id) not in found("ion")
    indexed = {(kind, record_id) for kind, record_id in db.session.execute(
        select(SearchDocument.kind, SearchDocument.record_id)
    )}  # fmt: skip
    assert (SearchKind.DELEGATION, delegation.id) not in indexed


def test_a_delegation_moved_to_another_country_takes_its_records_along() -> None:
    delegation = factories.delegation(country=factories.country("MDA"))
    delegate = factories.delegate(delegation, name="Maria Ionescu")
    thailand = factories.country("THA")
    db.session.execute(sa.update(Delegation).where(Delegation.id == delegation.id).values(country_id=thailand.id))
    db.session.commit()
    assert found("ionescu thailand") == {(SearchKind.DELEGATE, delegate.id)}
    assert found("ionescu moldova") == set()


def test_every_search_trigger_is_there_at_head() -> None:
    """A later migration that rebuilds a table on SQLite (batch mode) drops its triggers: it must make them again."""
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        names = set(db.session.scalars(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
        events = ("insert", "update", "delete")
    else:
        names = set(db.session.scalars(sa.text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
        events = ("insert_delete", "update")
    tables = ("visits", "delegations", "delegates", "stated_needs", "information_requests", "materials")
    expected = {f"search_{table}_{event}" for table in tables for event in events} | {"search_delegations_children"}
    assert expected <= names
