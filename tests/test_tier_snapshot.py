"""A new delegation's tier comes from the bundled history, as of the visit, and stays editable."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.html import csrf_token
from tracker.countries.reference import BUNDLED_TIERS
from tracker.countries.services import tier_as_of
from tracker.extensions import db
from tracker.models import Delegation, Tier, TimelineEntry


def _bundled(iso3: str, year: int) -> str | None:
    with BUNDLED_TIERS.open(encoding="utf-8") as handle:
        return next((r["tier"] for r in csv.DictReader(handle) if r["iso3"] == iso3 and int(r["year"]) == year), None)


@pytest.mark.parametrize(
    ("iso3", "on", "report_year"),
    [
        ("MDA", date(2014, 5, 1), 2014),
        ("AFG", date(2002, 12, 31), 2002),
        ("NGA", date(2026, 11, 1), 2015),  # after the last bundled report: the latest one
        ("XKX", date(2012, 3, 1), 2012),
    ],
)
def test_tier_is_the_latest_report_not_after_the_visit(iso3: str, on: date, report_year: int) -> None:
    tier, year = tier_as_of(factories.country(iso3).id, on)
    assert year == report_year
    assert tier is not None and tier.label == _bundled(iso3, report_year)


def test_no_report_before_2001_gives_no_tier() -> None:
    assert tier_as_of(factories.country("MDA").id, date(1999, 6, 1)) == (None, None)


def test_a_country_not_rated_that_year_gets_no_older_tier() -> None:
    # Afghanistan's 2003 row is NA in the source: no tier, rather than 2002's Tier 3.
    assert _bundled("AFG", 2003) is None and _bundled("AFG", 2002) == "Tier 3"
    assert tier_as_of(factories.country("AFG").id, date(2003, 7, 1)) == (None, None)


def test_bundled_history_uses_the_report_labels() -> None:
    with BUNDLED_TIERS.open(encoding="utf-8") as handle:
        labels = {row["tier"] for row in csv.DictReader(handle)}
    assert labels == {"Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3"}
    # The source codes Watch List as 3 and Tier 3 as 4: Burma 2012 was on the Watch List, Iran 2010 in Tier 3.
    assert _bundled("MMR", 2012) == "Tier 2 Watch List"
    assert _bundled("IRN", 2010) == "Tier 3"


def _add_delegation(client: FlaskClient, visit_id: int, country_id: int, liaison_id: int, tier: str = "") -> None:
    token = csrf_token(client.get(f"/visits/{visit_id}/delegations/new"))
    data = {"country_id": country_id, "liaison_id": liaison_id, "tier": tier, "status": "active", "csrf_token": token}
    response = client.post(f"/visits/{visit_id}/delegations/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_new_delegation_takes_the_tier_and_a_chosen_tier_wins(signed_in: FlaskClient) -> None:
    visit = factories.visit(starts_on=date(2012, 9, 1))
    staff_id = factories.user().id
    _add_delegation(signed_in, visit.id, factories.country("MMR").id, staff_id)
    _add_delegation(signed_in, visit.id, factories.country("THA").id, staff_id, tier=Tier.TIER_3.value)
    found = {d.country_id: d for d in db.session.scalars(select(Delegation).where(Delegation.visit_id == visit.id))}
    burma = found[factories.country("MMR").id]
    assert (burma.tier, burma.tier_report_year) == (Tier.TIER_2_WATCH_LIST, 2012)
    thailand = found[factories.country("THA").id]
    assert (thailand.tier, thailand.tier_report_year) == (Tier.TIER_3, None)
    assert "Tier 2 Watch List" in signed_in.get(f"/delegations/{burma.id}").get_data(as_text=True)


def test_editing_the_tier_by_hand_keeps_it(signed_in: FlaskClient) -> None:
    delegation = factories.delegation(tier=Tier.TIER_2, tier_report_year=2014)
    page = signed_in.get(f"/delegations/{delegation.id}/edit")
    data = {
        "csrf_token": csrf_token(page), "version": delegation.version, "country_id": delegation.country_id,
        "liaison_id": delegation.liaison_id, "tier": Tier.SPECIAL_CASE.value, "status": "active", "notes": "",
    }
    assert signed_in.post(f"/delegations/{delegation.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Delegation, delegation.id)
    assert (saved.tier, saved.tier_report_year) == (Tier.SPECIAL_CASE, None)


def test_delegation_edit_is_recorded_in_its_timeline(signed_in: FlaskClient) -> None:
    delegation = factories.delegation(tier=Tier.TIER_2, tier_report_year=2014)
    new_liaison = factories.user(name="Noor Liaison")
    page = signed_in.get(f"/delegations/{delegation.id}/edit")
    data = {
        "csrf_token": csrf_token(page), "version": delegation.version, "country_id": delegation.country_id,
        "liaison_id": new_liaison.id, "tier": Tier.TIER_2.value, "status": "closed", "notes": "Moved on",
    }
    assert signed_in.post(f"/delegations/{delegation.id}/edit", data=data).status_code == 302
    entry = db.session.scalars(select(TimelineEntry).where(TimelineEntry.delegation_id == delegation.id)).one()
    assert "→ Noor Liaison" in entry.summary and "Status: Following up → Follow-up closed" in entry.summary
    assert "Tier at visit" not in entry.summary, "an unchanged tier keeps its report year"
    assert entry.summary.endswith("Notes edited")
