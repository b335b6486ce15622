"""The parts of the search index that live outside the models, by name, so that Alembic leaves them alone.

They are created by the migration (tables, triggers, the PostgreSQL text-search configuration); autogenerate
would otherwise propose dropping the FTS5 table and its shadow tables, and the generated tsvector column.
"""

from __future__ import annotations

from typing import Any

#: SQLite: the FTS5 table over ``search_documents``; FTS5 keeps its data in shadow tables named after it.
FTS5_TABLE = "search_index"
#: PostgreSQL: the generated tsvector column of ``search_documents``, its GIN index and the configuration.
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_search_documents_search_vector"
TEXT_SEARCH_CONFIG = "tracker_search"


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's ``include_name`` hook: compare everything but the search structures the models do not declare."""
    if type_ == "table":
        return name != FTS5_TABLE and not (name or "").startswith(f"{FTS5_TABLE}_")
    if type_ == "column" and parent_names.get("table_name") == "search_documents":
        return name != VECTOR_COLUMN
    if type_ == "index":
        return name != VECTOR_INDEX
    return True
