"""``plan(now)``: what reminders are due at ``now``, computed from the database and queued once each.

State, not timers (SPEC §4): each pass looks at due dates, statuses, owners, snoozes and contacts as they are,
so an edit takes effect at the next pass. A handful of set-based queries per pass, whatever the number of
requests; per-row work is date arithmetic in Python. ``now`` is always passed in, never read from SQL, so that
tests and ``tracker reminders run --now`` can move the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select

from tracker.collector import collection_paused
from tracker.extensions import db
from tracker.models import (
    Country,
    Delegation,
    InfoRequest,
    MessageKind,
    OutboxMessage,
    ReminderPolicy,
    Role,
    User,
)
from tracker.reminders import mails, schedule
from tracker.reminders.candidates import Candidate
from tracker.reminders.digests import digest_candidates
from tracker.reminders.followups import FollowUp, follow_ups, may_be_due
from tracker.reminders.outbox import REMINDED_STATUSES, drop_irrelevant, insert_new, outbox_row, recent_keys
from tracker.reminders.policy import current_policy, user_zone

T = TypeVar("T")

#: Days a pass looks back for occurrences already queued (the longest repeat is bounded by the policy form).
LOOKBACK_DAYS = 70


@dataclass
class PlanReport:
    planned: list[dict[str, Any]] = field(default_factory=list)
    #: People outside their working hours: what falls due for them is planned at the next pass inside them.
    held: int = 0
    dropped: int = 0
    paused: bool = False
    #: A dry run given a ``limit``: what it would queue beyond the rows it lists (not composed).
    more: int = 0


class Planner:
    def __init__(self, now: datetime, loaded: dict[Any, Any] | None = None) -> None:
        self.now = now
        self.loaded = {} if loaded is None else loaded
        self.policy: ReminderPolicy = current_policy()
        self.utc_today = now.date()
        self.users = self.loaded_once(("users",), lambda: {
            user.id: user
            for user in db.session.scalars(
                select(User).where(User.is_enabled.is_(True), User.role.in_([Role.ADMIN, Role.STAFF]))
            )
        })

        # Looked up once per person: a pass at national scale asks for them once per candidate.
        self.zones = {user_id: user_zone(user) for user_id, user in self.users.items()}
        self.todays = {user_id: self.now.astimezone(zone).date() for user_id, zone in self.zones.items()}
        #: Whose working hours these are: only they get reminders (digests excepted) in this pass, so nothing is
        #: read or worked out for anybody else.
        self.at_work = [user for user in self.users.values() if self.in_working_hours(user)]

    def zone_of(self, user: User) -> ZoneInfo:
        return self.zones[user.id]

    def today_for(self, user: User) -> date:
        return self.todays[user.id]

    def in_working_hours(self, user: User) -> bool:
        return schedule.in_working_hours(self.now.astimezone(self.zone_of(user)), user.work_starts, user.work_ends,
                                         user.working_days)

    def loaded_once(self, key: tuple[Any, ...], load: Callable[[], T]) -> T:
        """``load()``'s result, kept in ``loaded`` under ``key``: the passes of one preview share it (a dry run
        writes nothing, so the same query, with the same UTC day in it, gives the same rows hour after hour)."""
        if key not in self.loaded:
            self.loaded[key] = load()
        return self.loaded[key]

    # -- requests ---------------------------------------------------------------------------------------

    def request_rows(self, owner_ids: list[int]) -> list[Any]:
        """Open, reminded requests of ``owner_ids`` that could have a due-soon, due-today or overdue reminder now.

        Overdue ones already reminded within the current repeat period are left out in SQL: any occurrence
        queued on or after ``utc_today - repeat + 2`` is the latest one for every zone (local dates differ from
        UTC's by at most a day), so skipping them never loses a reminder and keeps the pass small.
        """
        policy = self.policy
        recently_reminded = exists().where(
            OutboxMessage.request_id == InfoRequest.id,
            OutboxMessage.kind == str(MessageKind.OVERDUE),
            OutboxMessage.recipient_id == InfoRequest.owner_id,
            OutboxMessage.occurrence_on >= self.utc_today - timedelta(days=policy.overdue_repeat_days - 2),
        )
        return self.loaded_once(("requests", self.utc_today, *owner_ids), lambda: self._requests(
            InfoRequest.owner_id.in_(owner_ids),
            InfoRequest.due_on <= self.utc_today + timedelta(days=policy.due_soon_days + 1),
            or_(InfoRequest.due_on >= self.utc_today - timedelta(days=1), ~recently_reminded),
        ))

    def escalation_rows(self) -> list[Any]:
        return self.loaded_once(("escalations", self.utc_today), lambda: self._requests(
            InfoRequest.due_on <= self.utc_today - timedelta(days=self.policy.escalate_after_days - 1)
        ))

    def _requests(self, *criteria: Any) -> list[Any]:
        return db.session.connection().execute(  # plain rows, not ORM ones: there can be a hundred thousand
            select(
                InfoRequest.id,
                InfoRequest.title,
                InfoRequest.due_on,
                InfoRequest.owner_id,
                InfoRequest.snoozed_until,
                InfoRequest.delegation_id,
                Country.name.label("country"),
            )
            .join(Delegation, Delegation.id == InfoRequest.delegation_id)
            .join(Country, Country.id == Delegation.country_id)
            .where(
                InfoRequest.status.in_(REMINDED_STATUSES),
                InfoRequest.reminders_off.is_(False),
                or_(InfoRequest.snoozed_until.is_(None), InfoRequest.snoozed_until <= self.utc_today + timedelta(1)),
                *criteria,
            )
        ).all()

    def owner_candidates(self) -> Iterator[Candidate]:
        policy = self.policy
        owners = [user.id for user in self.at_work if user.wants_due_soon or user.wants_due_today or user.wants_overdue]
        if not owners:
            return
        for row in self.request_rows(owners):
            owner = self.users.get(row.owner_id)
            if owner is None:
                continue
            zone, today = self.zone_of(owner), self.today_for(owner)
            if row.snoozed_until and row.snoozed_until > today:
                continue
            for kind, wanted, occurrence in (
                (MessageKind.DUE_SOON, owner.wants_due_soon,
                 schedule.due_soon(row.due_on, today, policy.due_soon_days, zone)),
                (MessageKind.DUE_TODAY, owner.wants_due_today, schedule.due_today(row.due_on, today, zone)),
                (MessageKind.OVERDUE, owner.wants_overdue,
                 schedule.overdue(row.due_on, today, policy.overdue_repeat_days, zone)),
            ):
                if wanted and occurrence:
                    yield self._request_candidate(kind, owner, owner, row, occurrence, today)

    def escalation_candidates(self) -> Iterator[Candidate]:
        admins = [user for user in self.at_work if user.is_admin and user.wants_escalations]
        if not admins:
            return
        policy = self.policy
        for row in self.escalation_rows():
            owner = self.users.get(row.owner_id)
            for admin in admins:
                zone, today = self.zone_of(admin), self.today_for(admin)
                if row.snoozed_until and row.snoozed_until > today:
                    continue
                occurrence = schedule.escalation(
                    row.due_on, today, policy.escalate_after_days, policy.overdue_repeat_days, zone
                )
                if occurrence:
                    yield self._request_candidate(MessageKind.ESCALATION, admin, owner, row, occurrence, today)

    def _request_candidate(
        self, kind: MessageKind, recipient: User, owner: User | None, row: Any, occurrence: schedule.Occurrence,
        today: date,
    ) -> Candidate:
        def compose() -> mails.Mail:
            return mails.request_reminder(
                kind,
                recipient_name=recipient.name,
                request_id=row.id,
                title=row.title,
                country=row.country,
                due_on=row.due_on,
                today=today,
                owner_name=owner.name if owner else "no active owner",
                escalate_after_days=self.policy.escalate_after_days,
            )

        return Candidate(
            key=f"{kind}:request-{row.id}:user-{recipient.id}:{occurrence.on.isoformat()}",
            kind=kind,
            recipient=recipient,
            occurrence=occurrence,
            compose=compose,
            request_id=row.id,
            delegation_id=row.delegation_id,
        )

    # -- follow-ups ---------------------------------------------------------------------------------------

    def due_follow_ups(self) -> list[FollowUp]:
        """Every delegation whose check-in may be due on somebody's local today (UTC's, or the day after it)."""
        return self.loaded_once(("follow-ups", self.utc_today), lambda: follow_ups(
            *may_be_due(self.utc_today + timedelta(days=1)), Delegation.liaison_id.in_(list(self.users))
        ))

    def follow_up_candidates(self) -> Iterator[Candidate]:
        liaisons = {user.id for user in self.at_work if user.wants_follow_ups}
        if not liaisons:
            return
        for state in self.due_follow_ups():
            if state.liaison_id not in liaisons:
                continue
            liaison = self.users[state.liaison_id]
            today = self.today_for(liaison)
            occurrence = schedule.repeating(
                state.next_check_in, today, self.policy.follow_up_repeat_days, self.zone_of(liaison)
            )
            if occurrence:
                yield self._follow_up_candidate(liaison, state, occurrence)

    def _follow_up_candidate(self, liaison: User, state: FollowUp, occurrence: schedule.Occurrence) -> Candidate:
        def compose() -> mails.Mail:
            return mails.follow_up_reminder(
                recipient_name=liaison.name,
                delegation_id=state.delegation_id,
                country=state.country,
                visit_title=state.visit_title,
                check_in=state.next_check_in,
                last_contact=state.last_contact,
            )

        return Candidate(
            key=(
                f"{MessageKind.FOLLOW_UP}:delegation-{state.delegation_id}:user-{liaison.id}:"
                f"{state.next_check_in.isoformat()}:{occurrence.on.isoformat()}"
            ),
            kind=MessageKind.FOLLOW_UP,
            recipient=liaison,
            occurrence=occurrence,
            compose=compose,
            delegation_id=state.delegation_id,
        )


def plan(
    now: datetime, *, dry_run: bool = False, also_queued: set[str] | None = None, loaded: dict[Any, Any] | None = None,
    limit: int | None = None,
) -> PlanReport:
    """Queue every reminder occurrence due at ``now`` that is not queued yet; commit unless ``dry_run``.

    For the admin's preview, which runs dry hour after hour: ``also_queued``, keys to treat as queued already, to
    which a dry run adds what it would queue (no mail composed twice); ``loaded``, what the earlier hours read from
    the database (each query runs once per UTC day of the preview, not once per hour) and whose reminders they
    worked out (a person's are the same all through their day: worked out at one hour, skipped at the next);
    ``limit``, how many rows to compose and list (the rest are counted in ``more``)."""
    if (loaded is not None or limit is not None) and not dry_run:
        raise ValueError("Only a dry run may reuse what an earlier pass read or list only part of what it plans.")
    with collection_paused():
        return _plan(now, dry_run, also_queued, loaded, limit)


def _plan(now: datetime, dry_run: bool, also_queued: set[str] | None, loaded: dict[Any, Any] | None,
          limit: int | None) -> PlanReport:
    report = PlanReport()
    planner = Planner(now, loaded)
    if planner.policy.paused:
        report.paused = True
        return report
    report.held = len(planner.users) - len(planner.at_work)
    if loaded is not None and also_queued is not None:
        worked_out = loaded.setdefault(("worked out",), set())
        planner.at_work = [user for user in planner.at_work if (user.id, planner.today_for(user)) not in worked_out]
        worked_out.update((user.id, planner.today_for(user)) for user in planner.at_work)
    if not dry_run:
        report.dropped = drop_irrelevant(planner.utc_today + timedelta(days=1), now)
    since = planner.utc_today - timedelta(days=LOOKBACK_DAYS)
    queued = set(planner.loaded_once(("queued", since), lambda: recent_keys(since)))  # a copy: this pass adds to it
    if also_queued is not None:
        queued |= also_queued
    rows: list[dict[str, Any]] = []
    unlisted: list[str] = []  # keys beyond ``limit``
    for candidate in _all_candidates(planner, queued):
        if candidate.key in queued or candidate.occurrence.expires_at <= now:
            continue
        queued.add(candidate.key)
        if limit is not None and len(rows) >= limit:
            unlisted.append(candidate.key)
            continue
        rows.append(
            outbox_row(
                key=candidate.key,
                kind=candidate.kind,
                to=candidate.recipient,
                mail=candidate.compose(),
                request_id=candidate.request_id,
                delegation_id=candidate.delegation_id,
                occurrence_on=candidate.occurrence.on,
                expires_at=candidate.occurrence.expires_at,
                now=now,
            )
        )
    from tracker.portal.rollup import rollup_rows  # here, not at the top: the portal package imports this one

    rows.extend(rollup_rows(now, queued))  # the delegate portal's monthly roll-ups
    if dry_run:
        if limit is not None:
            unlisted.extend(row["key"] for row in rows[limit:])
            rows = rows[:limit]
        report.planned, report.more = rows, len(unlisted)
        if also_queued is not None:
            also_queued.update(row["key"] for row in rows)
            also_queued.update(unlisted)
        return report
    inserted = set(insert_new(rows))
    db.session.commit()
    report.planned = [row for row in rows if row["key"] in inserted]
    return report


def _all_candidates(planner: Planner, queued: set[str]) -> Iterator[Candidate]:
    yield from planner.owner_candidates()
    yield from planner.escalation_candidates()
    yield from planner.follow_up_candidates()
    yield from digest_candidates(planner, queued)

