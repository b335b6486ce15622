"""The portal's languages (English, French, Spanish) and how one is chosen for a page or an email."""

from __future__ import annotations

from flask import g, request, session

#: Code → the language's name in itself, as the switcher shows it.
PORTAL_LANGUAGES = {"en": "English", "fr": "Français", "es": "Español"}
#: The Flask session key of a language picked with the switcher.
CHOSEN = "portal_language"


def portal_language(preferred: str | None) -> str:
    """A delegate's preferred language if the portal speaks it, else English."""
    return preferred if preferred in PORTAL_LANGUAGES else "en"


def select_locale() -> str:
    """Flask-Babel's locale selector: staff screens stay English; the portal follows, in order, the language
    picked with the switcher, the signed-in delegate's preference, and the browser's languages."""
    if request.blueprint != "portal":
        return "en"
    if session.get(CHOSEN) in PORTAL_LANGUAGES:
        return str(session[CHOSEN])
    delegates = getattr(g, "portal_delegates", None)
    if delegates and delegates[0].preferred_language in PORTAL_LANGUAGES:
        return str(delegates[0].preferred_language)
    return request.accept_languages.best_match(list(PORTAL_LANGUAGES)) or "en"
