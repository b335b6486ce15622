"""The parts of the search index that live outside the models, by name, so that Alembic leaves them alone.

They are created by the migration (tables, triggers, the PostgreSQL text-search configuration); autogenerate
would otherwise propose dropping the FTS5 tables and their shadow tables, the generated tsvector column, and the
trigram index of the requests' titles.
"""

from __future__ import annotations

from typing import Any

#: SQLite: the FTS5 table over ``search_documents``; FTS5 keeps its data in shadow tables named after it.
FTS5_TABLE = "search_index"
#: SQLite: the words of that index, in order (an fts5vocab table of its instances, migration k3c5e7f9b1d4).
FTS5_TERMS_TABLE = "search_terms"
#: PostgreSQL: the generated tsvector column of ``search_documents``, its GIN index and the configuration.
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_search_documents_search_vector"
TEXT_SEARCH_CONFIG = "tracker_search"
#: The requests list's title filter ("contains"): SQLite's FTS5 trigram table over the requests' titles, and
#: PostgreSQL's GIN indexes of their trigrams (with the kind and status; the open requests' own), made by migration
#: i4c6e8a0b2d3.
TITLE_TRIGRAMS_TABLE = "request_titles"
TITLE_TRIGRAMS_INDEXES = ("ix_information_requests_title_trigrams", "ix_information_requests_open_title_trigrams")
#: How long a text must be for the trigram indexes to find it (shorter ones are looked for title by title).
TRIGRAM = 3


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's ``include_name`` hook: compare everything but the search structures the models do not declare."""
    if type_ == "table":
        fts5_tables = (FTS5_TABLE, TITLE_TRIGRAMS_TABLE)
        return name != FTS5_TERMS_TABLE and not any(
            name == fts or (name or "").startswith(f"{fts}_") for fts in fts5_tables
        )
    if type_ == "column" and parent_names.get("table_name") == "search_documents":
        return name != VECTOR_COLUMN
    if type_ == "index":
        return name != VECTOR_INDEX and name not in TITLE_TRIGRAMS_INDEXES
    return True
