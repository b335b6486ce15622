"""Follow-up health: figures against a small fixture worked out by hand, the lists its charts link to, its CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests import factories
from tests.queries import counting_queries
from tracker.clock import today
from tracker.delegations.scope import DelegationScope
from tracker.extensions import db
from tracker.health.charts import Links
from tracker.health.figures import Dimension, Figures, Health, follow_up_health, trend_days
from tracker.models import (
    ContactChannel,
    ContactLog,
    DelegationStatus,
    Region,
    RequestStatus,
    Tier,
)

COUNT = re.compile(r'<p class="count">(\d+) (?:requests?|delegations?) in all</p>')


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _request(delegation: object, created: date, due: date, delivered: date | None = None,
             status: RequestStatus | None = None) -> None:
    """A request logged on ``created``, due on ``due``, delivered on ``delivered`` (or open, or ``status``)."""
    status = status or (RequestStatus.DELIVERED if delivered else RequestStatus.IN_PROGRESS)
    reason = "Not ours to do" if status.needs_reason else None
    factories.info_request(delegation, created_at=_at(created), due_on=due, status=status, status_reason=reason,
                           delivered_at=_at(delivered) if delivered else None)  # fmt: skip


def _contact(delegation: object, on: date) -> None:
    db.session.add(ContactLog(delegation_id=delegation.id, contacted_on=on, channel=ContactChannel.CALL, summary="x"))  # type: ignore[attr-defined]
    db.session.commit()


@pytest.fixture
def centre() -> dict[str, object]:
    """Two visit years, three countries, four delegations (one of them closed), nine requests.

    Delivered in days: 10 on time, 30 late (Moldova, first year), 4 on time (Thailand), 20 late (Moldova, second
    year), 8 on time (Nigeria): the median is 10. Two requests are overdue, one is not due yet, one declined.
    Moldova's first delegation was last contacted 100 days ago and its second never: both quiet; Thailand's was
    contacted 10 days ago; Nigeria's follow-up is closed.
    """
    day = today()
    first, second = day.year - 2, day.year - 1
    visit_1 = factories.visit(starts_on=date(first, 1, 15))
    visit_2 = factories.visit(starts_on=date(second, 3, 1))
    moldova, thailand, nigeria = factories.country("MDA"), factories.country("THA"), factories.country("NGA")
    mda_1 = factories.delegation(visit=visit_1, country=moldova, tier=Tier.TIER_2)
    tha_1 = factories.delegation(visit=visit_1, country=thailand, tier=Tier.TIER_3)
    mda_2 = factories.delegation(visit=visit_2, country=moldova, tier=Tier.TIER_2)
    nga_2 = factories.delegation(visit=visit_2, country=nigeria, tier=None, status=DelegationStatus.CLOSED)
    start_1, start_2 = date(first, 1, 20), date(second, 3, 5)
    _request(mda_1, start_1, start_1 + timedelta(days=20), start_1 + timedelta(days=10))
    _request(mda_1, start_1, start_1 + timedelta(days=5), start_1 + timedelta(days=30))
    _request(mda_1, start_1, start_1 + timedelta(days=5), status=RequestStatus.DECLINED)
    _request(tha_1, start_1, start_1 + timedelta(days=9), start_1 + timedelta(days=4))
    _request(tha_1, start_1, day - timedelta(days=10))
    _request(mda_2, start_2, start_2 + timedelta(days=15), start_2 + timedelta(days=20))
    _request(mda_2, start_2, day + timedelta(days=10))
    _request(mda_2, start_2, day - timedelta(days=40))
    _request(nga_2, start_2, start_2 + timedelta(days=8), start_2 + timedelta(days=8))
    _contact(mda_1, day - timedelta(days=100))
    _contact(tha_1, day - timedelta(days=10))
    return {"first": first, "second": second, "MDA": moldova.id, "THA": thailand.id, "NGA": nigeria.id}


def _figures(figures: Figures) -> tuple[object, ...]:
    return (figures.label, figures.on_time, figures.late, figures.overdue, figures.median_days, figures.followed_up,
            figures.quiet)  # fmt: skip


def test_totals_count_on_time_late_overdue_the_median_and_quiet_delegations(centre: dict[str, object]) -> None:
    health = follow_up_health(DelegationScope(), Dimension.YEAR, today())
    assert _figures(health.total) == ("All", 3, 2, 2, 10.0, 3, 2)
    assert health.total.come_due == 7 and health.total.on_time_share == pytest.approx(3 / 7)


def test_figures_by_year_tier_region_and_country(centre: dict[str, object]) -> None:
    def by(dimension: Dimension) -> list[tuple[object, ...]]:
        return [_figures(group) for group in follow_up_health(DelegationScope(), dimension, today()).groups]

    first, second = centre["first"], centre["second"]
    assert by(Dimension.YEAR) == [(str(first), 2, 1, 1, 10.0, 2, 1), (str(second), 1, 1, 1, 14.0, 1, 1)]
    assert by(Dimension.TIER) == [
        ("Tier 2", 1, 2, 1, 20.0, 2, 2), ("Tier 3", 1, 0, 1, 4.0, 1, 0), ("Tier not known", 1, 0, 0, 8.0, 0, 0),
    ]  # fmt: skip
    assert by(Dimension.REGION) == [
        ("Africa", 1, 0, 0, 8.0, 0, 0), ("East Asia and Pacific", 1, 0, 1, 4.0, 1, 0), ("Europe", 1, 2, 1, 20.0, 2, 2),
    ]  # fmt: skip
    assert by(Dimension.COUNTRY) == [
        ("Moldova", 1, 2, 1, 20.0, 2, 2), ("Nigeria", 1, 0, 0, 8.0, 0, 0), ("Thailand", 1, 0, 1, 4.0, 1, 0),
    ]  # fmt: skip


def test_filters_narrow_every_figure(centre: dict[str, object]) -> None:
    scope = DelegationScope(year=centre["second"], region=Region.EUROPE)  # type: ignore[arg-type]
    health = follow_up_health(scope, Dimension.COUNTRY, today())
    assert [_figures(group) for group in health.groups] == [("Moldova", 0, 1, 1, 20.0, 1, 1)]
    assert _figures(health.total) == ("All", 0, 1, 1, 20.0, 1, 1)
    assert sum(point.overdue for point in health.trend[-1:]) == 1
    by_country = {
        DelegationScope(year=centre["first"]): [("Moldova", 1, 1, 0, 20.0, 1, 1), ("Thailand", 1, 0, 1, 4.0, 1, 0)],
        DelegationScope(region=Region.EUROPE): [("Moldova", 1, 2, 1, 20.0, 2, 2)],
    }  # the countries' rows summed over the cohorts (a year), and joined to their countries (a region)
    for narrowed, expected in by_country.items():
        assert [_figures(group) for group in follow_up_health(narrowed, Dimension.COUNTRY, today()).groups] == expected
    nothing = follow_up_health(DelegationScope(tier=Tier.TIER_1), Dimension.YEAR, today())
    assert nothing.groups == [] and nothing.total.median_days is None and nothing.total.on_time_share is None


def test_a_delivery_counts_on_its_date_in_the_centres_time_zone(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Delivered at 20:00 UTC on the due date is the next day in Auckland: late there, on time in UTC."""
    delegation = factories.delegation(visit=factories.visit(starts_on=date(2024, 5, 1)))
    factories.info_request(delegation, created_at=_at(date(2024, 5, 2)), due_on=date(2024, 6, 1),
                           status=RequestStatus.DELIVERED, delivered_at=_at(date(2024, 6, 1), hour=20))  # fmt: skip
    in_utc = follow_up_health(DelegationScope(), Dimension.YEAR, today()).total
    monkeypatch.setitem(app.config, "TIMEZONE", "Pacific/Auckland")
    in_auckland = follow_up_health(DelegationScope(), Dimension.YEAR, today()).total
    assert (in_utc.on_time, in_utc.late, in_utc.median_days) == (1, 0, 30.0)
    assert (in_auckland.on_time, in_auckland.late, in_auckland.median_days) == (0, 1, 31.0)


def test_trend_days_are_the_last_twelve_month_ends_then_today() -> None:
    days = trend_days(date(2026, 3, 15))
    assert days[0] == date(2025, 3, 31) and days[1] == date(2025, 4, 30) and days[11] == date(2026, 2, 28)
    assert days[-1] == date(2026, 3, 15) and len(days) == 13
    assert trend_days(date(2024, 3, 1))[10:] == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 1)]


def test_overdue_trend_counts_what_was_past_due_and_not_delivered_at_each_month_end() -> None:
    """One request overdue at month ends 5 to 7 (delivered the day after the 7th), one open and overdue since
    before the 11th, one delivered on its due date (never overdue), one declined, one logged only after the 3rd
    month end although due before it."""
    day = today()
    ends = trend_days(day)
    delegation = factories.delegation(visit=factories.visit(starts_on=ends[0] - timedelta(days=200)))
    early = ends[0] - timedelta(days=100)
    _request(delegation, early, ends[5] - timedelta(days=1), ends[7] + timedelta(days=1))
    _request(delegation, early, ends[10] - timedelta(days=3))
    _request(delegation, early, ends[8], ends[8])
    _request(delegation, early, ends[2], status=RequestStatus.DECLINED)
    _request(delegation, ends[3] + timedelta(days=1), ends[2], ends[4] + timedelta(days=1))

    trend = [point.overdue for point in follow_up_health(DelegationScope(), Dimension.YEAR, day).trend]

    assert [point.day for point in follow_up_health(DelegationScope(), Dimension.YEAR, day).trend] == ends
    expected = [0] * 13
    for index in (5, 6, 7):
        expected[index] += 1
    for index in (10, 11, 12):
        expected[index] += 1
    expected[4] += 1  # logged after the 3rd month end, delivered after the 4th: overdue at the 4th only
    assert trend == expected


def _count(client: FlaskClient, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    match = COUNT.search(response.get_data(as_text=True))
    assert match, url
    return int(match.group(1))


def _links(health: Health, group: Figures | None = None) -> list[tuple[str | None, int]]:
    to = Links(health, group)
    figures = group or health.total
    return [(to.on_time, figures.on_time), (to.late, figures.late), (to.overdue, figures.overdue),
            (to.delivered, figures.delivered), (to.quiet, figures.quiet)]  # fmt: skip


@pytest.mark.parametrize("dimension", list(Dimension))
def test_every_chart_link_opens_a_list_of_exactly_the_rows_it_counts(
    app: Flask, signed_in: FlaskClient, centre: dict[str, object], dimension: Dimension
) -> None:
    expected: list[tuple[str, int]] = []
    with app.test_request_context():
        for scope in (DelegationScope(), DelegationScope(year=centre["first"])):  # type: ignore[arg-type]
            health = follow_up_health(scope, dimension, today())
            for group in [None, *health.groups]:
                for url, number in _links(health, group):
                    if url is None:  # "tier not known", "no region": no filter selects them
                        assert group is not None and group.key is None
                    else:
                        expected.append((url, number))
            expected += [(Links(health).overdue_on(point.day) or "", point.overdue) for point in health.trend]
    assert len(expected) >= 40
    assert [(url, _count(signed_in, url)) for url, _ in expected] == expected


def test_the_page_shows_charts_with_titles_tables_and_links(signed_in: FlaskClient, centre: dict[str, object]) -> None:
    page = signed_in.get("/health/?by=tier").get_data(as_text=True)
    assert page.count('role="img"') == 4 and page.count("<title id=") == 4
    assert "Requests delivered on time, late, or overdue, by tier at visit" in page
    assert '<th scope="row">Tier 3</th>' in page and '<th scope="row">Tier not known</th>' in page
    assert "43%" in page and "3 of 7 requests come due" in page
    assert 'href="/requests/?tier=tier_2&amp;delivery=late&amp;status="' in page
    assert 'href="/delegations/?tier=tier_2&amp;status=active&amp;no_contact_days=90"' in page
    assert 'aria-current="true">Tier at visit</a>' in page


def test_bad_filters_are_shown_and_not_applied(signed_in: FlaskClient, centre: dict[str, object]) -> None:
    response = signed_in.get("/health/?year=abc&tier=tier_9&by=colour&country=nowhere")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not a valid" in page
    assert "3 of 7 requests come due" in page, "every figure, unfiltered"


def test_the_dashboard_shows_the_centres_health_and_links_to_the_page(signed_in: FlaskClient,
                                                                      centre: dict[str, object]) -> None:
    page = signed_in.get("/").get_data(as_text=True)
    assert "43%" in page and "delivered on time" in page and 'href="/health/"' in page
    assert page.count('role="img"') == 2
    assert "Requests delivered on time, late, or overdue, by tier at visit" in page


def test_health_csv_has_a_row_per_group_and_the_total(signed_in: FlaskClient, centre: dict[str, object]) -> None:
    response = signed_in.get("/health/export.csv?by=country")
    assert response.is_streamed and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["country", "requests_come_due", "delivered_on_time", "delivered_late", "overdue",
                       "on_time_percent", "median_days_to_delivery", "delegations_followed_up", "no_contact_90_days"]
    assert rows[1:] == [["Moldova", "4", "1", "2", "1", "25.0", "20.0", "2", "2"],
                        ["Nigeria", "1", "1", "0", "0", "100.0", "8.0", "0", "0"],
                        ["Thailand", "2", "1", "0", "1", "50.0", "4.0", "1", "0"],
                        ["All", "7", "3", "2", "2", "42.9", "10.0", "3", "2"]]  # fmt: skip
    trend = list(csv.reader(io.StringIO(signed_in.get("/health/trend.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert trend[0] == ["day", "overdue_requests"] and len(trend) == 14
    assert trend[-1] == [today().isoformat(), "2"]


def _grow(count: int) -> None:
    """Delegations across years and countries, each with a delivered, an overdue and a quiet history."""
    for index in range(count):
        visit = factories.visit(starts_on=date(2020 + index % 5, 1 + index % 12, 1))
        delegation = factories.delegation(visit=visit, country=factories.country(("MDA", "THA", "NGA")[index % 3]))
        start = visit.starts_on
        _request(delegation, start, start + timedelta(days=20), start + timedelta(days=10 + index))
        _request(delegation, start, today() - timedelta(days=5))


@pytest.mark.parametrize("url", ["/health/?by=year", "/health/?by=country&region=europe", "/"])
def test_pages_run_the_same_queries_for_3_delegations_as_for_30(signed_in: FlaskClient, url: str) -> None:
    _grow(3)
    with counting_queries() as few:
        assert signed_in.get(url).status_code == 200
    _grow(27)
    with counting_queries() as many:
        assert signed_in.get(url).status_code == 200
    assert len(many) == len(few)
