"""The figures each worker keeps until the follow-up summary changes (tracker/health/summary_version.py): every
change to what they read gives a new version, in the changing transaction; kept figures are read once per version;
a transaction's own changes are counted, and what it read is not kept for others once it is rolled back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests import factories
from tests.conftest import sign_in
from tests.queries import counting_queries
from tracker.countries.comparison import Scope, compare
from tracker.extensions import db
from tracker.health.summary_version import KEPT, kept_until_changed
from tracker.models import (
    Country,
    FollowUpCountsZone,
    InfoRequest,
    NeedCategory,
    RequestKind,
    RequestStatus,
    StatedNeed,
    Tier,
    TierPlacement,
    User,
)


def _version() -> int:
    return db.session.scalar(select(FollowUpCountsZone.version))


def _deliver(request: InfoRequest) -> None:
    request.status = RequestStatus.DELIVERED


def _place(country: Country) -> None:
    db.session.add(TierPlacement(country_id=country.id, year=2099, tier=Tier.TIER_1))


def _move(country: Country) -> None:
    db.session.execute(update(TierPlacement).where(TierPlacement.country_id == country.id).values(tier=Tier.TIER_3))


def _unplace(country: Country) -> None:
    for placement in db.session.scalars(select(TierPlacement).where(TierPlacement.country_id == country.id)):
        db.session.delete(placement)


def _rename(country: Country) -> None:
    country.name = "Renamed"


@pytest.mark.parametrize("change", [
    lambda request, country: db.session.add(StatedNeed(delegation_id=request.delegation_id, category=NeedCategory.DATA,
                                                       description="Figures")),
    lambda request, country: _deliver(request),
    lambda request, country: db.session.delete(request),
    lambda request, country: _place(country),
    lambda request, country: _move(country),
    lambda request, country: _unplace(country),
    lambda request, country: _rename(country),
], ids=["need added", "request delivered", "request deleted", "placement added", "placement changed",
        "placements deleted", "country renamed"])  # fmt: skip
def test_every_change_to_what_the_figures_read_gives_a_new_version_in_its_own_transaction(
    change: Callable[[InfoRequest, Country], object],
) -> None:
    moldova = factories.country("MDA")
    request = db.session.get_one(InfoRequest, factories.info_request(factories.delegation(country=moldova)).id)
    country = db.session.get_one(Country, moldova.id)
    before = _version()
    change(request, country)
    db.session.flush()
    assert _version() != before
    db.session.rollback()  # the test's changes (a placement, a name) are not kept
    assert _version() == before


def test_reading_the_figures_keeps_the_version() -> None:
    factories.info_request(factories.delegation(country=factories.country("MDA")))
    before = _version()
    compare(Scope())
    db.session.commit()
    assert _version() == before


def _moldova_requests() -> int:
    return next(row.requests for row in compare(Scope()).rows if row.iso3 == "MDA")


def test_kept_figures_are_read_with_one_query_until_the_summary_changes() -> None:
    delegation = factories.delegation(country=factories.country("MDA"))
    factories.info_request(delegation)
    first = compare(Scope())
    db.session.commit()
    with counting_queries() as statements:
        again = compare(Scope())
    assert again is first
    assert len(statements) == 1 and "follow_up_counts_zone" in statements[0]
    assert compare(Scope(), medians=False) is not first  # other arguments, other figures
    factories.info_request(delegation)
    assert _moldova_requests() == 2


def test_a_transaction_counts_its_own_changes_and_its_figures_go_with_its_rollback() -> None:
    delegation = factories.delegation(country=factories.country("MDA"))
    factories.info_request(delegation)
    compare(Scope())
    db.session.commit()
    db.session.add(InfoRequest(delegation_id=delegation.id, kind=RequestKind.DATA, title="Data",
                               due_on=date(2025, 5, 1), owner_id=delegation.liaison_id))
    db.session.flush()
    assert _moldova_requests() == 2
    db.session.rollback()
    assert _moldova_requests() == 1


def test_a_page_shows_a_change_at_once(client: FlaskClient, staff: User) -> None:
    factories.info_request(factories.delegation(country=factories.country("MDA")))
    sign_in(client, staff)
    for _ in range(2):
        assert "Thailand" not in client.get("/countries/").get_data(as_text=True)
    factories.delegation(country=factories.country("THA"))
    assert "Thailand" in client.get("/countries/").get_data(as_text=True)


def test_a_worker_keeps_the_latest_results_by_their_arguments() -> None:
    worked_out: list[tuple[int, int]] = []

    @kept_until_changed
    def product(first: int, *, second: int = 1) -> int:
        worked_out.append((first, second))
        return first * second

    assert [product(2), product(2), product(2, second=3), product(2, second=3)] == [2, 2, 6, 6]
    assert worked_out == [(2, 1), (2, 3)]
    for first in range(KEPT):
        product(first + 10)
    product(2, second=3)  # the oldest kept results were let go
    assert worked_out[-1] == (2, 3)
    worked_out.clear()
    product(KEPT + 9)  # the latest used are still kept
    assert worked_out == []


def test_a_new_version_lets_every_older_result_go(app: Flask) -> None:
    delegation = factories.delegation(country=factories.country("MDA"))
    compare(Scope())
    compare(Scope(year=2025))
    db.session.commit()
    kept = app.extensions["tracker.kept_figures"]
    assert len(kept) == 2
    factories.info_request(delegation)
    compare(Scope())
    assert len(kept) == 1


@pytest.mark.usefixtures("restore_tier_history")
def test_the_tier_grid_shows_a_new_placement_at_once(signed_in: FlaskClient) -> None:
    moldova = factories.country("MDA")
    factories.delegation(country=moldova)
    before = _moldova_grid_row(signed_in)
    db.session.add(TierPlacement(country_id=moldova.id, year=2099, tier=Tier.TIER_3))
    db.session.commit()
    after = _moldova_grid_row(signed_in)
    assert after.startswith(before) and after.endswith("<td>3</td>")  # years up to 2099, the last tier 3


def _moldova_grid_row(client: FlaskClient) -> str:
    for _ in range(2):  # the second from the kept figures
        page = client.get("/countries/tiers").get_data(as_text=True)
    row = page[page.index('<th scope="row">Moldova</th>'):]
    return row[: row.index("</tr>")]
