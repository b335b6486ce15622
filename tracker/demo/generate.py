"""Build the demo visits, delegations, needs, requests, timelines and contacts.

Rows are built here directly rather than through the services, because demo rows carry invented past
timestamps; the timeline's wording comes from ``tracker.wording``, as the services' does.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from itertools import cycle
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from tracker import wording
from tracker.clock import today as centre_today
from tracker.countries.services import tier_as_of
from tracker.demo import vocabulary as words
from tracker.demo.chance import Calendar, Cover
from tracker.demo.people import delegates_from
from tracker.extensions import db
from tracker.models import (
    ContactChannel,
    ContactLog,
    Country,
    Delegation,
    DelegationStatus,
    InfoRequest,
    NeedCategory,
    Priority,
    RequestKind,
    RequestStatus,
    StatedNeed,
    TimelineKind,
    User,
    Visit,
)
from tracker.timeline import record


class DemoDataError(RuntimeError):
    """The database cannot take demo data (e.g. the reference countries are missing)."""


class Scale(NamedTuple):
    """How much to make; the national benchmark scale of SPEC §7 will be another entry."""

    visits: int
    delegations_per_visit: tuple[int, int]
    #: At least this many requests in all.
    requests: int


SCALES = {"small": Scale(visits=14, delegations_per_visit=(2, 3), requests=110)}
#: Requests due longer ago than this are nearly all finished (the rest are the long-overdue few).
LONG_PAST_DUE_DAYS = 150
#: The first visit was about this many days ago: the health charts' "by year" shows several years.
HISTORY_DAYS = 1000


class _Group(NamedTuple):
    """A delegation with what its requests and contacts are built from (relationships never lazy-load)."""

    delegation: Delegation
    visit: Visit
    liaison: User
    needs: list[StatedNeed]


class DemoBuilder:
    """Adds one scale of demo data to the session (flushed, not committed: the command commits once)."""

    def __init__(self, rng: random.Random, team: Sequence[User]) -> None:
        self.rng = rng
        #: Who hosts visits, liaises with delegations and owns requests (the admin too, so that the
        #: person signing in first sees a full dashboard).
        self.team = list(team)
        self.today = centre_today()
        self.calendar = Calendar(rng, self.today, ZoneInfo(current_app.config["TIMEZONE"]))
        self.counts: Counter[str] = Counter()
        self.kinds = Cover(rng, list(RequestKind))
        self.statuses = Cover(rng, list(RequestStatus))
        self.priorities = Cover(rng, list(Priority))
        self.categories = Cover(rng, list(NeedCategory))
        self.delegation_statuses = Cover(rng, list(DelegationStatus))
        self.due_soon_for = [user.id for user in self.team]

    def build(self, scale: Scale) -> Counter[str]:
        """Make everything and return how many of each; requests come after all delegations exist, so
        their number can be topped up to the scale's minimum."""
        countries = cycle(self._countries())
        liaisons = cycle(self.rng.sample(self.team, len(self.team)))
        groups = [
            self._delegation(visit, next(countries), next(liaisons))
            for visit in self._visits(scale.visits)
            for _ in range(self.rng.randint(*scale.delegations_per_visit))
        ]
        self.counts["countries"] = len(dict.fromkeys(group.delegation.country_id for group in groups))
        started = [group for group in groups if group.visit.starts_on < self.today]
        per_group = [self.rng.randint(2, 5) for _ in started]
        while sum(per_group) < scale.requests:
            per_group[self.rng.randrange(len(started))] += 1
        for group, count in zip(started, per_group):
            for _ in range(count):
                self._request(group)
        quiet_liaisons: set[int] = set()
        for group in groups:
            quiet = self._is_quiet(group) and group.liaison.id not in quiet_liaisons
            if quiet:  # the oldest followed-up delegation of each person goes quiet, for their dashboard
                quiet_liaisons.add(group.liaison.id)
            self._contacts(group, quiet)
        db.session.flush()
        return self.counts

    def _countries(self) -> list[Country]:
        query = select(Country).where(Country.iso3.in_(words.PEOPLE)).order_by(Country.iso3)
        found = db.session.scalars(query).all()
        if len(found) < len(words.PEOPLE):
            raise DemoDataError("The reference countries are missing: run `tracker db upgrade` first.")
        return self.rng.sample(found, len(found))

    def _visits(self, count: int) -> list[Visit]:
        """Visits from about ``HISTORY_DAYS`` ago to about a month ahead, the last one still to come."""
        titles = cycle(self.rng.sample(words.VISIT_TITLES, len(words.VISIT_TITLES)))
        visits = []
        for index in range(count):
            offset = -HISTORY_DAYS + index * HISTORY_DAYS // (count - 1) + self.rng.randint(-10, 10)
            if index == count - 1:
                offset = self.rng.randint(20, 35)
            starts_on = self.today + timedelta(days=offset)
            partner = self.rng.choice(words.PARTNERS)
            visit = Visit(
                title=next(titles),
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=self.rng.randint(2, 8)),
                host_programme=partner,
                location=self.rng.choice(words.LOCATIONS),
                host_id=self.rng.choice(self.team).id,
                notes=f"Programme arranged with {partner}. {self.rng.choice(words.VISIT_NOTES)}",
                created_at=self.calendar.moment(self.calendar.past(starts_on - timedelta(days=45))),
            )
            visits.append(visit)
        db.session.add_all(visits)
        db.session.flush()
        self.counts["visits"] += count
        return visits

    def _delegation(self, visit: Visit, country: Country, liaison: User) -> _Group:
        """A delegation with its tier as of the visit (as the app fills it), delegates and stated needs."""
        tier, report_year = tier_as_of(country.id, visit.starts_on)
        status = DelegationStatus.ACTIVE
        if visit.ends_on < self.today - timedelta(days=300):
            status = self.delegation_statuses.pick(list(DelegationStatus), (3, 2))
        first_day = self.calendar.past(visit.starts_on - timedelta(days=self.rng.randint(7, 30)))
        delegates = delegates_from(self.rng, country)
        categories = dict.fromkeys(self.categories.pick(list(NeedCategory)) for _ in range(self.rng.randint(1, 3)))
        needs = [StatedNeed(category=c, description=self.rng.choice(words.NEEDS[c])) for c in categories]
        last_day = self.calendar.past(visit.ends_on)
        moments = self.calendar.moments(first_day, last_day, 1 + len(delegates) + len(needs))
        delegation = Delegation(
            visit_id=visit.id,
            country_id=country.id,
            tier=tier,
            tier_report_year=report_year,
            liaison_id=liaison.id,
            status=status,
            created_at=moments[0],
        )
        db.session.add(delegation)
        db.session.flush()
        for row, moment in zip([*delegates, *needs], moments[1:]):
            row.delegation_id, row.created_at = delegation.id, moment
        db.session.add_all([*delegates, *needs])
        db.session.flush()
        summary = wording.delegation_added(country.name, visit.title)
        self._log(TimelineKind.CREATED, summary, moments[0], liaison, delegation.id)
        for delegate in delegates:
            summary = wording.delegate_saved(delegate.name, is_new=True)
            self._log(TimelineKind.DELEGATE, summary, delegate.created_at, liaison, delegation.id)
        for need in needs:
            summary = wording.need_saved(need.category, is_new=True)
            self._log(TimelineKind.NEED, summary, need.created_at, liaison, delegation.id, body=need.description)
        self.counts.update(delegations=1, delegates=len(delegates), needs=len(needs))
        return _Group(delegation, visit, liaison, needs)

    def _request(self, group: _Group) -> None:
        """A request with a status path consistent with the flow, comments along the way, all in the past."""
        visit, delegation, rng = group.visit, group.delegation, self.rng
        kind = self.kinds.pick(list(RequestKind))
        fitting = [need for need in group.needs if need.category in words.NEEDS_FOR_KIND[kind]]
        need = rng.choice(fitting) if fitting and rng.random() < 0.8 else None
        owner = group.liaison if rng.random() < 0.6 else rng.choice(self.team)
        created_on, due_on, due_soon = self._dates(group, owner)
        status = self._status(delegation.status, due_on, open_only=due_soon)
        steps: list[RequestStatus | None] = list(words.STATUS_PATHS[status])
        for _ in range(rng.choice((0, 0, 1, 2))):
            steps.insert(rng.randint(0, len(steps)), None)  # None stands for a comment
        moments = self._moments(created_on, due_on, steps)
        reason = rng.choice(words.REASONS[status]) if status.needs_reason else None
        title = rng.choice(words.REQUEST_TITLES[kind])
        info_request = InfoRequest(
            delegation_id=delegation.id,
            need_id=need.id if need else None,
            kind=kind,
            title=title,
            description=need.description if need else f"Raised by the delegation during {visit.title}.",
            owner_id=owner.id,
            due_on=due_on,
            priority=self.priorities.pick(list(Priority), (2, 5, 3, 1)),
            status=status,
            status_reason=reason,
            delivered_at=next((m for s, m in zip(steps, moments[1:]) if s is RequestStatus.DELIVERED), None),
            created_by_id=group.liaison.id,
            created_at=moments[0],
            updated_at=moments[-1],
        )
        db.session.add(info_request)
        db.session.flush()
        ids = {"delegation_id": delegation.id, "request_id": info_request.id}
        summary = wording.request_logged(title, owner.name, due_on)
        self._log(TimelineKind.CREATED, summary, moments[0], group.liaison, **ids)
        current = RequestStatus.NEW
        for step, moment in zip(steps, moments[1:]):
            if step is None:
                self._log(TimelineKind.COMMENT, "Comment", moment, owner, body=rng.choice(words.COMMENTS), **ids)
                continue
            body = reason if step.needs_reason else ""
            summary = wording.status_changed(current, step)
            self._log(TimelineKind.STATUS_CHANGED, summary, moment, owner, body=body, **ids)
            current = step
        self.counts["requests"] += 1

    def _dates(self, group: _Group, owner: User) -> tuple[date, date, bool]:
        """When the request was logged (during the visit or in the three weeks after it) and when it is due (three
        to eleven weeks later), so that requests of every visit since the first fall due across the years.

        Everyone's first open request falls due this week instead (the third value says so), so that each
        dashboard's "due soon" panel has something in it."""
        visit = group.visit
        active = group.delegation.status is DelegationStatus.ACTIVE
        if active and visit.starts_on <= self.today - timedelta(days=7) and owner.id in self.due_soon_for:
            self.due_soon_for.remove(owner.id)
            due_on = self.calendar.days_from_today(0, 6)
            first_day = max(visit.starts_on, due_on - timedelta(days=150))
            return self.calendar.day_between(first_day, due_on - timedelta(days=7)), due_on, True
        return *self.calendar.request_days(visit.starts_on, visit.ends_on), False

    def _moments(self, created_on: date, due_on: date, steps: list[RequestStatus | None]) -> list[datetime]:
        """When the request was logged (on ``created_on``), then each step: a delivery on a day around the due
        date (a quarter of them late, some by weeks), the steps before it between logging and delivery, those
        after it later; without a delivery, the steps fall between logging and yesterday."""
        calendar = self.calendar
        created_at = calendar.moment(created_on)

        def between(first: date, last: date, count: int) -> list[datetime]:
            return [max(moment, created_at) for moment in calendar.moments(first, last, count)]

        if RequestStatus.DELIVERED not in steps:
            return [created_at, *between(created_on, calendar.yesterday, len(steps))]
        delivered_on = calendar.delivery_day(created_on, due_on)
        delivered_at, index = max(created_at, calendar.moment(delivered_on)), steps.index(RequestStatus.DELIVERED)
        before = [min(moment, delivered_at) for moment in between(created_on, delivered_on, index)]
        later = between(delivered_on, calendar.yesterday, len(steps) - index - 1)
        after = [max(moment, delivered_at) for moment in later]
        return [created_at, *before, delivered_at, *after]

    def _status(self, delegation_status: DelegationStatus, due_on: date, open_only: bool) -> RequestStatus:
        """Closed follow-ups have only finished requests; past-due ones are mostly delivered by now, the more so
        the longer ago they fell due."""
        if delegation_status is DelegationStatus.CLOSED:
            options, weights = [s for s in RequestStatus if not s.is_open], words.CLOSED_WEIGHTS
        else:
            options = [s for s in RequestStatus if s.is_open or not open_only]
            if due_on >= self.today:
                weights = words.FUTURE_DUE_WEIGHTS
            elif due_on >= self.today - timedelta(days=LONG_PAST_DUE_DAYS):
                weights = words.PAST_DUE_WEIGHTS
            else:
                weights = words.LONG_PAST_DUE_WEIGHTS
        return self.statuses.pick(options, [weights[s] for s in options])

    def _is_quiet(self, group: _Group) -> bool:
        ended_long_ago = group.visit.ends_on < self.today - timedelta(days=100)
        return ended_long_ago and group.delegation.status is DelegationStatus.ACTIVE

    def _contacts(self, group: _Group, quiet: bool) -> None:
        """Check-ins at about +14, +90 and +180 days after the visit, then every two months or so."""
        last_day = self.calendar.yesterday
        if quiet:
            last_day = self.today - timedelta(days=self.rng.randint(100, 200))
        elif group.delegation.status is DelegationStatus.CLOSED:
            last_day = min(last_day, group.visit.ends_on + timedelta(days=200))
        contacted_on = group.visit.ends_on + timedelta(days=self.rng.randint(11, 17))
        gaps = iter((76, 90))
        while contacted_on <= last_day:
            channel = self.rng.choice(list(ContactChannel))
            text = self.rng.choice(words.CONTACT_NOTES[channel])
            moment = self.calendar.moment(contacted_on)
            contact = ContactLog(
                delegation_id=group.delegation.id,
                contacted_on=contacted_on,
                channel=channel,
                summary=text,
                logged_by_id=group.liaison.id,
                created_at=moment,
            )
            db.session.add(contact)
            summary = wording.contact_logged(channel, contacted_on)
            self._log(TimelineKind.CONTACT, summary, moment, group.liaison, group.delegation.id, body=text)
            self.counts["contacts"] += 1
            contacted_on += timedelta(days=next(gaps, self.rng.randint(45, 85)) + self.rng.randint(-5, 5))

    def _log(
        self, kind: TimelineKind, summary: str, at: datetime, actor: User, delegation_id: int, **fields: object
    ) -> None:
        """Record a timeline entry as done by ``actor`` at ``at`` (the CLI has no signed-in user)."""
        entry = record(kind, summary, delegation_id=delegation_id, actor=actor, **fields)  # type: ignore[arg-type]
        entry.created_at = at
        self.counts["timeline entries"] += 1
