"""Links to many records built once (tracker.routing.id_urls) are the links url_for builds, anchors included."""

from flask import Flask, url_for

from tracker.routing import id_urls


def test_each_id_gets_the_link_url_for_would_build(app: Flask) -> None:
    with app.test_request_context():
        delegation = id_urls("delegations.detail", "delegation_id", _anchor="needs")
        country = id_urls("countries.detail", "country_id")
        for record_id in (1, 7, 10, 2147483646):
            assert delegation(record_id) == url_for("delegations.detail", delegation_id=record_id, _anchor="needs")
            assert country(record_id) == url_for("countries.detail", country_id=record_id)
