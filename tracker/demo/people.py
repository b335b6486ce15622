"""The people in demo data: the centre's team (accounts with random passwords) and visiting delegates."""

from __future__ import annotations

import random
import secrets
import unicodedata

from tracker.auth.services import create_user
from tracker.demo import vocabulary as words
from tracker.models import Country, Delegate, Role, User

ADMIN_EMAIL = "admin@demo.example"


def create_team() -> tuple[str, list[User]]:
    """The demo admin, four staff and a viewer, and the admin's password: the only one ever shown, so
    every password is random rather than a well-known default."""
    password = secrets.token_urlsafe(12)
    users = [create_user(ADMIN_EMAIL, words.ADMIN_NAME, Role.ADMIN, password)]
    for name, role in [*((name, Role.STAFF) for name in words.STAFF_NAMES), (words.VIEWER_NAME, Role.VIEWER)]:
        users.append(create_user(email_for(name), name, role, secrets.token_urlsafe(12)))
    return password, users


def delegates_from(rng: random.Random, country: Country) -> list[Delegate]:
    """Two to four officials with names of the country, distinct emails and mostly its language."""
    language, given_names, family_names = words.PEOPLE[country.iso3]
    count = rng.randint(2, 4)
    people = zip(
        rng.sample(given_names.split(), count),
        rng.sample(family_names.split(), count),
        rng.sample(words.POSITIONS, count),
    )
    return [
        Delegate(
            name=f"{given} {family}",
            title=title,
            organisation=organisation,
            email=email_for(f"{given} {family}", f"{domain}.{country.iso2.lower()}.example"),
            preferred_language=language if rng.random() < 0.7 else "en",
        )
        for given, family, (title, organisation, domain) in people
    ]


def email_for(name: str, domain: str = "demo.example") -> str:
    """given.family@domain, accents dropped (distinct given names make distinct addresses)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{ascii_name.lower().replace(' ', '.')}@{domain}"
