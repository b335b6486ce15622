"""Database triggers written once for SQLite and PostgreSQL, for data the database keeps beside what the app writes
(the follow-up summary, ``tracker.health.summary_triggers``; each delegation's follow-up dates,
``tracker.reminders.check_in_columns``): a trigger also sees bulk inserts, ON DELETE CASCADE and a fix made in psql,
in the same transaction as the change.

A trigger is its statements; SQLite runs them as the trigger's body, PostgreSQL as a PL/pgSQL function of the same
name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    #: "AFTER INSERT", "BEFORE DELETE", "AFTER UPDATE OF a, b"...
    event: str
    statements: tuple[str, ...]
    when: str | None = None
    #: PostgreSQL: once per statement, over its rows ("OLD TABLE AS old_rows NEW TABLE AS new_rows"), rather than
    #: per row: a bulk insert (COPY) updates each summary row once, not once per request (in one transaction,
    #: PostgreSQL walks every earlier version of a row it updates again).
    transitions: str | None = None
    #: PostgreSQL: once per statement, without its rows (a trigger that only needs to know something changed).
    per_statement: bool = False
    #: PostgreSQL: a BEFORE trigger whose statements (PL/pgSQL) set NEW's columns, so the row is written once.
    sets_new: bool = False


def create_triggers(connection: Connection, triggers: Iterable[Trigger]) -> None:
    dialect = connection.dialect.name
    for trigger in triggers:
        for statement in _create(trigger, dialect):
            connection.exec_driver_sql(statement)


def drop_triggers(connection: Connection, triggers: Iterable[Trigger]) -> None:
    dialect = connection.dialect.name
    for trigger in triggers:
        if dialect == "sqlite":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger.name}")
        elif dialect == "postgresql":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger.name} ON {trigger.table}")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {trigger.name}()")
        else:
            raise NotImplementedError(f"no triggers written for {dialect}")


def _create(trigger: Trigger, dialect: str) -> Iterator[str]:
    body = "; ".join(trigger.statements)
    if dialect == "sqlite":
        when = f" FOR EACH ROW WHEN {trigger.when}" if trigger.when else ""
        yield f"CREATE TRIGGER {trigger.name} {trigger.event} ON {trigger.table}{when} BEGIN {body}; END"
    elif dialect == "postgresql":
        # A BEFORE trigger's row goes on as it returns it (NEW, set; OLD, to be deleted); an AFTER trigger's is ignored.
        returned = "NEW" if trigger.sets_new else "OLD" if trigger.event.startswith("BEFORE") else "NULL"
        yield (f"CREATE FUNCTION {trigger.name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; "
               f"RETURN {returned}; END $$")  # fmt: skip
        when = f" WHEN ({trigger.when})" if trigger.when else ""
        if trigger.transitions:
            each = f"REFERENCING {trigger.transitions} FOR EACH STATEMENT"
        else:
            each = "FOR EACH STATEMENT" if trigger.per_statement else "FOR EACH ROW"
        yield (f"CREATE TRIGGER {trigger.name} {trigger.event} ON {trigger.table} {each}{when} "
               f"EXECUTE FUNCTION {trigger.name}()")  # fmt: skip
    else:
        raise NotImplementedError(f"no triggers written for {dialect}")
