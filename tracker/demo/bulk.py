"""Bulk writes for the national load, in the session's transaction.

- Rows go through the DB-API: COPY on PostgreSQL, executemany on SQLite. SQLAlchemy's executemany spent as long
  turning each value into a bind parameter as the database spent storing it; here only the columns that need it
  are converted, as SQLAlchemy's types would (aware UTC moments to naive UTC; on SQLite, moments and days to the
  text SQLAlchemy writes there).
- The search index (migration e1b4d7a2c9f3) is written once per batch rather than once per row: the loaded
  tables' insert triggers are off during the load, and after each batch the triggers' own statement runs over
  the batch's ids, in id order, so the documents (ids included) are those the triggers would have written. The
  triggers are back on when the transaction commits (an error rolls their removal back).
- On SQLite, what other triggers keep (the follow-up summary with each delegation's last contact, then each
  delegation's follow-up dates, which read it) is worked out once after the load, by the statements that count it
  from scratch, with those triggers dropped meanwhile and made again before the commit: firing per row they took
  three quarters of the national load (13 of 17 minutes). PostgreSQL's fire once per batch over its rows
  (transition tables), no dearer than counting at the end (measured on a twentieth of the load): they stay on.
- PostgreSQL checks a foreign key with a query per row (a system trigger): the loaded tables' foreign keys are
  dropped for the load and added back at the end, which checks every row at once (a join), in the same
  transaction. That halved the load.
- SQLite: a larger page cache for the duration (the secondary indexes' pages stay in memory between batches).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

import sqlalchemy as sa

from tracker.demo.generate import DemoDataError
from tracker.extensions import db
from tracker.health import summary_triggers, summary_version
from tracker.models.base import UTCDateTime
from tracker.reminders import check_in_columns

#: SQLite's page cache during the load, in KiB (SQLite's default is 2 MiB).
SQLITE_CACHE_KIB = 512 * 1024
#: The statement of a search insert trigger (see the migration's ``upsert``), for one record.
_DOCUMENTS = re.compile(r"(INSERT INTO search_documents .*? WHERE (\w+)\.id = NEW\.id) ON CONFLICT", re.DOTALL)


class BulkWriter:
    """Inserts batches of rows of ``tables`` (dicts with the same keys in the same order within a batch)."""

    def __init__(self, dialect: str, tables: Iterable[sa.Table]) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise DemoDataError(f"No bulk load for the {dialect} database.")
        self.dialect = dialect
        self.cursor = db.session.connection().connection.driver_connection.cursor()
        #: The search documents' statement of each table whose insert trigger is off, and how to turn it back on.
        self.documents: dict[str, str] = {}
        self.restore: list[str] = []
        if dialect == "sqlite":
            self.cache_size = self.cursor.execute("PRAGMA cache_size").fetchone()[0]
            self.cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        for table in tables:
            self._search_trigger_off(table.name)
            if dialect == "postgresql":
                self._foreign_keys_off(table.name)
        self.counts_at_the_end = dialect == "sqlite"
        if self.counts_at_the_end:
            summary_triggers.drop_triggers(db.session.connection())
            summary_version.drop_triggers(db.session.connection())
            check_in_columns.drop_triggers(db.session.connection())

    def write(self, table: sa.Table, rows: list[dict]) -> None:
        columns = list(rows[0])
        converters = [(index, convert) for index, name in enumerate(columns)
                      if (convert := self._converter(table.c[name].type))]  # fmt: skip
        values = []
        for row in rows:
            value = list(row.values())
            for index, convert in converters:
                if value[index] is not None:
                    value[index] = convert(value[index])
            values.append(value)
        names = ", ".join(columns)
        if self.dialect == "sqlite":
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", values)
        else:
            with self.cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        if table.name in self.documents:
            self.cursor.execute(self.documents[table.name], (rows[0]["id"], rows[-1]["id"]))

    def close(self, zone: str) -> None:
        """Turn the search triggers back on, add the foreign keys back (they take effect with the commit), work out
        what the other triggers keep if they were off (the summary's local days in the centre's ``zone``) and make
        them again, and turn SQLite's cache back down."""
        for statement in self.restore:
            self.cursor.execute(statement)
        if self.counts_at_the_end:
            connection = db.session.connection()
            summary_triggers.count_last_contacts(connection)
            summary_triggers.count_everything(connection, zone)
            check_in_columns.compute_everything(connection)
            summary_triggers.create_triggers(connection)
            summary_version.create_triggers(connection)
            summary_version.replace_version(connection)
            check_in_columns.create_triggers(connection)
        if self.dialect == "sqlite":
            self.cursor.execute(f"PRAGMA cache_size = {self.cache_size}")

    def _search_trigger_off(self, table: str) -> None:
        if self.dialect == "sqlite":
            name = f"search_{table}_insert"
            self.cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,))
            found = self.cursor.fetchone()
            if found is None:
                return
            self.cursor.execute(f"DROP TRIGGER {name}")
            self.restore.append(found[0])
        else:
            name = f"search_{table}_insert_delete"
            self.cursor.execute(
                "SELECT p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE t.tgrelid = %s::regclass AND t.tgname = %s",
                (table, name),
            )
            found = self.cursor.fetchone()
            if found is None:
                return
            self.cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
            self.restore.append(f"ALTER TABLE {table} ENABLE TRIGGER {name}")
        self.documents[table] = _for_ids(found[0], "?" if self.dialect == "sqlite" else "%s")

    def _foreign_keys_off(self, table: str) -> None:
        self.cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f' ORDER BY conname",
            (table,),
        )
        for name, definition in self.cursor.fetchall():
            self.cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            self.restore.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")

    def _converter(self, column_type: sa.types.TypeEngine) -> Callable | None:
        if isinstance(column_type, UTCDateTime):
            return sqlite_moment if self.dialect == "sqlite" else _naive
        if isinstance(column_type, sa.Date) and self.dialect == "sqlite":
            return date.isoformat
        return None


def _for_ids(trigger_source: str, placeholder: str) -> str:
    """The trigger's statement for the records with ids from one placeholder to the other, in id order (the
    records are new: no document of theirs is there to replace)."""
    match = _DOCUMENTS.search(trigger_source)
    if match is None:
        raise DemoDataError("The search index's trigger has changed shape: tracker/demo/bulk.py must follow it.")
    statement, alias = match.groups()
    return statement.replace(
        f"{alias}.id = NEW.id", f"{alias}.id BETWEEN {placeholder} AND {placeholder} ORDER BY {alias}.id"
    )


def _naive(moment: datetime) -> datetime:
    """The calendar's moments are UTC already (``Calendar.moment``)."""
    return moment.replace(tzinfo=None)


def sqlite_moment(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME stores for a UTC moment (always with microseconds)."""
    return f"{moment:%Y-%m-%d %H:%M:%S}.{moment.microsecond:06d}"
