"""Keeping the follow-up summary (see ``tracker.health.summary`` for its measures): the database triggers that
keep it on SQLite and PostgreSQL, counting it from scratch (the migration's backfill, a change of the centre's zone),
and ``delegations.last_contact_on``.

The triggers are written here once for both databases (``tracker.sql_triggers`` creates them): the few
expressions that differ are in ``_Sql``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Connection, select, text

from tracker import sql_triggers
from tracker.extensions import db
from tracker.health.summary import DAYS_BAND, GRAIN_CONSTANTS, GRAINS, NEVER
from tracker.models import OPEN_STATUSES, DelegationStatus, FollowUpCountsZone, RequestStatus
from tracker.sql_triggers import Trigger

#: The summary's zone; UTC until the first count (a read then counts again in the centre's zone).
_ZONE = "coalesce((SELECT zone FROM follow_up_counts_zone WHERE id = 1), 'UTC')"
_OPEN = ", ".join(f"'{status.value}'" for status in sorted(OPEN_STATUSES, key=lambda s: s.value))
_CALLED_OFF = f"'{RequestStatus.DECLINED.value}', '{RequestStatus.WITHDRAWN.value}'"
_ACTIVE = f"'{DelegationStatus.ACTIVE.value}'"
_KEY = "measure, visit_year, country_id, tier, day, until"
_ALL = {name: repr(value) for name, value in GRAIN_CONSTANTS.items()}


class _Sql:
    """The few expressions whose SQL differs between the databases."""

    def __init__(self, dialect: str) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"no follow-up summary written for {dialect}")
        self.sqlite = dialect == "sqlite"

    def year(self, day: str) -> str:
        if self.sqlite:
            return f"CAST(strftime('%Y', {day}) AS INTEGER)"
        return f"CAST(EXTRACT(YEAR FROM {day}) AS INTEGER)"

    def day(self, day: str) -> str:
        return f"CAST(julianday({day}) - 2440587.5 AS INTEGER)" if self.sqlite else f"({day} - DATE '1970-01-01')"

    def local_day(self, timestamp: str) -> str:
        """The day number of a stored UTC timestamp's date in the summary's zone (tracker.sql_dates.local_date)."""
        if self.sqlite:
            return self.day(f"tracker_local_date({timestamp}, {_ZONE})")
        return self.day(f"CAST(timezone({_ZONE}, timezone('UTC', {timestamp})) AS DATE)")

    def month(self, day: str) -> str:
        """The month number (``tracker.health.summary.month_number``) of a day number."""
        if self.sqlite:
            date = f"{day} * 86400, 'unixepoch'"
            return f"(CAST(strftime('%Y', {date}) AS INTEGER) * 12 + CAST(strftime('%m', {date}) AS INTEGER) - 1)"
        date = f"(DATE '1970-01-01' + {day})"
        return f"(CAST(EXTRACT(YEAR FROM {date}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {date}) AS INTEGER) - 1)"

    def later(self, first: str, second: str) -> str:
        return f"max({first}, {second})" if self.sqlite else f"GREATEST({first}, {second})"

    @property
    def differs(self) -> str:
        return "IS NOT" if self.sqlite else "IS DISTINCT FROM"


@dataclass(frozen=True)
class _Cohort:
    """Where a row's cohort comes from: SQL for the visit's start, the country and the tier, and the FROM/WHERE
    that make them (and the row's own columns) available."""

    starts_on: str
    country_id: str
    tier: str
    source: str
    where: str

    def columns(self, sql: _Sql) -> str:
        return (f"{sql.year(self.starts_on)} AS visit_year, {self.country_id} AS country_id, "
                f"coalesce({self.tier}, '') AS tier")


#: Measures of rows: (measure, day, until, condition, also by coarser cohorts), SQL over the rows' base columns.
_Events = tuple[tuple[str, str, str, str, bool], ...]
#: Over a request's base columns: status, due_day, created_day, delivered_day, overdue_from, overdue_month,
#: until_month.
_REQUEST_EVENTS: _Events = (
    ("'requests'", "0", "0", "TRUE", True),
    ("'on_time'", "0", "0", "delivered_day <= due_day", True),
    ("'late'", "0", "0", "delivered_day > due_day", True),
    ("'days'", "delivered_day - created_day", "0", "delivered_day IS NOT NULL", True),
    # Integer division on both databases (towards zero).
    ("'days_band'", f"(delivered_day - created_day) / {DAYS_BAND}", "0", "delivered_day IS NOT NULL", True),
    ("'open'", "0", "0", f"status IN ({_OPEN})", True),
    ("'open_due'", "due_day", "0", f"status IN ({_OPEN})", True),
    ("'overdue'", "overdue_from", f"coalesce(delivered_day, {NEVER})",
     f"status NOT IN ({_CALLED_OFF}) AND overdue_from < coalesce(delivered_day, {NEVER})", False),
    ("'overdue_months'", "overdue_month", "until_month",
     f"status NOT IN ({_CALLED_OFF}) AND overdue_month < until_month", True),
)  # fmt: skip
#: Over a delegation's base columns: status, ends_day, last_contact_day.
_DELEGATION_EVENTS: _Events = (
    ("'delegations'", "0", "0", "TRUE", True),
    ("'active'", "0", "0", f"status = {_ACTIVE}", True),
    ("'active_ended'", "ends_day", "0", f"status = {_ACTIVE}", True),
    ("'active_quiet'", "coalesce(last_contact_day, ends_day)", "0", f"status = {_ACTIVE}", True),
    ("'last_contact'", "last_contact_day", "0", "last_contact_day IS NOT NULL", True),
)
_NEED_EVENTS: _Events = (("'need:' || category", "0", "0", "TRUE", True),)


def _request_base(sql: _Sql, cohort: _Cohort, row: str) -> str:
    created, due = sql.local_day(f"{row}.created_at"), sql.day(f"{row}.due_on")
    delivered, overdue_from = sql.local_day(f"{row}.delivered_at"), sql.later(created, f"{due} + 1")
    return (
        f"SELECT {cohort.columns(sql)}, {row}.status AS status, {due} AS due_day, {created} AS created_day, "
        f"{delivered} AS delivered_day, {overdue_from} AS overdue_from, {sql.month(overdue_from)} AS overdue_month, "
        f"CASE WHEN {delivered} IS NULL THEN {NEVER} ELSE {sql.month(delivered)} END AS until_month "
        f"FROM {cohort.source} WHERE {cohort.where}"
    )


def _delegation_base(sql: _Sql, cohort: _Cohort, row: str, ends_on: str) -> str:
    return (
        f"SELECT {cohort.columns(sql)}, {row}.status AS status, {sql.day(ends_on)} AS ends_day, "
        f"{sql.day(f'{row}.last_contact_on')} AS last_contact_day FROM {cohort.source} WHERE {cohort.where}"
    )


def _need_base(sql: _Sql, cohort: _Cohort, row: str) -> str:
    return f"SELECT {cohort.columns(sql)}, {row}.category AS category FROM {cohort.source} WHERE {cohort.where}"


@dataclass(frozen=True)
class _Rows:
    """Rows to count: a SELECT of their cohort and base columns, their measures, and +1 (added) or -1 (gone)."""

    base: str
    events: _Events
    sign: int


#: The cohorts and the grains as rows (their measure's suffix, the cohort column each keeps; "" keeps all): a measure
#: kept by grains reads its rows once and writes them once per grain (on SQLite, whose triggers have no CTE, a SELECT
#: per grain worked out every row's days again, local dates through a Python function).
_GRAIN_ROWS = "(" + " UNION ALL ".join(
    f"SELECT '{suffix}' AS suffix, '{kept}' AS kept" for suffix, kept in (("", ""), *GRAINS)
) + ") AS grain"  # fmt: skip


def _grained_cohort() -> str:
    """The cohort columns as a grain row keeps them: the others are the grain's constants."""
    return ", ".join(f"CASE WHEN grain.kept IN ('', '{name}') THEN {name} ELSE {_ALL[name]} END AS {name}"
                     for name in _ALL)  # fmt: skip


def _events(rows: _Rows, source: str) -> list[str]:
    """One SELECT per measure of ``rows`` read from ``source`` (a derived table or a CTE's name), with a row per
    grain of the measures kept by coarser cohorts (``GRAINS``)."""
    selects = []
    for measure, day, until, condition, grained in rows.events:
        cohort, read = ", ".join(_ALL), source
        if grained:
            measure, cohort = f"{measure} || grain.suffix", _grained_cohort()
            read = f"{source} CROSS JOIN {_GRAIN_ROWS}"
        selects.append(f"SELECT {measure} AS measure, {cohort}, {day} AS day, {until} AS until, {rows.sign} AS n "
                       f"FROM {read} WHERE {condition}")
    return selects


def _add(parts: list[_Rows], named: bool) -> str:
    """Add the counts of ``parts`` to the summary (summed per row first: PostgreSQL updates a row once).

    ``named``: each part's base rows are worked out once, as a materialized CTE, then read by every measure;
    otherwise (SQLite's triggers, which refuse CTEs) each measure reads its own derived table.
    """
    if named:
        names = [f"rows_{index}" for index in range(len(parts))]
        with_ = "WITH " + ", ".join(f"{name} AS MATERIALIZED ({part.base})" for name, part in zip(names, parts)) + " "
        selects = [select for name, part in zip(names, parts) for select in _events(part, name)]
    else:
        with_, selects = "", [select for part in parts for select in _events(part, f"({part.base}) AS base")]
    return (
        f"{with_}INSERT INTO follow_up_counts ({_KEY}, count) "
        f"SELECT {_KEY}, sum(n) FROM ({' UNION ALL '.join(selects)}) AS events GROUP BY {_KEY} HAVING sum(n) <> 0 "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET count = follow_up_counts.count + excluded.count"
    )


# Where each kind of row finds its cohort, for a row ``row``: NEW or OLD, or the alias of the rows of ``table`` (a
# PostgreSQL statement trigger's transition table).
def _by_delegation(row: str, table: str | None) -> _Cohort:
    """A request or need: through its delegation (which must still be there) and the delegation's visit."""
    visit = "JOIN visits v ON v.id = d.visit_id"
    if table:
        return _Cohort("v.starts_on", "d.country_id", "d.tier",
                       f"{table} {row} JOIN delegations d ON d.id = {row}.delegation_id {visit}", "TRUE")
    return _Cohort("v.starts_on", "d.country_id", "d.tier", f"delegations d {visit}", f"d.id = {row}.delegation_id")


def _children_of_delegation(table: str, alias: str, delegation: str) -> _Cohort:
    """The requests or needs of the delegation row ``delegation`` (NEW or OLD), in its cohort."""
    return _Cohort("v.starts_on", f"{delegation}.country_id", f"{delegation}.tier",
                   f"{table} {alias} JOIN visits v ON v.id = {delegation}.visit_id",
                   f"{alias}.delegation_id = {delegation}.id")


def _children_of_visit(table: str, alias: str, visit: str) -> _Cohort:
    return _Cohort(f"{visit}.starts_on", "d.country_id", "d.tier",
                   f"{table} {alias} JOIN delegations d ON d.id = {alias}.delegation_id", f"d.visit_id = {visit}.id")


class _Counts:
    """What rows to add (sign 1) or take away (-1) in each trigger, for one database."""

    def __init__(self, sql: _Sql) -> None:
        self.sql = sql

    def add(self, *parts: list[_Rows]) -> str:
        """The trigger's statement: PostgreSQL works out each row's days once (a CTE); SQLite has no CTE there."""
        return _add([rows for part in parts for rows in part], named=not self.sql.sqlite)

    def request(self, row: str, sign: int, table: str | None = None) -> list[_Rows]:
        return [_Rows(_request_base(self.sql, _by_delegation(row, table), row), _REQUEST_EVENTS, sign)]

    def need(self, row: str, sign: int, table: str | None = None) -> list[_Rows]:
        return [_Rows(_need_base(self.sql, _by_delegation(row, table), row), _NEED_EVENTS, sign)]

    def delegation(self, row: str, sign: int, table: str | None = None) -> list[_Rows]:
        source, where = (f"{table} {row} JOIN visits v ON v.id = {row}.visit_id", "TRUE") if table else (
            "visits v", f"v.id = {row}.visit_id")
        cohort = _Cohort("v.starts_on", f"{row}.country_id", f"{row}.tier", source, where)
        return [_Rows(_delegation_base(self.sql, cohort, row, "v.ends_on"), _DELEGATION_EVENTS, sign)]

    def children_of_delegation(self, row: str, sign: int) -> list[_Rows]:
        requests = _request_base(self.sql, _children_of_delegation("information_requests", "r", row), "r")
        needs = _need_base(self.sql, _children_of_delegation("stated_needs", "n", row), "n")
        return [_Rows(requests, _REQUEST_EVENTS, sign), _Rows(needs, _NEED_EVENTS, sign)]

    def delegations_of_visit(self, row: str, sign: int) -> list[_Rows]:
        cohort = _Cohort(f"{row}.starts_on", "d.country_id", "d.tier", "delegations d", f"d.visit_id = {row}.id")
        return [_Rows(_delegation_base(self.sql, cohort, "d", f"{row}.ends_on"), _DELEGATION_EVENTS, sign)]

    def children_of_visit(self, row: str, sign: int) -> list[_Rows]:
        requests = _request_base(self.sql, _children_of_visit("information_requests", "r", row), "r")
        needs = _need_base(self.sql, _children_of_visit("stated_needs", "n", row), "n")
        return [_Rows(requests, _REQUEST_EVENTS, sign), _Rows(needs, _NEED_EVENTS, sign)]


def triggers(dialect: str) -> list[Trigger]:
    """Every trigger that keeps the summary and ``delegations.last_contact_on``."""
    sql = _Sql(dialect)
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
    sql = _Sql(connection.dialect.name)
    # The row is kept (with its version, ``tracker.health.summary_version``), made only by the first count.
    kept = connection.execute(text("UPDATE follow_up_counts_zone SET zone = :zone WHERE id = 1"), {"zone": zone})
    if not kept.rowcount:
        connection.execute(text("INSERT INTO follow_up_counts_zone (id, zone) VALUES (1, :zone)"), {"zone": zone})
    connection.execute(text("DELETE FROM follow_up_counts"))
    join = "JOIN delegations d ON d.id = {a}.delegation_id JOIN visits v ON v.id = d.visit_id"
    requests = _Cohort("v.starts_on", "d.country_id", "d.tier", "information_requests r " + join.format(a="r"), "TRUE")
    needs = _Cohort("v.starts_on", "d.country_id", "d.tier", "stated_needs n " + join.format(a="n"), "TRUE")
    delegations = _Cohort("v.starts_on", "d.country_id", "d.tier", "delegations d JOIN visits v ON v.id = d.visit_id",
                          "TRUE")
    parts = [
        _Rows(_request_base(sql, requests, "r"), _REQUEST_EVENTS, 1),
        _Rows(_need_base(sql, needs, "n"), _NEED_EVENTS, 1),
        _Rows(_delegation_base(sql, delegations, "d", "v.ends_on"), _DELEGATION_EVENTS, 1),
    ]
    for part in parts:  # each request's days are worked out once, then counted under every measure
        connection.exec_driver_sql(_add([part], named=True))


def count_overdue_months(connection: Connection) -> None:
    """Count ``overdue_months`` (and by coarser cohorts) from the summary's overdue spans, as the triggers count
    them: the backfill of the migration that added the measure (seconds, where counting every request took minutes)."""
    sql = _Sql(connection.dialect.name)
    measures = ", ".join(f"'overdue_months{suffix}'" for suffix, _ in (("", ""), *GRAINS))
    connection.exec_driver_sql(f"DELETE FROM follow_up_counts WHERE measure IN ({measures})")
    spans = (
        f"SELECT visit_year, country_id, tier, {sql.month('day')} AS day, "
        f"CASE WHEN until = {NEVER} THEN {NEVER} ELSE {sql.month('until')} END AS until, count "
        "FROM follow_up_counts WHERE measure = 'overdue'"
    )
    for suffix, kept in (("", ""), *GRAINS):
        columns = ", ".join(name if kept in ("", name) else _ALL[name] for name in _ALL)
        connection.exec_driver_sql(
            f"INSERT INTO follow_up_counts ({_KEY}, count) SELECT 'overdue_months{suffix}', {columns}, day, until, "
            f"sum(count) FROM ({spans}) AS spans WHERE day < until GROUP BY {kept or ', '.join(_ALL)}, day, until "
            "HAVING sum(count) <> 0"
        )


def count_last_contacts(connection: Connection) -> None:
    """Fill ``delegations.last_contact_on`` from the contacts (before the triggers keep it)."""
    connection.exec_driver_sql(
        "UPDATE delegations SET last_contact_on = "
        "(SELECT max(contacted_on) FROM contact_logs WHERE contact_logs.delegation_id = delegations.id)"
    )


def ensure_counted() -> int:
    """Before reading the summary: count everything again (and commit) if the centre's zone is not the one the
    summary's local dates are in (the zone was changed in the settings; a test's own zone). The summary's version
    (``tracker.health.summary_version``), read in the same query."""
    zone = current_app.config["TIMEZONE"]
    state = _STATE.where(FollowUpCountsZone.id == 1)
    counted = db.session.execute(state).one_or_none()
    if counted is None or counted.zone != zone:
        count_everything(db.session.connection(), zone)
        db.session.commit()
        counted = db.session.execute(state).one()
    return counted.version


_STATE = select(FollowUpCountsZone.zone, FollowUpCountsZone.version)
