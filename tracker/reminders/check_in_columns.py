"""Each delegation's follow-up dates kept in its own row, so that the Follow-ups page and the dashboard find the
check-ins due and the delegations losing touch by index, and count them, without working out every delegation's
cadence in Python.

``delegations.next_check_in_on`` is ``schedule.next_check_in`` (SPEC §3) written in SQL; ``quiet_since_on`` the last
contact or else the visit's end; ``losing_touch_on`` the first day the delegation counts as losing touch (its visit
has ended and it has been quiet for longer than its tier's maximum interval). All three are None once the
delegation's follow-up is closed: the lists hold active delegations only, and so do the indexes' leading columns
(an index led by the status would draw the delegations list's status filter away from its own index). Database
triggers keep them whatever writes: a delegation's insert or change of status, tier, visit or last contact (itself
kept by a trigger on contact logs), a visit's new end, and the admin's policy (check-in offsets) and cadences,
which recompute every delegation they touch.

The triggers are written here once for both databases: the few expressions that differ are in ``_Sql``. A later
change to them needs a migration that drops and creates them; a later migration that rebuilds ``delegations``,
``visits``, ``reminder_policy`` or ``follow_up_cadences`` on SQLite (``batch_alter_table``) must create them again.
"""

from __future__ import annotations

from sqlalchemy import Connection

from tracker import sql_triggers
from tracker.models import DelegationStatus, ReminderPolicy
from tracker.reminders.policy import DEFAULT_CADENCES
from tracker.sql_triggers import Trigger

#: The columns kept, in the order ``_values`` gives them.
COLUMNS = ("next_check_in_on", "quiet_since_on", "losing_touch_on")
_ACTIVE = f"'{DelegationStatus.ACTIVE.value}'"
_POLICY_OFFSETS = (
    "coalesce((SELECT follow_up_offsets FROM reminder_policy WHERE id = 1), "
    f"'{ReminderPolicy.__table__.c.follow_up_offsets.default.arg}')"
)


class _Sql:
    """The few expressions whose SQL differs between the databases."""

    def __init__(self, dialect: str) -> None:
        if dialect not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"no check-in columns written for {dialect}")
        self.sqlite = dialect == "sqlite"

    def plus_days(self, day: str, days: str) -> str:
        return f"date({day}, '+' || ({days}) || ' days')" if self.sqlite else f"({day} + ({days}))"

    def later(self, first: str, second: str) -> str:
        return f"max({first}, {second})" if self.sqlite else f"GREATEST({first}, {second})"

    @property
    def offsets(self) -> str:
        """The policy's check-in offsets as rows of one column, ``value`` (stored as "14, 90, 180")."""
        if self.sqlite:
            return f"json_each('[' || {_POLICY_OFFSETS} || ']')"
        return f"unnest(CAST(string_to_array({_POLICY_OFFSETS}, ',') AS integer[])) AS offsets(value)"

    @property
    def differs(self) -> str:
        return "IS NOT" if self.sqlite else "IS DISTINCT FROM"


def _cadence(tier: str, days: str) -> str:
    """The tier's ``ideal_days`` or ``max_days``: the stored cadence, or the default (policy.cadences)."""
    index = 0 if days == "ideal_days" else 1
    tier = f"coalesce({tier}, 'not_rated')"
    defaults = " ".join(f"WHEN '{key.value}' THEN {value[index]}" for key, value in DEFAULT_CADENCES.items())
    return f"coalesce((SELECT {days} FROM follow_up_cadences WHERE tier = {tier}), CASE {tier} {defaults} END)"


def _values(sql: _Sql, row: str, ends_on: str) -> tuple[str, ...]:
    """SQL for ``COLUMNS`` of the delegation ``row`` (its ``status``, ``last_contact_on`` and ``tier``) whose visit
    ends on ``ends_on``: None once its follow-up is closed."""
    last = f"{row}.last_contact_on"
    first_offset = f"(SELECT min(value) FROM {sql.offsets})"
    anchor = sql.plus_days(ends_on, "value")
    next_anchor = f"(SELECT min({anchor}) FROM {sql.offsets} WHERE {anchor} > {last})"
    floor = sql.plus_days(last, _cadence(f"{row}.tier", "ideal_days"))
    next_check_in = (f"CASE WHEN {last} IS NULL OR {last} < {ends_on} THEN {sql.plus_days(ends_on, first_offset)} "
                     f"ELSE {sql.later(f'coalesce({next_anchor}, {floor})', floor)} END")  # fmt: skip
    quiet_since = f"coalesce({last}, {ends_on})"
    losing_touch = sql.later(ends_on, sql.plus_days(quiet_since, f"{_cadence(f'{row}.tier', 'max_days')} + 1"))
    return tuple(f"CASE WHEN {row}.status = {_ACTIVE} THEN {value} END"
                 for value in (next_check_in, quiet_since, losing_touch))  # fmt: skip


def _refresh(sql: _Sql, where: str) -> str:
    """Work the columns out again for the delegations ``d`` that ``where`` selects (rewriting only changed rows)."""
    values = ", ".join(f"{value} AS {column}" for value, column in zip(_values(sql, "d", "v.ends_on"), COLUMNS))
    kept = ", ".join(f"delegations.{column}" for column in COLUMNS)
    fresh = ", ".join(f"fresh.{column}" for column in COLUMNS)
    assignments = ", ".join(f"{column} = fresh.{column}" for column in COLUMNS)
    return (f"UPDATE delegations SET {assignments} "
            f"FROM (SELECT d.id, {values} FROM delegations d JOIN visits v ON v.id = d.visit_id WHERE {where}) "
            f"AS fresh WHERE delegations.id = fresh.id AND ({kept}) {sql.differs} ({fresh})")  # fmt: skip


def _triggers(dialect: str) -> list[Trigger]:
    sql = _Sql(dialect)
    changed = "OLD.ideal_days <> NEW.ideal_days OR OLD.max_days <> NEW.max_days OR OLD.tier <> NEW.tier"
    of_tiers = "coalesce(d.tier, 'not_rated') IN ({tiers})"
    inputs = "status, last_contact_on, tier, visit_id"
    if sql.sqlite:
        delegation = [
            Trigger("check_in_delegations_insert", "delegations", "AFTER INSERT", (_refresh(sql, "d.id = NEW.id"),)),
            Trigger("check_in_delegations_update", "delegations", f"AFTER UPDATE OF {inputs}",
                    (_refresh(sql, "d.id = NEW.id"),)),
        ]  # fmt: skip
    else:  # the row's own columns, set before it is written: no second version of each row
        values = ", ".join(_values(sql, "NEW", "v.ends_on"))
        set_new = (f"SELECT {values} INTO {', '.join(f'NEW.{column}' for column in COLUMNS)} "
                   "FROM visits v WHERE v.id = NEW.visit_id")  # fmt: skip
        delegation = [Trigger("check_in_delegations", "delegations", f"BEFORE INSERT OR UPDATE OF {inputs}",
                              (set_new,), sets_new=True)]  # fmt: skip
    return [
        *delegation,
        Trigger("check_in_visits_update", "visits", "AFTER UPDATE OF ends_on",
                (_refresh(sql, "d.visit_id = NEW.id"),), "OLD.ends_on <> NEW.ends_on"),
        Trigger("check_in_policy_insert", "reminder_policy", "AFTER INSERT", (_refresh(sql, "TRUE"),)),
        Trigger("check_in_policy_update", "reminder_policy", "AFTER UPDATE OF follow_up_offsets",
                (_refresh(sql, "TRUE"),), f"OLD.follow_up_offsets {sql.differs} NEW.follow_up_offsets"),
        Trigger("check_in_cadences_insert", "follow_up_cadences", "AFTER INSERT",
                (_refresh(sql, of_tiers.format(tiers="NEW.tier")),)),
        Trigger("check_in_cadences_update", "follow_up_cadences", "AFTER UPDATE",
                (_refresh(sql, of_tiers.format(tiers="OLD.tier, NEW.tier")),), changed),
        Trigger("check_in_cadences_delete", "follow_up_cadences", "AFTER DELETE",
                (_refresh(sql, of_tiers.format(tiers="OLD.tier")),)),
    ]  # fmt: skip


def create_triggers(connection: Connection) -> None:
    sql_triggers.create_triggers(connection, _triggers(connection.dialect.name))


def drop_triggers(connection: Connection) -> None:
    sql_triggers.drop_triggers(connection, _triggers(connection.dialect.name))


def compute_everything(connection: Connection) -> None:
    """Work every delegation's columns out from scratch (the migration's backfill; a check in the tests)."""
    connection.exec_driver_sql(_refresh(_Sql(connection.dialect.name), "TRUE"))
