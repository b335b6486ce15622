"""The comparison across countries, against figures worked out by hand on a small fixture."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.queries import counting_queries
from tracker.countries.comparison import CountryFigures, Scope, compare
from tracker.extensions import db
from tracker.models import ContactChannel, ContactLog, NeedCategory, Region, RequestStatus, Tier

LEGISLATION, PROTECTION, DATA = NeedCategory.LEGISLATION, NeedCategory.PROTECTION, NeedCategory.DATA


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _request(delegation: object, created: datetime, due_on: date, delivered: datetime | None = None) -> None:
    status = RequestStatus.DELIVERED if delivered else RequestStatus.IN_PROGRESS
    factories.info_request(delegation, created_at=created, due_on=due_on, delivered_at=delivered, status=status)


def _contact(delegation: object, on: date) -> None:
    db.session.add(ContactLog(delegation_id=delegation.id, contacted_on=on, channel=ContactChannel.CALL, summary="x"))  # type: ignore[attr-defined]
    db.session.commit()


@pytest.fixture
def hosted() -> dict[str, int]:
    """Moldova: visits in 2014 and 2015; Thailand: a visit in 2014.

    Moldova's requests take 10 (on time), 20 (late) and 30 (on time) days, one is open: median 20.
    Thailand's take 4 and 12 days, both on time: median 8, the mean of the middle two.
    """
    moldova, thailand = factories.country("MDA"), factories.country("THA")
    in_2014, in_2015 = factories.visit(starts_on=date(2014, 6, 1)), factories.visit(starts_on=date(2015, 3, 1))
    mda_2014 = factories.delegation(visit=in_2014, country=moldova)
    mda_2015 = factories.delegation(visit=in_2015, country=moldova)
    tha_2014 = factories.delegation(visit=in_2014, country=thailand)
    factories.need(mda_2014, category=LEGISLATION)
    factories.need(mda_2014, category=LEGISLATION)
    factories.need(mda_2015, category=DATA)
    factories.need(tha_2014, category=PROTECTION)
    _request(mda_2014, _utc(2014, 6, 1, 10), date(2014, 6, 20), _utc(2014, 6, 11, 15))
    _request(mda_2014, _utc(2014, 6, 1, 10), date(2014, 6, 5), _utc(2014, 6, 21, 9))
    _request(mda_2015, _utc(2015, 3, 1, 9), date(2015, 4, 1), _utc(2015, 3, 31, 16))
    _request(mda_2015, _utc(2015, 3, 1, 9), date(2015, 5, 1))
    _request(tha_2014, _utc(2014, 7, 1, 8), date(2014, 7, 10), _utc(2014, 7, 5, 8))
    _request(tha_2014, _utc(2014, 7, 1, 8), date(2014, 7, 31), _utc(2014, 7, 13, 8))
    _contact(mda_2014, date(2014, 7, 1))
    _contact(mda_2015, date(2015, 5, 1))
    return {"MDA": moldova.id, "THA": thailand.id}


def _by_iso3(scope: Scope) -> dict[str, CountryFigures]:
    return {row.iso3: row for row in compare(scope).rows}


def test_figures_per_country_match_the_hand_computed_ones(hosted: dict[str, int]) -> None:
    comparison = compare(Scope())
    assert comparison.report_year == 2015
    rows = {row.iso3: row for row in comparison.rows}
    assert set(rows) == {"MDA", "THA"}
    mda, tha = rows["MDA"], rows["THA"]
    assert (mda.region, mda.tier, mda.delegations) == (Region.EUROPE, Tier.TIER_2, 2)
    assert {category: n for category, n in mda.needs.items() if n} == {LEGISLATION: 2, DATA: 1}
    assert (mda.requests, mda.delivered, mda.on_time, mda.median_days) == (4, 3, 2, 20)
    assert mda.last_contact == date(2015, 5, 1)
    assert (tha.region, tha.tier, tha.delegations) == (Region.EAST_ASIA_PACIFIC, Tier.TIER_3, 1)
    assert {category: n for category, n in tha.needs.items() if n} == {PROTECTION: 1}
    assert (tha.requests, tha.delivered, tha.on_time, tha.median_days) == (2, 2, 2, 8)
    assert tha.last_contact is None
    assert comparison.visit_years == {hosted["MDA"]: {2014, 2015}, hosted["THA"]: {2014}}


def test_a_year_counts_that_years_visits_and_takes_that_years_report(hosted: dict[str, int]) -> None:
    comparison = compare(Scope(year=2014))
    assert comparison.report_year == 2014
    mda = next(row for row in comparison.rows if row.iso3 == "MDA")
    assert (mda.delegations, mda.requests, mda.delivered, mda.on_time, mda.median_days) == (1, 2, 2, 1, 15)
    assert mda.needs[LEGISLATION] == 2 and mda.needs[DATA] == 0
    assert mda.last_contact == date(2014, 7, 1)
    assert _by_iso3(Scope(year=2016)) == {}  # no visit that year
    assert compare(Scope(year=2030)).report_year == 2015  # the report in force: the latest one


def test_region_and_tier_filters(hosted: dict[str, int]) -> None:
    assert set(_by_iso3(Scope(region=Region.EUROPE))) == {"MDA"}
    assert set(_by_iso3(Scope(region=Region.AFRICA))) == set()
    assert set(_by_iso3(Scope(tier=Tier.TIER_3))) == {"THA"}
    assert set(_by_iso3(Scope(tier=Tier.TIER_2, year=2014))) == {"MDA"}  # the 2014 report's tiers
    assert set(_by_iso3(Scope(tier=Tier.TIER_2_WATCH_LIST, year=2014))) == set()


def test_on_time_is_judged_on_the_centres_calendar(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Delivered at 22:00 in Chicago on the due date is on time there, though it is the next day in UTC."""
    delegation = factories.delegation(country=factories.country("KEN"))
    _request(delegation, _utc(2014, 6, 1, 15), date(2014, 6, 20), _utc(2014, 6, 21, 3))
    assert _by_iso3(Scope())["KEN"].on_time == 0
    monkeypatch.setitem(app.config, "TIMEZONE", "America/Chicago")
    kenya = _by_iso3(Scope())["KEN"]
    assert (kenya.on_time, kenya.median_days) == (1, 19)


def test_the_page_shows_the_figures_sorted_as_asked(signed_in: FlaskClient, hosted: dict[str, int]) -> None:
    page = signed_in.get("/countries/?sort=median_days_to_delivery&order=desc").get_data(as_text=True)
    assert page.index(">Moldova<") < page.index(">Thailand<")
    assert 'aria-sort="descending"' in page
    page = signed_in.get("/countries/?sort=median_days_to_delivery&order=asc").get_data(as_text=True)
    assert page.index(">Thailand<") < page.index(">Moldova<")
    assert '2 <span class="muted">(67%)</span>' in page  # Moldova: 2 of 3 delivered on time
    assert "Tiers are from the 2015 TIP report" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("sort=shoe_size", "Not a valid choice"),
        ("order=sideways", "Not a valid choice"),
        ("region=atlantis", "Not a valid choice"),
        ("tier=tier_9", "Not a valid choice"),
        ("year=last", "Not a valid integer value"),
        ("year=99999", "Number must be between 1990 and 2100"),
    ],
)
def test_bad_filters_are_shown_not_applied(
    signed_in: FlaskClient, hosted: dict[str, int], query: str, message: str
) -> None:
    for url in (f"/countries/?{query}", f"/countries/export.csv?{query}", f"/countries/tiers?{query}"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
    for url in (f"/countries/?{query}", f"/countries/tiers?{query}"):
        page = signed_in.get(url).get_data(as_text=True)
        assert message in page and ">Moldova<" in page and ">Thailand<" in page, url


def test_the_tier_movement_grid_has_its_own_page_with_the_comparisons_filters_and_order(
    signed_in: FlaskClient, hosted: dict[str, int]
) -> None:
    query = "year=2014&sort=median_days_to_delivery&order=desc"
    in_html = query.replace("&", "&amp;")
    comparison = signed_in.get(f"/countries/?{query}").get_data(as_text=True)
    assert '<svg class="tier-grid"' not in comparison
    assert comparison.count(f'href="/countries/tiers?{in_html}"') == 2  # near the top and below the table

    page = signed_in.get(f"/countries/tiers?{query}").get_data(as_text=True)
    assert '<svg class="tier-grid"' in page and "Tier movement as a table" in page
    assert page.index('<th scope="row">Moldova</th>') < page.index('<th scope="row">Thailand</th>')  # median 15, 8
    assert f'href="/countries/?{in_html}"' in page
    assert "sorted by Median days to delivery, descending" in page

    ascending = signed_in.get("/countries/tiers?sort=median_days_to_delivery&order=asc").get_data(as_text=True)
    assert ascending.index('<th scope="row">Thailand</th>') < ascending.index('<th scope="row">Moldova</th>')
    europe = signed_in.get("/countries/tiers?region=europe").get_data(as_text=True)
    assert '<th scope="row">Moldova</th>' in europe and "Thailand" not in europe
    none = signed_in.get("/countries/tiers?year=2001").get_data(as_text=True)
    assert "No hosted country matches these filters." in none and '<svg class="tier-grid"' not in none


def test_the_tier_grid_sorted_by_last_contact_reads_the_contacts(
    signed_in: FlaskClient, hosted: dict[str, int]
) -> None:
    # The grid leaves the latest contacts out unless it is sorted by them: Thailand's, older than Moldova's, must
    # put it first in ascending order (by name, or with none read, Moldova would come first).
    _contact(factories.delegation(visit=factories.visit(starts_on=date(2013, 5, 1)), country=factories.country("THA")),
             date(2013, 6, 1))  # fmt: skip
    ascending = signed_in.get("/countries/tiers?sort=last_contact&order=asc").get_data(as_text=True)
    assert ascending.index('<th scope="row">Thailand</th>') < ascending.index('<th scope="row">Moldova</th>')
    descending = signed_in.get("/countries/tiers?sort=last_contact&order=desc").get_data(as_text=True)
    assert descending.index('<th scope="row">Moldova</th>') < descending.index('<th scope="row">Thailand</th>')


def test_the_csv_is_the_filtered_table(signed_in: FlaskClient, hosted: dict[str, int]) -> None:
    response = signed_in.get("/countries/export.csv?year=2014&sort=delegations&order=desc")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="countries-2014.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == [
        "iso3", "country", "region", "tier_2014", "delegations", "need_legislation", "need_prosecution",
        "need_protection", "need_prevention", "need_partnership", "need_data", "need_other", "requests", "delivered",
        "delivered_on_time", "median_days_to_delivery", "last_contact",
    ]  # fmt: skip
    moldova = next(row for row in rows if row["iso3"] == "MDA")
    assert moldova == {
        "iso3": "MDA", "country": "Moldova", "region": "Europe", "tier_2014": "Tier 2", "delegations": "1",
        "need_legislation": "2", "need_prosecution": "0", "need_protection": "0", "need_prevention": "0",
        "need_partnership": "0", "need_data": "0", "need_other": "0", "requests": "2", "delivered": "2",
        "delivered_on_time": "1", "median_days_to_delivery": "15", "last_contact": "2014-07-01",
    }  # fmt: skip
    thailand = next(row for row in rows if row["iso3"] == "THA")
    assert (thailand["tier_2014"], thailand["median_days_to_delivery"], thailand["last_contact"]) == ("Tier 3", "8", "")


def test_the_page_runs_as_many_queries_for_many_countries_as_for_few(signed_in: FlaskClient) -> None:
    def host(iso3: str) -> None:
        delegation = factories.delegation(country=factories.country(iso3))
        factories.need(delegation)
        _request(delegation, _utc(2014, 6, 1), date(2014, 6, 30), _utc(2014, 6, 10))
        _contact(delegation, date(2014, 7, 1))

    def counts() -> list[int]:
        found = []
        for url in ("/countries/", "/countries/tiers"):
            with counting_queries() as statements:
                assert signed_in.get(url).status_code == 200
            found.append(len(statements))
        return found

    host("MDA")
    few = counts()
    for iso3 in ("THA", "UKR", "NGA", "MEX", "NPL", "JOR"):
        host(iso3)
    assert counts() == few
