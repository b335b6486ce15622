"""The requests list's title filter, read from the titles' trigram index (tracker/search/titles.py on SQLite, a GIN
index on PostgreSQL), finds exactly what the LIKE it stands for finds, with the kind and status filters the index
also holds, after every way requests are written: ORM, bulk Core inserts (as the national demo data loads them),
updates of title, kind and status (ORM and Core), personal-data erasure, deletes and cascaded deletes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, func, insert, select, update

from tests import factories
from tests.queries import counting_queries
from tracker import personal_data
from tracker.extensions import db
from tracker.info_requests.queries import title_contains, title_contains_indexed, title_index_only
from tracker.models import OPEN_STATUSES, Delegation, InfoRequest, RequestKind, RequestStatus, User
from tracker.search.titles import KIND_CODES, STATUS_CODES, UNKNOWN

TEXTS = ["law", "LAW", "Draft law", "lawful", "bylaw", "Ana Petrova", "état", "État", "100%", "a_b", 'say "no"',
         "victim", "zzq"]  # fmt: skip
OPEN = {status.value for status in OPEN_STATUSES}
FILTERS = [(set(), set()), ({"data"}, set()), (set(), OPEN), ({"draft_law_review"}, {"delivered"}),
           ({"data", "other"}, {"new"})]  # fmt: skip


def _matching(condition, kinds: set[str], statuses: set[str]) -> set[int]:  # type: ignore[no-untyped-def]
    query = select(InfoRequest.id).where(condition)
    if kinds:
        query = query.where(InfoRequest.kind.in_(kinds))
    if statuses:
        query = query.where(InfoRequest.status.in_(statuses))
    return set(db.session.scalars(query))


def _assert_index_finds_what_like_finds() -> None:
    found_any = False
    for text in TEXTS:
        for kinds, statuses in FILTERS:
            expected = _matching(title_contains(text), kinds, statuses)
            found_any |= bool(expected)
            assert _matching(title_contains_indexed(text, kinds, statuses), kinds, statuses) == expected, (text, kinds)
            alone = title_index_only(text, kinds, statuses)
            if alone is not None:  # SQLite: the index alone, without reading a request
                assert set(db.session.scalars(alone)) == expected, (text, kinds, statuses)
    assert found_any


def test_the_index_follows_every_write(app: object, staff: User) -> None:
    delegation = factories.delegation()
    other = factories.delegation()
    kept = factories.info_request(delegation, title="Review of the draft law on trafficking")
    factories.info_request(delegation, title="Opinion on the BYLAW of 100% recovery", kind=RequestKind.OTHER)
    factories.info_request(other, title="État des lieux: victim data", kind=RequestKind.DATA)
    factories.info_request(other, title='Ana Petrova\'s note, say "no" to a_b', status=RequestStatus.IN_PROGRESS)
    # Bulk Core inserts, as the national demo data and imports write them.
    db.session.execute(insert(InfoRequest), [
        {"delegation_id": delegation.id, "kind": RequestKind.DATA, "title": f"Lawful data {n}", "owner_id": staff.id,
         "due_on": date(2026, 1, n + 1), "status": RequestStatus.DELIVERED, "delivered_at": datetime.now(UTC)}
        for n in range(3)
    ])  # fmt: skip
    db.session.commit()
    _assert_index_finds_what_like_finds()

    kept.title, kept.kind = "Victim support figures", RequestKind.DATA  # ORM update
    db.session.execute(update(InfoRequest).where(InfoRequest.title.like("Lawful data 1")).values(
        title="Plain data", status=RequestStatus.CLOSED))  # Core update
    db.session.commit()
    _assert_index_finds_what_like_finds()

    delegate = factories.delegate(other, name="Ana Petrova")
    personal_data.erase(delegate, staff, datetime.now(UTC))  # rewrites her name in her delegation's titles
    db.session.commit()
    assert not _matching(title_contains("Ana Petrova"), set(), set())
    _assert_index_finds_what_like_finds()

    db.session.delete(kept)
    db.session.execute(delete(Delegation).where(Delegation.id == other.id))  # cascades to its requests
    db.session.commit()
    assert db.session.scalar(select(func.count(InfoRequest.id))) == 4
    _assert_index_finds_what_like_finds()


def test_every_kind_and_status_has_a_code_of_one_trigram() -> None:
    assert set(KIND_CODES) == {kind.value for kind in RequestKind}
    assert set(STATUS_CODES) == {status.value for status in RequestStatus}
    codes = [*KIND_CODES.values(), *STATUS_CODES.values(), UNKNOWN]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 3 and " " not in code and code == code.lower() for code in codes)


@pytest.mark.parametrize("text", ["law", "la", "LAW", "%", "xyz"])
def test_the_list_filtered_by_title_shows_what_like_finds(signed_in: FlaskClient, text: str) -> None:
    delegation = factories.delegation()
    titles = ["Review of the draft law", "Bylaw comments", "Data on shelters", "100% law"]
    for title in titles:
        factories.info_request(delegation, title=title, kind=RequestKind.DATA)
    page = signed_in.get("/requests/", query_string={"status": "", "kind": "data", "q": text}).get_data(as_text=True)
    expected = [title for title in titles if text.lower() in title.lower()]
    assert [title for title in titles if title in page] == expected


def test_a_title_no_request_has_is_not_looked_for_in_due_order(signed_in: FlaskClient) -> None:
    """Counted empty through the index, the list reads nothing more: not the whole list in due order."""
    factories.info_request(title="Review of the draft law", kind=RequestKind.DATA)
    with counting_queries() as statements:
        page = signed_in.get("/requests/", query_string={"status": "", "kind": "data", "q": "zzq"})
    assert page.status_code == 200
    read_in_order = [s for s in statements if "ORDER BY information_requests.due_on" in s]
    assert not read_in_order
