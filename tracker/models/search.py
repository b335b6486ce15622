"""The search index's documents: one row per searchable record, written by database triggers (see
tracker/search/__init__.py), never by the app."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, LabelledEnum, enum_column


class SearchKind(LabelledEnum):
    """What a search result is; the order is the order of the type filters."""

    DELEGATION = "delegation", "Delegation"
    DELEGATE = "delegate", "Delegate"
    VISIT = "visit", "Visit"
    REQUEST = "request", "Request"
    NEED = "need", "Stated need"
    MATERIAL = "material", "Material"


class SearchDocument(Base):
    """The text a record is found by: its title (weighted higher) and the rest of its words.

    On PostgreSQL the table also has a ``search_vector`` column (a generated tsvector with a GIN index), on
    SQLite an FTS5 index ``search_index`` reads it as its external content; neither is part of the models.
    """

    __tablename__ = "search_documents"
    __table_args__ = (sa.UniqueConstraint("kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SearchKind] = mapped_column(enum_column(SearchKind, "search_kind"))
    #: The id of the record in its own table (no foreign key: the kind says which table).
    record_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind} {self.record_id}>"
