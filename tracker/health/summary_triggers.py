"""Keeping the follow-up summary (see ``tracker.health.summary`` for its measures): the database triggers that
keep it on SQLite and PostgreSQL, counting it from scratch (the migration's backfill, a change of the centre's zone),
and ``delegations.last_contact_on``.

The triggers are written here once for both databases (``tracker.sql_triggers`` creates them), from the SQL in
``tracker.health.summary_sql``.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Connection, select, text

from tracker import sql_triggers
from tracker.extensions import db
from tracker.health.summary import GRAINS, NEVER
from tracker.health.summary_sql import (
    DELEGATION_EVENTS,
    GRAIN_LITERALS,
    KEY,
    NEED_EVENTS,
    REQUEST_EVENTS,
    Cohort,
    Rows,
    Sql,
    add_counts,
    delegation_base,
    need_base,
    request_base,
)
from tracker.models import FollowUpCountsZone
from tracker.sql_triggers import Trigger


# Where each kind of row finds its cohort, for a row ``row``: NEW or OLD, or the alias of the rows of ``table`` (a
# PostgreSQL statement trigger's transition table).
def _by_delegation(row: str, table: str | None) -> Cohort:
    """A request or need: through its delegation (which must still be there) and the delegation's visit."""
    visit = "JOIN visits v ON v.id = d.visit_id"
    if table:
        return Cohort("v.starts_on", "d.country_id", "d.tier",
                       f"{table} {row} JOIN delegations d ON d.id = {row}.delegation_id {visit}", "TRUE")
    return Cohort("v.starts_on", "d.country_id", "d.tier", f"delegations d {visit}", f"d.id = {row}.delegation_id")


def _children_of_delegation(table: str, alias: str, delegation: str) -> Cohort:
    """The requests or needs of the delegation row ``delegation`` (NEW or OLD), in its cohort."""
    return Cohort("v.starts_on", f"{delegation}.country_id", f"{delegation}.tier",
                   f"{table} {alias} JOIN visits v ON v.id = {delegation}.visit_id",
                   f"{alias}.delegation_id = {delegation}.id")


def _children_of_visit(table: str, alias: str, visit: str) -> Cohort:
    return Cohort(f"{visit}.starts_on", "d.country_id", "d.tier",
                   f"{table} {alias} JOIN delegations d ON d.id = {alias}.delegation_id", f"d.visit_id = {visit}.id")


class _Counts:
    """What rows to add (sign 1) or take away (-1) in each trigger, for one database."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    def add(self, *parts: list[Rows]) -> str:
        """The trigger's statement: PostgreSQL works out each row's days once (a CTE); SQLite has no CTE there."""
        return add_counts([rows for part in parts for rows in part], named=not self.sql.sqlite)

    def request(self, row: str, sign: int, table: str | None = None) -> list[Rows]:
        return [Rows(request_base(self.sql, _by_delegation(row, table), row), REQUEST_EVENTS, sign)]

    def need(self, row: str, sign: int, table: str | None = None) -> list[Rows]:
        return [Rows(need_base(self.sql, _by_delegation(row, table), row), NEED_EVENTS, sign)]

    def delegation(self, row: str, sign: int, table: str | None = None) -> list[Rows]:
        source, where = (f"{table} {row} JOIN visits v ON v.id = {row}.visit_id", "TRUE") if table else (
            "visits v", f"v.id = {row}.visit_id")
        cohort = Cohort("v.starts_on", f"{row}.country_id", f"{row}.tier", source, where)
        return [Rows(delegation_base(self.sql, cohort, row, "v.ends_on"), DELEGATION_EVENTS, sign)]

    def children_of_delegation(self, row: str, sign: int) -> list[Rows]:
        requests = request_base(self.sql, _children_of_delegation("information_requests", "r", row), "r")
        needs = need_base(self.sql, _children_of_delegation("stated_needs", "n", row), "n")
        return [Rows(requests, REQUEST_EVENTS, sign), Rows(needs, NEED_EVENTS, sign)]

    def delegations_of_visit(self, row: str, sign: int) -> list[Rows]:
        cohort = Cohort(f"{row}.starts_on", "d.country_id", "d.tier", "delegations d", f"d.visit_id = {row}.id")
        return [Rows(delegation_base(self.sql, cohort, "d", f"{row}.ends_on"), DELEGATION_EVENTS, sign)]

    def children_of_visit(self, row: str, sign: int) -> list[Rows]:
        requests = request_base(self.sql, _children_of_visit("information_requests", "r", row), "r")
        needs = need_base(self.sql, _children_of_visit("stated_needs", "n", row), "n")
        return [Rows(requests, REQUEST_EVENTS, sign), Rows(needs, NEED_EVENTS, sign)]


def triggers(dialect: str) -> list[Trigger]:
    """Every trigger that keeps the summary and ``delegations.last_contact_on``."""
    sql = Sql(dialect)
    rows = _Counts(sql)
    add = rows.add
    cohort_moved = (f"OLD.tier {sql.differs} NEW.tier OR OLD.country_id <> NEW.country_id "
                    "OR OLD.visit_id <> NEW.visit_id")  # fmt: skip
    year_moved = f"{sql.year('OLD.starts_on')} <> {sql.year('NEW.starts_on')}"
    last_contact = "(SELECT max(contacted_on) FROM contact_logs WHERE delegation_id = {row}.delegation_id)"

    def refresh_last_contact(row: str) -> str:
        latest = last_contact.format(row=row)
        return (f"UPDATE delegations SET last_contact_on = {latest} "
                f"WHERE id = {row}.delegation_id AND last_contact_on {sql.differs} {latest}")  # fmt: skip

    def refresh_last_contacts(delegation_ids: str) -> str:
        latest = "(SELECT max(contacted_on) FROM contact_logs WHERE delegation_id = delegations.id)"
        return (f"UPDATE delegations SET last_contact_on = {latest} "
                f"WHERE id IN ({delegation_ids}) AND last_contact_on {sql.differs} {latest}")  # fmt: skip

    per_row = [
        Trigger("summary_requests_insert", "information_requests", "AFTER INSERT", (add(rows.request("NEW", 1)),)),
        Trigger("summary_requests_delete", "information_requests", "AFTER DELETE", (add(rows.request("OLD", -1)),)),
        Trigger("summary_requests_update", "information_requests",
                "AFTER UPDATE OF status, due_on, delivered_at, created_at, delegation_id",
                (add(rows.request("OLD", -1), rows.request("NEW", 1)),)),
        Trigger("summary_needs_insert", "stated_needs", "AFTER INSERT", (add(rows.need("NEW", 1)),)),
        Trigger("summary_needs_delete", "stated_needs", "AFTER DELETE", (add(rows.need("OLD", -1)),)),
        Trigger("summary_needs_update", "stated_needs", "AFTER UPDATE OF category, delegation_id",
                (add(rows.need("OLD", -1), rows.need("NEW", 1)),)),
        Trigger("summary_delegations_insert", "delegations", "AFTER INSERT", (add(rows.delegation("NEW", 1)),)),
        # Before: the requests and needs are still there. Their own delete triggers (a cascade) find no delegation.
        Trigger("summary_delegations_delete", "delegations", "BEFORE DELETE",
                (add(rows.delegation("OLD", -1), rows.children_of_delegation("OLD", -1)),)),
        Trigger("summary_delegations_update", "delegations",
                "AFTER UPDATE OF status, tier, country_id, visit_id, last_contact_on",
                (add(rows.delegation("OLD", -1), rows.delegation("NEW", 1)),)),
        Trigger("summary_delegations_cohort", "delegations", "AFTER UPDATE OF tier, country_id, visit_id",
                (add(rows.children_of_delegation("OLD", -1), rows.children_of_delegation("NEW", 1)),),
                cohort_moved),
        Trigger("summary_visits_update", "visits", "AFTER UPDATE OF starts_on, ends_on",
                (add(rows.delegations_of_visit("OLD", -1), rows.delegations_of_visit("NEW", 1)),)),
        Trigger("summary_visits_year", "visits", "AFTER UPDATE OF starts_on",
                (add(rows.children_of_visit("OLD", -1), rows.children_of_visit("NEW", 1)),), year_moved),
        Trigger("summary_visits_delete", "visits", "BEFORE DELETE",
                (add(rows.delegations_of_visit("OLD", -1), rows.children_of_visit("OLD", -1)),)),
        Trigger("summary_contacts_insert", "contact_logs", "AFTER INSERT", (refresh_last_contact("NEW"),)),
        Trigger("summary_contacts_delete", "contact_logs", "AFTER DELETE", (refresh_last_contact("OLD"),)),
        Trigger("summary_contacts_update", "contact_logs", "AFTER UPDATE OF contacted_on, delegation_id",
                (refresh_last_contact("OLD"), refresh_last_contact("NEW"))),
    ]  # fmt: skip
    if sql.sqlite:
        return per_row
    # PostgreSQL: the triggers that bulk writes fire, once per statement (the others are rare and stay per row).
    both = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
    per_statement = [
        Trigger("summary_requests_insert", "information_requests", "AFTER INSERT",
                (add(rows.request("new_row", 1, "new_rows")),), transitions="NEW TABLE AS new_rows"),
        Trigger("summary_requests_delete", "information_requests", "AFTER DELETE",
                (add(rows.request("old_row", -1, "old_rows")),), transitions="OLD TABLE AS old_rows"),
        Trigger("summary_requests_update", "information_requests", "AFTER UPDATE",
                (add(rows.request("old_row", -1, "old_rows"), rows.request("new_row", 1, "new_rows")),),
                transitions=both),
        Trigger("summary_needs_insert", "stated_needs", "AFTER INSERT",
                (add(rows.need("new_row", 1, "new_rows")),), transitions="NEW TABLE AS new_rows"),
        Trigger("summary_needs_delete", "stated_needs", "AFTER DELETE",
                (add(rows.need("old_row", -1, "old_rows")),), transitions="OLD TABLE AS old_rows"),
        Trigger("summary_needs_update", "stated_needs", "AFTER UPDATE",
                (add(rows.need("old_row", -1, "old_rows"), rows.need("new_row", 1, "new_rows")),), transitions=both),
        Trigger("summary_delegations_insert", "delegations", "AFTER INSERT",
                (add(rows.delegation("new_row", 1, "new_rows")),), transitions="NEW TABLE AS new_rows"),
        Trigger("summary_delegations_update", "delegations", "AFTER UPDATE",
                (add(rows.delegation("old_row", -1, "old_rows"), rows.delegation("new_row", 1, "new_rows")),),
                transitions=both),
        Trigger("summary_contacts_insert", "contact_logs", "AFTER INSERT",
                (refresh_last_contacts("SELECT delegation_id FROM new_rows"),), transitions="NEW TABLE AS new_rows"),
        Trigger("summary_contacts_delete", "contact_logs", "AFTER DELETE",
                (refresh_last_contacts("SELECT delegation_id FROM old_rows"),), transitions="OLD TABLE AS old_rows"),
        Trigger("summary_contacts_update", "contact_logs", "AFTER UPDATE",
                (refresh_last_contacts("SELECT delegation_id FROM old_rows UNION SELECT delegation_id FROM new_rows"),),
                transitions=both),
    ]  # fmt: skip
    replaced = {trigger.name for trigger in per_statement}
    return [trigger for trigger in per_row if trigger.name not in replaced] + per_statement


def create_triggers(connection: Connection) -> None:
    sql_triggers.create_triggers(connection, triggers(connection.dialect.name))


def drop_triggers(connection: Connection) -> None:
    sql_triggers.drop_triggers(connection, triggers(connection.dialect.name))


def count_everything(connection: Connection, zone: str) -> None:
    """Count the summary from scratch in ``zone`` (the migration's backfill; a change of the centre's zone)."""
    sql = Sql(connection.dialect.name)
    # The row is kept (with its version, ``tracker.health.summary_version``), made only by the first count.
    kept = connection.execute(text("UPDATE follow_up_counts_zone SET zone = :zone WHERE id = 1"), {"zone": zone})
    if not kept.rowcount:
        connection.execute(text("INSERT INTO follow_up_counts_zone (id, zone) VALUES (1, :zone)"), {"zone": zone})
    connection.execute(text("DELETE FROM follow_up_counts"))
    join = "JOIN delegations d ON d.id = {a}.delegation_id JOIN visits v ON v.id = d.visit_id"
    requests = Cohort("v.starts_on", "d.country_id", "d.tier", "information_requests r " + join.format(a="r"), "TRUE")
    needs = Cohort("v.starts_on", "d.country_id", "d.tier", "stated_needs n " + join.format(a="n"), "TRUE")
    delegations = Cohort("v.starts_on", "d.country_id", "d.tier", "delegations d JOIN visits v ON v.id = d.visit_id",
                          "TRUE")
    parts = [
        Rows(request_base(sql, requests, "r"), REQUEST_EVENTS, 1),
        Rows(need_base(sql, needs, "n"), NEED_EVENTS, 1),
        Rows(delegation_base(sql, delegations, "d", "v.ends_on"), DELEGATION_EVENTS, 1),
    ]
    for part in parts:  # each request's days are worked out once, then counted under every measure
        connection.exec_driver_sql(add_counts([part], named=True))


def count_overdue_months(connection: Connection) -> None:
    """Count ``overdue_months`` (and by coarser cohorts) from the summary's overdue spans, as the triggers count
    them: the backfill of the migration that added the measure (seconds, where counting every request took minutes)."""
    sql = Sql(connection.dialect.name)
    measures = ", ".join(f"'overdue_months{suffix}'" for suffix, _ in (("", ""), *GRAINS))
    connection.exec_driver_sql(f"DELETE FROM follow_up_counts WHERE measure IN ({measures})")
    spans = (
        f"SELECT visit_year, country_id, tier, {sql.month('day')} AS day, "
        f"CASE WHEN until = {NEVER} THEN {NEVER} ELSE {sql.month('until')} END AS until, count "
        "FROM follow_up_counts WHERE measure = 'overdue'"
    )
    for suffix, kept in (("", ""), *GRAINS):
        columns = ", ".join(name if kept in ("", name) else GRAIN_LITERALS[name] for name in GRAIN_LITERALS)
        grouped = kept or ", ".join(GRAIN_LITERALS)
        connection.exec_driver_sql(
            f"INSERT INTO follow_up_counts ({KEY}, count) SELECT 'overdue_months{suffix}', {columns}, day, until, "
            f"sum(count) FROM ({spans}) AS spans WHERE day < until GROUP BY {grouped}, day, until "
            "HAVING sum(count) <> 0"
        )


def count_last_contacts(connection: Connection) -> None:
    """Fill ``delegations.last_contact_on`` from the contacts (before the triggers keep it)."""
    connection.exec_driver_sql(
        "UPDATE delegations SET last_contact_on = "
        "(SELECT max(contacted_on) FROM contact_logs WHERE contact_logs.delegation_id = delegations.id)"
    )


#: The summary's state: the zone its local dates are in, and its version.
_STATE = select(FollowUpCountsZone.zone, FollowUpCountsZone.version).where(FollowUpCountsZone.id == 1)


def ensure_counted() -> int:
    """Before reading the summary: count everything again (and commit) if the centre's zone is not the one the
    summary's local dates are in (the zone was changed in the settings; a test's own zone). The summary's version
    (``tracker.health.summary_version``), read in the same query."""
    zone = current_app.config["TIMEZONE"]
    counted = db.session.execute(_STATE).one_or_none()
    if counted is None or counted.zone != zone:
        count_everything(db.session.connection(), zone)
        db.session.commit()
        counted = db.session.execute(_STATE).one()
    return counted.version

