"""Languages a delegate may prefer: ISO 639-1 codes and names, from pycountry."""

from __future__ import annotations

from functools import cache

import pycountry


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
