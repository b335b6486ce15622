"""SQLite's index of the requests' titles for the requests list's "contains" filter: FTS5's trigram tokenizer.

It indexes ``lower(title)`` case-sensitively and is asked for ``lower(text)``: SQLite's own ``lower()`` on both
sides, so that it finds exactly the titles the list's LIKE finds (``lower(title) LIKE lower(text)``), no more
(FTS5's case folding would fold other scripts too), and counts them without reading a request.

A title filter with the list's other filters ("contains law, of kind data, open") must not check tens of thousands
of titles' requests one by one, so each request's kind and status are indexed beside its title, each as one
three-character code (one trigram) in a second column: FTS5 intersects "law" with "kind data" itself.
The table is contentless (titles are read from ``information_requests``); triggers keep it, the migration fills it.
PostgreSQL needs none of this: a GIN index holds the titles' trigrams with the kind and status (migration
i4c6e8a0b2d3).
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Connection, func

from tracker.search.schema import TITLE_TRIGRAMS_TABLE

#: The code of each kind and status in the index's ``facets`` column: one trigram each, distinct, no space (a
#: trigram across the space between two codes is never one of them). A value without a code is indexed as
#: ``UNKNOWN`` and never filtered by code (see ``match``); tests check every value has one.
KIND_CODES = {
    "draft_law_review": "kdl",
    "comparative_analysis": "kca",
    "data": "kda",
    "training_material": "ktm",
    "introduction": "kin",
    "best_practice": "kbp",
    "other": "kot",
}
STATUS_CODES = {
    "new": "sne",
    "in_progress": "sip",
    "waiting": "swa",
    "delivered": "sdv",
    "closed": "scl",
    "declined": "sdc",
    "withdrawn": "swd",
}
UNKNOWN = "___"
_EVENTS = ("insert", "delete", "update")


def _facets(row: str) -> str:
    """SQL for the ``facets`` column of ``row`` (NEW, OLD or the table): its kind's code and its status's."""
    kind = " ".join(f"WHEN '{value}' THEN '{code}'" for value, code in KIND_CODES.items())
    status = " ".join(f"WHEN '{value}' THEN '{code}'" for value, code in STATUS_CODES.items())
    return (f"(CASE {row}.kind {kind} ELSE '{UNKNOWN}' END || ' ' || "
            f"CASE {row}.status {status} ELSE '{UNKNOWN}' END)")


def create_title_index(connection: Connection) -> None:
    """Create the table and its triggers, and index the requests there are (a million in about ten seconds)."""
    table = TITLE_TRIGRAMS_TABLE
    connection.exec_driver_sql(f"CREATE VIRTUAL TABLE {table} USING fts5(title, facets, content='', "
                               "tokenize='trigram case_sensitive 1')")
    add = f"INSERT INTO {table} (rowid, title, facets) VALUES (NEW.id, lower(NEW.title), {_facets('NEW')});"
    # A contentless table forgets a row given the values it indexed.
    forget = (f"INSERT INTO {table} ({table}, rowid, title, facets) "
              f"VALUES ('delete', OLD.id, lower(OLD.title), {_facets('OLD')});")
    connection.exec_driver_sql(f"CREATE TRIGGER {table}_insert AFTER INSERT ON information_requests BEGIN {add} END")
    connection.exec_driver_sql(f"CREATE TRIGGER {table}_delete AFTER DELETE ON information_requests "
                               f"BEGIN {forget} END")
    connection.exec_driver_sql(f"CREATE TRIGGER {table}_update AFTER UPDATE OF title, kind, status "
                               f"ON information_requests BEGIN {forget} {add} END")
    connection.exec_driver_sql(f"INSERT INTO {table} (rowid, title, facets) "
                               f"SELECT id, lower(title), {_facets('information_requests')} FROM information_requests")


def drop_title_index(connection: Connection) -> None:
    for event in _EVENTS:
        connection.exec_driver_sql(f"DROP TRIGGER {TITLE_TRIGRAMS_TABLE}_{event}")
    connection.exec_driver_sql(f"DROP TABLE {TITLE_TRIGRAMS_TABLE}")


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def coded(kinds: Collection[str], statuses: Collection[str]) -> bool:
    """Whether the index tells these kinds and statuses apart (every one has a code)."""
    return set(kinds) <= KIND_CODES.keys() and set(statuses) <= STATUS_CODES.keys()


def match(text: str, kinds: Collection[str] = (), statuses: Collection[str] = ()) -> ColumnElement[str]:
    """The FTS5 query (SQL: it lowers ``text`` with SQLite's ``lower()``) for titles containing ``text`` (three
    characters or more), of one of ``kinds`` and ``statuses`` when given (and all coded: a value without a code is
    not narrowed by it here)."""
    facets = ""
    for values, codes in ((kinds, KIND_CODES), (statuses, STATUS_CODES)):
        if values and set(values) <= codes.keys():
            facets += " AND facets : (" + " OR ".join(_quoted(codes[value]) for value in sorted(values)) + ")"
    phrase = func.replace(func.lower(sa.literal(text, sa.String)), '"', '""')
    return sa.literal('title : "', sa.String) + phrase + sa.literal('"' + facets, sa.String)
