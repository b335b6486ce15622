"""Languages a delegate may prefer: ISO 639-1 codes and names, from pycountry."""

from __future__ import annotations

import re
from contextlib import suppress
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError

from tracker.words import fold


@cache
def language_choices() -> list[tuple[str, str]]:
    """ISO 639-1 languages by name, English first as the usual default."""
    languages = sorted(
        ((lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2")),
        key=lambda choice: choice[1],
    )
    return [("en", "English"), *(choice for choice in languages if choice[0] != "en")]


def language_name(code: str | None) -> str:
    return dict(language_choices()).get(code or "", code or "")


@cache
def _language_spellings() -> dict[str, str]:
    """Every way a roster may write a language, folded, to its ISO 639-1 code: the codes (639-1 and 639-2/3), the
    English name (pycountry) and the language's own name (Babel's CLDR data: "français", "español", "русский")."""
    spellings: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code is None:
            continue
        names = [code, language.alpha_3, getattr(language, "bibliographic", ""), language.name]
        with suppress(UnknownLocaleError, ValueError):  # a language CLDR has no data for
            names.append(Locale(code).get_language_name(code) or "")
        for name in names:
            spellings.setdefault(fold(name.strip()), code)
    spellings.pop("", None)
    return spellings


def language_code(text: str) -> str | None:
    """The ISO 639-1 code of a language written as a code ("pt", "por", "pt-BR") or a name in English or in
    itself; None if unknown."""
    text = " ".join(text.split())
    tag = re.match(r"([A-Za-z]{2,3})[-_][A-Za-z0-9]", text)  # a BCP 47 tag: its language
    return _language_spellings().get(fold(tag.group(1) if tag else text))
