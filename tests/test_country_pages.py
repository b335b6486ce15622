"""A country's page: its tier history as a chart and a table, and everything the centre did with it."""

from __future__ import annotations

import re
from datetime import date

from flask.testing import FlaskClient

from tests import factories
from tests.queries import counting_queries
from tracker.extensions import db
from tracker.models import ContactChannel, ContactLog, NeedCategory, Tier, User


def _history_table(page: str) -> dict[int, str]:
    table = page[page.index("Tier history as a table") :]
    table = table[: table.index("</table>")]
    return {int(year): tier for year, tier in re.findall(r"<th scope=\"row\">(\d{4})</th><td>([^<]+)</td>", table)}


def test_the_tier_history_is_a_chart_and_a_table_from_2001_to_the_latest_report(signed_in: FlaskClient) -> None:
    moldova = factories.country("MDA")
    page = signed_in.get(f"/countries/{moldova.id}").get_data(as_text=True)
    assert "<h1>Moldova</h1>" in page and "Europe" in page
    assert '<svg class="tier-history"' in page and 'role="img"' in page
    assert page.count('<circle class="placement"') == 15
    assert "<title>2008: Tier 3</title>" in page
    history = _history_table(page)
    assert sorted(history) == list(range(2001, 2016))
    assert (history[2007], history[2008], history[2015]) == ("Tier 2 Watch List", "Tier 3", "Tier 2")


def test_a_country_the_report_skipped_some_years_shows_the_gaps(signed_in: FlaskClient) -> None:
    afghanistan = factories.country("AFG")  # not in the 2001 and 2003 reports' data
    history = _history_table(signed_in.get(f"/countries/{afghanistan.id}").get_data(as_text=True))
    assert (history[2001], history[2002], history[2003]) == ("No data", "Tier 3", "No data")


def test_a_country_without_placements_says_so(signed_in: FlaskClient) -> None:
    somalia = factories.country("SOM")
    page = signed_in.get(f"/countries/{somalia.id}").get_data(as_text=True)
    assert "The tier history has no placement for Somalia" in page
    assert '<svg class="tier-history"' not in page
    assert "The centre has not hosted a delegation from Somalia." in page


def test_delegations_needs_requests_and_contacts_with_the_tier_each_delegation_had(signed_in: FlaskClient) -> None:
    moldova = factories.country("MDA")
    visit = factories.visit(title="Study tour on labour trafficking", starts_on=date(2008, 5, 5))
    delegation = factories.delegation(visit=visit, country=moldova, tier=Tier.TIER_3, tier_report_year=2008)
    factories.need(delegation, category=NeedCategory.PROTECTION, description="Shelter standards")
    info_request = factories.info_request(delegation, title="Comparative analysis of shelter laws")
    db.session.add(ContactLog(delegation_id=delegation.id, contacted_on=date(2008, 9, 1), channel=ContactChannel.EMAIL,
                              summary="Sent the analysis", logged_by_id=info_request.owner_id))  # fmt: skip
    db.session.commit()
    elsewhere = factories.delegation(country=factories.country("UKR"))
    factories.need(elsewhere, description="Not Moldova's need")

    page = signed_in.get(f"/countries/{moldova.id}").get_data(as_text=True)
    assert "Study tour on labour trafficking" in page
    assert re.search(r"Tier 3</span> <span class=\"muted\">\(2008 report\)", page)
    assert "Shelter standards" in page and "Not Moldova&#39;s need" not in page
    assert "Comparative analysis of shelter laws" in page
    assert "Sent the analysis" in page
    # each list names the visit (and the request's owner, the contact's author)
    owner = db.session.get(User, info_request.owner_id).name
    tour = "Study tour on labour trafficking"
    assert re.search(rf'#needs">{tour}</a></span></li>', page)
    assert f'<td data-label="Visit">{tour}</td>\n        <td data-label="Owner">{owner}</td>' in page
    assert re.search(rf' · Email · {re.escape(owner)} · <a href="[^"]+#contacts">{tour}</a>', page)
    assert '<path class="visit-mark"' in page  # the 2008 visit on the chart


def test_the_delegation_page_links_to_its_country(signed_in: FlaskClient) -> None:
    delegation = factories.delegation(country=factories.country("MDA"))
    page = signed_in.get(f"/delegations/{delegation.id}").get_data(as_text=True)
    assert f'href="/countries/{delegation.country_id}"' in page
    assert 'href="/countries/"' in page  # the main navigation


def test_an_unknown_country_is_404(signed_in: FlaskClient) -> None:
    assert signed_in.get("/countries/999999").status_code == 404
    assert signed_in.get("/countries/99999999999999").status_code == 404


def test_the_page_runs_as_many_queries_for_many_delegations_as_for_one(signed_in: FlaskClient) -> None:
    moldova = factories.country("MDA")

    def host() -> None:
        delegation = factories.delegation(country=moldova)
        factories.need(delegation)
        factories.info_request(delegation)

    host()
    with counting_queries() as few:
        assert signed_in.get(f"/countries/{moldova.id}").status_code == 200
    for _ in range(5):
        host()
    with counting_queries() as many:
        assert signed_in.get(f"/countries/{moldova.id}").status_code == 200
    assert len(many) == len(few)
