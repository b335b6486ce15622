"""The printable brief of a delegation: what a host needs before the meeting, on one page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask.testing import FlaskClient

from tests import factories
from tests.queries import counting_queries
from tracker.clock import today
from tracker.extensions import db
from tracker.models import ContactChannel, ContactLog, NeedCategory, RequestStatus, Tier


def _contact(delegation_id: int, on: date, summary: str) -> None:
    db.session.add(ContactLog(delegation_id=delegation_id, contacted_on=on, channel=ContactChannel.MEETING,
                              summary=summary))  # fmt: skip
    db.session.commit()


def test_the_brief_shows_needs_what_is_owed_tiers_earlier_delegations_and_contacts(signed_in: FlaskClient) -> None:
    moldova = factories.country("MDA")
    factories.delegation(visit=factories.visit(title="Labour exploitation study tour",
                                               starts_on=date(2012, 5, 7)), country=moldova)  # fmt: skip
    factories.delegation(visit=factories.visit(title="Thai visit", starts_on=date(2013, 1, 7)),
                         country=factories.country("THA"))  # fmt: skip
    delegation = factories.delegation(visit=factories.visit(title="Victim services exchange", location="Chicago"),
                                      country=moldova, tier=Tier.TIER_2_WATCH_LIST, tier_report_year=2015)  # fmt: skip
    factories.delegate(delegation, name="Ana Rusu", title="Deputy Minister", organisation="Ministry of Interior")
    factories.need(delegation, category=NeedCategory.PROTECTION, description="Shelter standards for minors")
    factories.info_request(delegation, title="Comparative study of shelters", due_on=today() - timedelta(days=2))
    factories.info_request(delegation, title="Delivered analysis", status=RequestStatus.DELIVERED,
                           delivered_at=datetime(2025, 4, 20, 9, tzinfo=UTC))  # fmt: skip
    _contact(delegation.id, date(2025, 5, 2), "Call with the deputy minister about the shelter study")

    response = signed_in.get(f"/delegations/{delegation.id}/brief")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Moldova delegation: brief" in page and "Victim services exchange" in page and "Chicago" in page
    assert "Ana Rusu</strong>, Deputy Minister · Ministry of Interior" in page
    assert "Protection:</strong> Shelter standards for minors" in page
    assert "Comparative study of shelters" in page and "overdue" in page
    assert "Delivered analysis" not in page, "what is owed, not what was delivered"
    assert "1 delivered, the latest 20 Apr 2025 09:00 · 1 still owed" in page
    assert "<tr><td>2015</td><td>Tier 2</td></tr>" in page and "<tr><td>2006</td><td>Tier 2</td></tr>" in page
    assert "<td>2005</td>" not in page, "the latest ten reports"
    assert "Labour exploitation study tour" in page and "Thai visit" not in page
    assert "2 May 2025</strong> · Meeting" in page and "about the shelter study" in page
    assert 'src="/static/js/print.js"' in page and "data-print hidden" in page


def test_the_delegation_page_links_to_its_brief(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()
    page = signed_in.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    assert f'href="/delegations/{delegation.id}/brief">Brief to print</a>' in page


def test_a_first_delegation_with_nothing_recorded_still_gets_a_brief(signed_in: FlaskClient) -> None:
    delegation = factories.delegation(country=factories.country("XKX"))
    page = signed_in.get(f"/delegations/{delegation.id}/brief").get_data(as_text=True)
    assert "This is the first delegation from Kosovo." in page
    assert "No stated needs recorded." in page and "Nothing: every request is delivered or closed." in page
    assert signed_in.get("/delegations/999999/brief").status_code == 404


def test_the_brief_runs_the_same_queries_however_much_there_is(signed_in: FlaskClient) -> None:
    delegation = factories.delegation()

    def add(count: int) -> None:
        for _ in range(count):
            factories.delegate(delegation)
            factories.need(delegation)
            factories.info_request(delegation)
            factories.delegation(country=factories.country("MDA"))

    add(1)
    with counting_queries() as few:
        signed_in.get(f"/delegations/{delegation.id}/brief")
    add(6)
    with counting_queries() as many:
        signed_in.get(f"/delegations/{delegation.id}/brief")
    assert len(many) == len(few)
