"""The search box and its type filter: a GET form, so that a search is a link that can be shared."""

from __future__ import annotations

import unicodedata

from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from tracker.forms import FilterForm, options
from tracker.models import SearchKind
from tracker.search.terms import MAX_QUERY_CHARS

#: The type filter's labels, plural.
KIND_LABELS = {
    SearchKind.DELEGATION: "Delegations",
    SearchKind.DELEGATE: "Delegates",
    SearchKind.VISIT: "Visits",
    SearchKind.REQUEST: "Requests",
    SearchKind.NEED: "Stated needs",
    SearchKind.MATERIAL: "Materials",
}


def _without_control_characters(text: str | None) -> str:
    """A NUL byte or a line break has no place in a search (PostgreSQL refuses NUL in text)."""
    return "".join(char for char in text or "" if unicodedata.category(char) != "Cc").strip()


class SearchForm(FilterForm):
    q = SearchField(
        "Search",
        filters=[_without_control_characters],
        validators=[Length(max=MAX_QUERY_CHARS, message=f"Search for at most {MAX_QUERY_CHARS} characters.")],
    )
    kind = SelectField(
        "Type", choices=options([("", "Everything")], KIND_LABELS.items()), validators=[Optional()]
    )

    def chosen_kind(self) -> SearchKind | None:
        return SearchKind(kind) if (kind := self.value("kind")) else None
