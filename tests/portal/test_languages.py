"""The portal and delegate emails speak English, French and Spanish; staff screens stay English. Every string the
portal marks for translation has a French and a Spanish translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from tests.conftest import sign_in
from tests.html import csrf_token
from tests.portal.helpers import sign_in_delegate
from tracker.extensions import db
from tracker.models import Delegate, User

PROJECT_DIR = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _marked_strings() -> set[str]:
    """What `pybabel extract -F babel.cfg` finds in the sources today."""
    method_map = [
        ("tracker/portal/**.py", "python"),
        ("templates/portal/**.html", "jinja2"),
        ("templates/email/portal/**.html", "jinja2"),
        ("templates/email/portal/**.txt", "jinja2"),
    ]
    options = {"templates/portal/**.html": {"extensions": "jinja2.ext.do"}}
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    found = extract_from_dir(str(PROJECT_DIR), method_map, options, keywords=keywords)
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_portal_string_is_translated(language: str) -> None:
    path = PROJECT_DIR / "tracker" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        catalog = read_po(file)
    translations = {message.id: message.string for message in catalog if message.id}
    missing = sorted(_marked_strings() - set(translations))
    assert not missing, f"not in {path.name} for {language} (run pybabel extract and update): {missing}"
    for source, translated in translations.items():
        assert translated and not catalog[source].fuzzy, f"{language}: no translation for {source!r}"
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translated)), source


def test_the_switcher_changes_the_language_of_the_portal(client: FlaskClient) -> None:
    page = client.get("/portal/sign-in")
    assert "Sign in to the follow-up portal" in page.get_data(as_text=True)
    client.post("/portal/language", data={"language": "fr", "next": "/portal/sign-in",
                                          "csrf_token": csrf_token(page)})
    french = client.get("/portal/sign-in").get_data(as_text=True)
    assert '<html lang="fr">' in french and "Connexion au portail de suivi" in french
    refused = client.post("/portal/language", data={"language": "de", "next": "https://evil.example/",
                                                    "csrf_token": csrf_token(page)})
    assert refused.headers["Location"] == "/portal/"  # no open redirect, no unknown language
    assert "Connexion au portail de suivi" in client.get("/portal/sign-in").get_data(as_text=True)


def test_a_delegate_reads_the_portal_in_their_language_and_staff_stay_in_english(
    client: FlaskClient, delegate: Delegate, staff: User
) -> None:
    db.session.execute(db.update(Delegate).where(Delegate.id == delegate.id).values(preferred_language="es"))
    db.session.commit()
    sign_in_delegate(client, "ana@gov.example")
    home = client.get("/portal/", headers={"Accept-Language": "fr"})  # the preference wins over the browser
    assert "Mis solicitudes" in home.get_data(as_text=True)

    staff_client = client.application.test_client()
    sign_in(staff_client, staff)
    page = staff_client.get(f"/delegations/{delegate.delegation_id}", headers={"Accept-Language": "es,fr"})
    assert "Stated needs" in page.get_data(as_text=True)


def test_a_visitor_gets_the_browsers_language_before_signing_in(client: FlaskClient) -> None:
    page = client.get("/portal/sign-in", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert "Acceso al portal de seguimiento" in page.get_data(as_text=True)
