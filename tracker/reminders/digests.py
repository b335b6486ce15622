"""The weekly digest's part of a planner pass: whose digest is due, and what it says (each section's count and
first few items, read in SQL, since a national backlog has tens of thousands of each)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, literal, select, union_all

from tracker.extensions import db
from tracker.models import OPEN_STATUSES, Country, Delegation, InfoRequest, MessageKind, User
from tracker.reminders import mails, schedule
from tracker.reminders.candidates import Candidate
from tracker.reminders.followups import FollowUp, by_check_in, follow_ups, may_be_due, with_names

if TYPE_CHECKING:
    from tracker.reminders.planner import Planner

#: "Due this week" in the digest.
DIGEST_HORIZON_DAYS = 7
#: Rows by the person they concern.
_ByUser = dict[int, list[Any]]


def digest_candidates(planner: Planner, queued: set[str]) -> Iterator[Candidate]:
    """Each person's digest at their chosen weekday and time, in their zone, within a day of it."""
    due: list[tuple[User, schedule.Occurrence, str]] = []
    for user in planner.users.values():
        if not user.wants_digest:
            continue
        local_now = planner.now.astimezone(planner.zone_of(user))
        slot = schedule.weekly_slot(local_now, user.digest_weekday, user.digest_time)
        key = f"{MessageKind.DIGEST}:user-{user.id}:{slot.date().isoformat()}"
        occurrence = schedule.Occurrence(slot.date(), slot + timedelta(days=1))
        if key not in queued and occurrence.expires_at > planner.now:  # its contents are read only if it may go
            due.append((user, occurrence, key))
    if not due:
        return
    contents = _digest_contents(planner, [user.id for user, _, _ in due])
    for user, occurrence, key in due:
        overdue, this_week, follow_up_list = contents(user)
        if not (overdue.count or this_week.count or follow_up_list.count):
            continue  # nothing to report: no mail rather than an empty one

        def compose(user: User = user, overdue: mails.Section = overdue, this_week: mails.Section = this_week,
                    follow_up_list: mails.Section = follow_up_list) -> mails.RenderedMail:
            return mails.digest(
                recipient_name=user.name,
                week_of=planner.today_for(user),
                overdue=overdue,
                due_this_week=this_week,
                follow_ups=follow_up_list,
            )

        yield Candidate(key=key, kind=MessageKind.DIGEST, recipient=user, occurrence=occurrence, compose=compose)


def _digest_contents(planner: Planner, user_ids: list[int]) -> Any:
    """Each person's three sections, for their local today: counts and the first few of each (the counts and
    items read in SQL, since a national backlog has tens of thousands of each)."""
    todays = [(user_id, planner.today_for(planner.users[user_id])) for user_id in user_ids]
    counts, overdue, this_week = planner.loaded_once(("digest requests", *todays),
                                                  lambda: _digest_requests(planner, todays))
    states = planner.loaded_once(("follow-ups unnamed", planner.utc_today), lambda: follow_ups(
        *may_be_due(planner.utc_today + timedelta(days=1)), Delegation.liaison_id.in_(list(planner.users)), named=False
    ))
    due_by_user: dict[int, list[FollowUp]] = {user_id: [] for user_id in user_ids}
    for state in states:
        if state.liaison_id in due_by_user and state.is_due(planner.today_for(planner.users[state.liaison_id])):
            due_by_user[state.liaison_id].append(state)
    for due in due_by_user.values():
        due.sort(key=by_check_in)
    heads = {state.delegation_id for due in due_by_user.values() for state in due[:mails.DIGEST_ITEMS]}
    named = planner.loaded_once(("follow-ups named", planner.utc_today, *sorted(heads)), lambda: with_names(heads))

    def contents(user: User) -> tuple[mails.Section, mails.Section, mails.Section]:
        today = planner.today_for(user)
        week_end = today + timedelta(days=DIGEST_HORIZON_DAYS)
        per_day = counts[user.id].items()
        due = due_by_user[user.id]
        return (
            mails.Section(overdue[user.id], sum(count for day, count in per_day if day < today)),
            mails.Section(this_week[user.id], sum(count for day, count in per_day if today <= day <= week_end)),
            mails.Section([named[state.delegation_id] for state in due[:mails.DIGEST_ITEMS]], len(due)),
        )

    return contents


def _digest_requests(
    planner: Planner, todays: list[tuple[int, date]]
) -> tuple[dict[int, dict[date, int]], _ByUser, _ByUser]:
    """For each (person, their today): how many open requests they own fall due on each day up to the digest's
    horizon, and the first ``DIGEST_ITEMS`` overdue and due this week (one statement for everybody's)."""
    user_ids = [user_id for user_id, _ in todays]
    open_ones = (InfoRequest.status.in_(OPEN_STATUSES),)
    connection = db.session.connection()
    # Every zone's today is UTC's, the day before or the day after: requests due before ``since`` are overdue
    # for everybody, and are counted as if all were due the day before it.
    since = planner.utc_today - timedelta(days=1)
    mine = (InfoRequest.owner_id.in_(user_ids), *open_ones)
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for owner_id, count in connection.execute(
        select(InfoRequest.owner_id, func.count()).where(*mine, InfoRequest.due_on < since)
        .group_by(InfoRequest.owner_id)
    ):
        counts[owner_id][since - timedelta(days=1)] = count
    for owner_id, due_on, count in connection.execute(
        select(InfoRequest.owner_id, InfoRequest.due_on, func.count())
        .where(*mine, InfoRequest.due_on >= since,
               InfoRequest.due_on <= planner.utc_today + timedelta(days=DIGEST_HORIZON_DAYS + 1))
        .group_by(InfoRequest.owner_id, InfoRequest.due_on)
    ):
        counts[owner_id][due_on] = count
    firsts = [  # read from the index on (owner, status, due date) alone; their titles and countries after
        select(select(InfoRequest.id, literal(section).label("section"))
               .where(InfoRequest.owner_id == user_id, *open_ones, *window)
               .order_by(InfoRequest.due_on, InfoRequest.id).limit(mails.DIGEST_ITEMS).subquery())
        for user_id, today in todays
        for section, window in (
            ("overdue", (InfoRequest.due_on < today,)),
            ("week", (InfoRequest.due_on >= today,
                      InfoRequest.due_on <= today + timedelta(days=DIGEST_HORIZON_DAYS))),
        )
    ]
    chosen = union_all(*firsts).subquery()
    overdue: _ByUser = defaultdict(list)
    this_week: _ByUser = defaultdict(list)
    for row in connection.execute(
        select(InfoRequest.id, InfoRequest.title, InfoRequest.due_on, InfoRequest.owner_id,
               Country.name.label("country"), chosen.c.section)
        .join(chosen, chosen.c.id == InfoRequest.id)
        .join(Delegation, Delegation.id == InfoRequest.delegation_id)
        .join(Country, Country.id == Delegation.country_id)
        .order_by(InfoRequest.due_on, InfoRequest.id)
    ):
        (overdue if row.section == "overdue" else this_week)[row.owner_id].append(row)
    return counts, overdue, this_week
