"""The SQL that counts rows into the follow-up summary (see ``tracker.health.summary`` for its measures), written
once for SQLite and PostgreSQL and shared by the triggers that keep the summary and by counting it from scratch
(``tracker.health.summary_triggers``): a row's cohort and base columns, its measures, and the upsert that adds them.
The few expressions that differ between the databases are in ``Sql``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.health.summary import DAYS_BAND, GRAIN_CONSTANTS, GRAINS, NEVER
from tracker.models import OPEN_STATUSES, DelegationStatus, RequestStatus

#: The summary's zone; UTC until the first count (a read then counts again in the centre's zone).
_ZONE = "coalesce((SELECT zone FROM follow_up_counts_zone WHERE id = 1), 'UTC')"
_OPEN = ", ".join(f"'{status.value}'" for status in sorted(OPEN_STATUSES, key=lambda s: s.value))
_CALLED_OFF = f"'{RequestStatus.DECLINED.value}', '{RequestStatus.WITHDRAWN.value}'"
_ACTIVE = f"'{DelegationStatus.ACTIVE.value}'"
#: The summary's key columns; the grains' constants (what a coarser cohort keeps in the columns it drops) as SQL.
KEY = "measure, visit_year, country_id, tier, day, until"
GRAIN_LITERALS = {name: repr(value) for name, value in GRAIN_CONSTANTS.items()}


class Sql:
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
class Cohort:
    """Where a row's cohort comes from: SQL for the visit's start, the country and the tier, and the FROM/WHERE
    that make them (and the row's own columns) available."""

    starts_on: str
    country_id: str
    tier: str
    source: str
    where: str

    def columns(self, sql: Sql) -> str:
        return (f"{sql.year(self.starts_on)} AS visit_year, {self.country_id} AS country_id, "
                f"coalesce({self.tier}, '') AS tier")


#: Measures of rows: (measure, day, until, condition, also by coarser cohorts), SQL over the rows' base columns.
Events = tuple[tuple[str, str, str, str, bool], ...]
#: Over a request's base columns: status, due_day, created_day, delivered_day, overdue_from, overdue_month,
#: until_month.
REQUEST_EVENTS: Events = (
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
DELEGATION_EVENTS: Events = (
    ("'delegations'", "0", "0", "TRUE", True),
    ("'active'", "0", "0", f"status = {_ACTIVE}", True),
    ("'active_ended'", "ends_day", "0", f"status = {_ACTIVE}", True),
    ("'active_quiet'", "coalesce(last_contact_day, ends_day)", "0", f"status = {_ACTIVE}", True),
    ("'last_contact'", "last_contact_day", "0", "last_contact_day IS NOT NULL", True),
)
NEED_EVENTS: Events = (("'need:' || category", "0", "0", "TRUE", True),)


def request_base(sql: Sql, cohort: Cohort, row: str) -> str:
    created, due = sql.local_day(f"{row}.created_at"), sql.day(f"{row}.due_on")
    delivered, overdue_from = sql.local_day(f"{row}.delivered_at"), sql.later(created, f"{due} + 1")
    return (
        f"SELECT {cohort.columns(sql)}, {row}.status AS status, {due} AS due_day, {created} AS created_day, "
        f"{delivered} AS delivered_day, {overdue_from} AS overdue_from, {sql.month(overdue_from)} AS overdue_month, "
        f"CASE WHEN {delivered} IS NULL THEN {NEVER} ELSE {sql.month(delivered)} END AS until_month "
        f"FROM {cohort.source} WHERE {cohort.where}"
    )


def delegation_base(sql: Sql, cohort: Cohort, row: str, ends_on: str) -> str:
    return (
        f"SELECT {cohort.columns(sql)}, {row}.status AS status, {sql.day(ends_on)} AS ends_day, "
        f"{sql.day(f'{row}.last_contact_on')} AS last_contact_day FROM {cohort.source} WHERE {cohort.where}"
    )


def need_base(sql: Sql, cohort: Cohort, row: str) -> str:
    return f"SELECT {cohort.columns(sql)}, {row}.category AS category FROM {cohort.source} WHERE {cohort.where}"


@dataclass(frozen=True)
class Rows:
    """Rows to count: a SELECT of their cohort and base columns, their measures, and +1 (added) or -1 (gone)."""

    base: str
    events: Events
    sign: int


#: The cohorts and the grains as rows (their measure's suffix, the cohort column each keeps; "" keeps all): a measure
#: kept by grains reads its rows once and writes them once per grain (on SQLite, whose triggers have no CTE, a SELECT
#: per grain worked out every row's days again, local dates through a Python function).
_GRAIN_ROWS = "(" + " UNION ALL ".join(
    f"SELECT '{suffix}' AS suffix, '{kept}' AS kept" for suffix, kept in (("", ""), *GRAINS)
) + ") AS grain"  # fmt: skip


def _grained_cohort() -> str:
    """The cohort columns as a grain row keeps them: the others are the grain's constants."""
    return ", ".join(f"CASE WHEN grain.kept IN ('', '{name}') THEN {name} ELSE {GRAIN_LITERALS[name]} END AS {name}"
                     for name in GRAIN_LITERALS)  # fmt: skip


def _events(rows: Rows, source: str) -> list[str]:
    """One SELECT per measure of ``rows`` read from ``source`` (a derived table or a CTE's name), with a row per
    grain of the measures kept by coarser cohorts (``GRAINS``)."""
    selects = []
    for measure, day, until, condition, grained in rows.events:
        cohort, read = ", ".join(GRAIN_LITERALS), source
        if grained:
            measure, cohort = f"{measure} || grain.suffix", _grained_cohort()
            read = f"{source} CROSS JOIN {_GRAIN_ROWS}"
        selects.append(f"SELECT {measure} AS measure, {cohort}, {day} AS day, {until} AS until, {rows.sign} AS n "
                       f"FROM {read} WHERE {condition}")
    return selects


def add_counts(parts: list[Rows], named: bool) -> str:
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
        f"{with_}INSERT INTO follow_up_counts ({KEY}, count) "
        f"SELECT {KEY}, sum(n) FROM ({' UNION ALL '.join(selects)}) AS events GROUP BY {KEY} HAVING sum(n) <> 0 "
        f"ON CONFLICT ({KEY}) DO UPDATE SET count = follow_up_counts.count + excluded.count"
    )
