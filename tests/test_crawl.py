"""With demo data loaded, no page reachable from the home page answers a server error."""

from __future__ import annotations

import re
from collections import Counter, deque

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests.conftest import sign_in
from tracker.auth.passwords import hash_password
from tracker.extensions import db
from tracker.models import Role, User

LINK = re.compile(r'href="(/[^"#]*)')
#: Pages opened per kind of URL (path with ids as N, plus the names of its query arguments): every kind of
#: page is reached without crawling every record.
PER_KIND = 3


def _kind(url: str) -> str:
    path, _, query = url.partition("?")
    names = sorted(part.split("=")[0] for part in query.split("&") if part)
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(names) if names else "")


def test_every_page_reachable_from_home_answers_without_error(runner: FlaskCliRunner, client: FlaskClient) -> None:
    assert runner.invoke(args=["demo-data", "--scale", "small"]).exit_code == 0
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
    admin.password_hash = hash_password("crawler password")
    db.session.commit()
    sign_in(client, admin, password="crawler password")

    seen, queue, opened = {"/"}, deque(["/"]), Counter({"/": 1})
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        for link in LINK.findall(response.get_data(as_text=True)):
            link = link.replace("&amp;", "&")
            if link not in seen and not link.startswith("/static/") and opened[_kind(link)] < PER_KIND:
                seen.add(link)
                opened[_kind(link)] += 1
                queue.append(link)
    kinds = {kind.split("?")[0] for kind in opened}
    expected = {"/", "/visits/", "/visits/N", "/visits/N/edit", "/delegations/", "/delegations/N",
                "/delegations/N/edit", "/requests/", "/requests/N", "/requests/N/edit",
                "/delegations/N/requests/new", "/visits/N/delegations/new", "/countries/", "/countries/N",
                "/countries/export.csv", "/countries/tiers", "/health/", "/health/export.csv", "/delegations/N/brief",
                "/requests/export.csv", "/delegations/export.csv", "/visits/export.csv"}
    assert expected <= kinds, expected - kinds
