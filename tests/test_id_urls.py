"""Links built once for many values (tracker.routing.url_filler, id_urls) are the links url_for builds, anchors and
other query arguments included."""

from urllib.parse import quote_plus

from flask import Flask, url_for

from tracker.routing import id_urls, url_filler


def test_each_id_gets_the_link_url_for_would_build(app: Flask) -> None:
    with app.test_request_context():
        delegation = id_urls("delegations.detail", "delegation_id", _anchor="needs")
        country = id_urls("countries.detail", "country_id")
        for record_id in (1, 7, 10, 2147483646):
            assert delegation(record_id) == url_for("delegations.detail", delegation_id=record_id, _anchor="needs")
            assert country(record_id) == url_for("countries.detail", country_id=record_id)


def test_a_query_value_filled_in_as_the_url_writes_it(app: Flask) -> None:
    with app.test_request_context():
        by_region = url_filler("info_requests.list", "PLACEHOLDER", status="", region="PLACEHOLDER", delivery="late")
        for region in ("europe", "east asia & pacific"):
            assert by_region(quote_plus(region)) == url_for("info_requests.list", status="", region=region,
                                                            delivery="late")
