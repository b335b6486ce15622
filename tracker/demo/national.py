"""The ``national`` scale of SPEC §7, loaded in bulk: 20 years of visits from every country.

The small scale builds ORM rows one by one; a million requests that way would take hours. Here rows are plain
dicts written in batches through the DB-API (``tracker.demo.bulk``: COPY on PostgreSQL), with primary keys chosen here
so that children reference their parents without a round trip, in one transaction. What the database keeps by
triggers (the search index, the follow-up summary, the follow-up dates) is written per batch or once at the end
instead of per row; the loader's timing includes it.

Only ``random.Random(seed)`` and the centre's today feed the rows, so a seed gives the same data on a day.
"""

from __future__ import annotations

import random
import secrets
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

import sqlalchemy as sa

from tracker import wording
from tracker.auth.passwords import hash_password
from tracker.clock import centre_zone
from tracker.clock import today as centre_today
from tracker.countries.services import tier_histories
from tracker.demo import vocabulary as words
from tracker.demo.bulk import BulkWriter
from tracker.demo.chance import Calendar
from tracker.demo.generate import LONG_PAST_DUE_DAYS, DemoDataError
from tracker.demo.people import email_for
from tracker.extensions import db
from tracker.models import (
    ContactChannel,
    ContactLog,
    Country,
    Delegate,
    Delegation,
    DelegationStatus,
    InfoRequest,
    NeedCategory,
    Priority,
    RequestKind,
    RequestStatus,
    Role,
    StatedNeed,
    TimelineEntry,
    TimelineKind,
    User,
    Visit,
)

#: SPEC §7: 100,000 delegations (three delegates and ten requests each) over 20 years.
DELEGATIONS = 100_000
DELEGATES_PER_DELEGATION = 3
REQUESTS_PER_DELEGATION = 10
YEARS = 20
#: Staff who host, liaise and own requests, besides the demo team.
EXTRA_STAFF = 30
#: Delegations generated and inserted together (a batch of each table holds about 10,000 rows or more).
CHUNK = 1_000
#: A request due longer ago than LONG_PAST_DUE_DAYS is finished, bar this share left open (the long-overdue few).
LONG_OVERDUE_SHARE = 0.002
FINISHED = [status for status in RequestStatus if not status.is_open]
# Drawn from millions of times: the members and cumulative weights once (the same draws as from the enums).
PEOPLE, NEED_CATEGORIES, KINDS, CHANNELS = (tuple(members) for members in
                                            (words.PEOPLE.values(), NeedCategory, RequestKind, ContactChannel))
STATUSES, PRIORITIES, PRIORITY_WEIGHTS = tuple(RequestStatus), tuple(Priority), tuple(accumulate((2, 5, 3, 1)))
FINISHED_WEIGHTS = tuple(accumulate(words.CLOSED_WEIGHTS[status] for status in FINISHED))
FUTURE_WEIGHTS, PAST_WEIGHTS = (tuple(accumulate(weights[status] for status in STATUSES))
                                for weights in (words.FUTURE_DUE_WEIGHTS, words.PAST_DUE_WEIGHTS))


@dataclass
class _Ids:
    """The next primary key of each table (the tables are empty when the load starts)."""

    next: Counter[str] = field(default_factory=Counter)

    def take(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table]


class NationalLoader:
    """Generates the national data set in chunks of delegations and inserts each chunk's rows."""

    def __init__(self, rng: random.Random, team: list[User], divisor: int = 1) -> None:
        self.rng = rng
        self.team_ids = [user.id for user in team]
        self.names = {user.id: user.name for user in team}
        self.delegations = DELEGATIONS // divisor
        self.today = centre_today()
        self.calendar = Calendar(rng, self.today, centre_zone())
        self.ids = _Ids()
        self.counts: Counter[str] = Counter()

    def load(self) -> Counter[str]:
        countries = db.session.execute(sa.select(Country.id, Country.iso2, Country.name).order_by(Country.id)).all()
        if not countries:
            raise DemoDataError("The reference countries are missing: run `tracker db upgrade` first.")
        histories = tier_histories([country.id for country in countries])
        report_years = sorted({year for history in histories.values() for year in history})
        pending: list[tuple[dict, Country]] = []
        visits = self.delegations * 2 // 5 + 1
        for index, visit in enumerate(self._visits(visits)):  # two or three delegations each, as it comes
            per_visit = (index + 1) * self.delegations // visits - index * self.delegations // visits
            pending.extend((visit, country) for country in self.rng.sample(countries, per_visit))
        inserted_visit, writer = 0, BulkWriter(db.engine.dialect.name, TABLES.values())
        for start in range(0, len(pending), CHUNK):
            rows: dict[str, list[dict]] = {table: [] for table in TABLES}
            chunk = pending[start : start + CHUNK]
            # A visit's delegations may straddle two chunks: insert it with the first.
            visits = {visit["id"]: visit for visit, _ in chunk if visit["id"] > inserted_visit}
            rows["visits"], inserted_visit = list(visits.values()), max(visits, default=inserted_visit)
            for visit, country in chunk:
                self._delegation(rows, visit, country, histories[country.id], report_years)
            for table in TABLES:
                if rows[table]:
                    writer.write(TABLES[table], rows[table])
                    self.counts[table] += len(rows[table])
        writer.close(centre_zone().key)
        return self.counts

    def _visits(self, count: int) -> Iterator[dict]:
        """Visits spread evenly over ``YEARS`` years up to a month ahead."""
        first = self.today - timedelta(days=365 * YEARS)
        span = (self.today + timedelta(days=30) - first).days
        for index in range(count):
            starts_on = first + timedelta(days=index * span // (count - 1))
            partner = self.rng.choice(words.PARTNERS)
            yield {
                "id": self.ids.take("visits"),
                "title": self.rng.choice(words.VISIT_TITLES),
                "starts_on": starts_on,
                "ends_on": starts_on + timedelta(days=self.rng.randint(2, 8)),
                "host_programme": partner,
                "location": self.rng.choice(words.LOCATIONS),
                "host_id": self.rng.choice(self.team_ids),
                "notes": f"Programme arranged with {partner}.",
                "version": 1,
                "created_at": self.calendar.moment(self.calendar.past(starts_on - timedelta(days=45))),
            }

    def _delegation(self, rows: dict[str, list[dict]], visit: dict, country, history, report_years) -> None:
        rng, calendar = self.rng, self.calendar
        delegation_id, liaison = self.ids.take("delegations"), rng.choice(self.team_ids)
        year = next((year for year in reversed(report_years) if year <= visit["starts_on"].year), None)
        tier = history.get(year) if year else None
        ended_long_ago = visit["ends_on"] < self.today - timedelta(days=300)
        closed = ended_long_ago and rng.random() < 0.7
        created_at = calendar.moment(calendar.past(visit["starts_on"] - timedelta(days=rng.randint(7, 30))))
        rows["delegations"].append(
            {
                "id": delegation_id,
                "visit_id": visit["id"],
                "country_id": country.id,
                "tier": tier,
                "tier_report_year": year if tier else None,
                "liaison_id": liaison,
                "status": DelegationStatus.CLOSED if closed else DelegationStatus.ACTIVE,
                "notes": "",
                "version": 1,
                "created_at": created_at,
            }
        )
        log = _Log(rows["timeline_entries"], self.ids, delegation_id)
        log.add(TimelineKind.CREATED, wording.delegation_added(country.name, visit["title"]), created_at, liaison)
        language, given_names, family_names = rng.choice(PEOPLE)
        for given, family in zip(rng.sample(given_names.split(), 3), rng.sample(family_names.split(), 3)):
            title, organisation, domain = rng.choice(words.POSITIONS)
            name = f"{given} {family}"
            delegate_id = self.ids.take("delegates")
            rows["delegates"].append(
                {
                    "id": delegate_id,
                    "delegation_id": delegation_id,
                    "name": name,
                    "title": title,
                    "organisation": organisation,
                    "email": email_for(f"{name} {delegate_id}", f"{domain}.{country.iso2.lower()}.example"),
                    "preferred_language": language if rng.random() < 0.7 else "en",
                    "wants_notifications": True,
                    "wants_monthly_rollup": False,
                    "created_at": created_at,
                }
            )
        needs = []
        for category in dict.fromkeys(rng.choice(NEED_CATEGORIES) for _ in range(rng.randint(1, 3))):
            need = {
                "id": self.ids.take("stated_needs"),
                "delegation_id": delegation_id,
                "category": category,
                "description": rng.choice(words.NEEDS[category]),
                "created_by_id": liaison,
                "created_at": created_at,
            }
            needs.append(need)
        rows["stated_needs"].extend(needs)
        if visit["starts_on"] < self.today:
            for _ in range(REQUESTS_PER_DELEGATION):
                self._request(rows, log, visit, closed, liaison, needs)
        self._contacts(rows, log, visit, closed, liaison)

    def _request(self, rows, log: _Log, visit: dict, closed: bool, liaison: int, needs: list[dict]) -> None:
        rng, calendar = self.rng, self.calendar
        kind = rng.choice(KINDS)
        fitting = [need for need in needs if need["category"] in words.NEEDS_FOR_KIND[kind]]
        need = rng.choice(fitting) if fitting and rng.random() < 0.8 else None
        owner = liaison if rng.random() < 0.6 else rng.choice(self.team_ids)
        created_on, due_on = calendar.request_days(visit["starts_on"], visit["ends_on"])
        status = self._status(closed, due_on)
        steps = list(words.STATUS_PATHS[status])
        if len(steps) > 1 and rng.random() < 0.5:
            steps.remove(RequestStatus.IN_PROGRESS)  # recorded straight as delivered or withdrawn
        created_at = calendar.moment(created_on)
        moments = [max(created_at, moment) for moment in calendar.moments(created_on, calendar.yesterday, len(steps))]
        if RequestStatus.DELIVERED in steps:  # delivered around the due date, a quarter late
            delivered_on = calendar.delivery_day(created_on, due_on)
            index = steps.index(RequestStatus.DELIVERED)
            delivered_at = max(created_at, calendar.moment(delivered_on))
            # The steps before the delivery fall before it, those after it after it: sorting them all together
            # moved a later moment into the delivery's place (years after its due date, for two in five).
            moments = (sorted(min(m, delivered_at) for m in moments[:index]) + [delivered_at]
                       + [max(m, delivered_at) for m in moments[index + 1 :]])
        reason = rng.choice(words.REASONS[status]) if status.needs_reason else None
        title = rng.choice(words.REQUEST_TITLES[kind])
        request_id = self.ids.take("information_requests")
        rows["information_requests"].append(
            {
                "id": request_id,
                "delegation_id": log.delegation_id,
                "need_id": need["id"] if need else None,
                "kind": kind,
                "title": title,
                "description": need["description"] if need else f"Raised by the delegation during {visit['title']}.",
                "owner_id": owner,
                "due_on": due_on,
                "priority": rng.choices(PRIORITIES, cum_weights=PRIORITY_WEIGHTS)[0],
                "status": status,
                "status_reason": reason,
                "delivered_at": next((m for s, m in zip(steps, moments) if s is RequestStatus.DELIVERED), None),
                "snoozed_until": None,
                "reminders_off": False,
                "waiting_since": None,
                "created_by_id": liaison,
                "created_at": created_at,
                "updated_at": moments[-1] if moments else created_at,
                "version": 1,
            }
        )
        summary = wording.request_logged(title, self.names[owner], due_on)
        log.add(TimelineKind.CREATED, summary, created_at, liaison, request_id)
        current = RequestStatus.NEW
        for step, moment in zip(steps, moments):
            body = reason if step.needs_reason else ""
            log.add(TimelineKind.STATUS_CHANGED, wording.status_changed(current, step), moment, owner, request_id, body)
            current = step

    def _status(self, closed: bool, due_on: date) -> RequestStatus:
        """Finished for closed follow-ups and for requests due long ago (bar a few); else the small scale's mix."""
        rng = self.rng
        long_ago = due_on < self.today - timedelta(days=LONG_PAST_DUE_DAYS)
        if closed or (long_ago and rng.random() >= LONG_OVERDUE_SHARE):
            return rng.choices(FINISHED, cum_weights=FINISHED_WEIGHTS)[0]
        weights = FUTURE_WEIGHTS if due_on >= self.today else PAST_WEIGHTS
        return rng.choices(STATUSES, cum_weights=weights)[0]

    def _contacts(self, rows, log: _Log, visit: dict, closed: bool, liaison: int) -> None:
        """Check-ins two weeks and three months after the visit, then twice a year, for about a year."""
        last_day = min(self.calendar.yesterday, visit["ends_on"] + timedelta(days=200 if closed else 400))
        contacted_on = visit["ends_on"] + timedelta(days=self.rng.randint(11, 17))
        gaps = iter((76,))
        while contacted_on <= last_day:
            channel = self.rng.choice(CHANNELS)
            text = self.rng.choice(words.CONTACT_NOTES[channel])
            moment = self.calendar.moment(contacted_on)
            rows["contact_logs"].append(
                {
                    "id": self.ids.take("contact_logs"),
                    "delegation_id": log.delegation_id,
                    "contacted_on": contacted_on,
                    "channel": channel,
                    "summary": text,
                    "logged_by_id": liaison,
                    "created_at": moment,
                }
            )
            log.add(TimelineKind.CONTACT, wording.contact_logged(channel, contacted_on), moment, liaison, body=text)
            contacted_on += timedelta(days=next(gaps, self.rng.randint(150, 210)))


@dataclass
class _Log:
    """Timeline rows of one delegation."""

    rows: list[dict]
    ids: _Ids
    delegation_id: int

    def add(self, kind, summary: str, at, actor: int, request_id: int | None = None, body: str = "") -> None:
        self.rows.append(
            {
                "id": self.ids.take("timeline_entries"),
                "delegation_id": self.delegation_id,
                "request_id": request_id,
                "actor_id": actor,
                "kind": kind,
                "summary": summary,
                "body": body,
                "created_at": at,
                "delegate_id": None,
                "shared_with_delegation": False,
            }
        )


#: Parents before children, in insertion order.
TABLES = {
    "visits": Visit.__table__,
    "delegations": Delegation.__table__,
    "delegates": Delegate.__table__,
    "stated_needs": StatedNeed.__table__,
    "information_requests": InfoRequest.__table__,
    "contact_logs": ContactLog.__table__,
    "timeline_entries": TimelineEntry.__table__,
}


def extra_staff(rng: random.Random) -> list[User]:
    """A few dozen more staff accounts that own requests and never sign in: they share the hash of a random
    password nobody is told (one memory-hard hash rather than thirty)."""
    given = [name for names in words.PEOPLE.values() for name in names[1].split()]
    family = [name for names in words.PEOPLE.values() for name in names[2].split()]
    password_hash = hash_password(secrets.token_urlsafe(16))
    users = []
    for index in range(EXTRA_STAFF):
        name = f"{rng.choice(given)} {rng.choice(family)}"
        users.append(User(email=email_for(f"{name} {index}"), name=name, role=Role.STAFF, password_hash=password_hash))
    db.session.add_all(users)
    db.session.flush()
    return users


def prepare(dialect: str) -> None:
    """Before the load's transaction: refuse a database ``finish`` would not know, and on SQLite leave WAL for a
    rollback journal, which for pages added to the file is nothing to write: in WAL every page of the load was
    written twice (to the log, then the file) and the log's index grew with it. ``finish`` goes back to WAL (the
    app's connections ask for WAL anyway).

    (SQLite needs no ``PRAGMA synchronous=OFF``: the whole load is one transaction, synced once.)"""
    if dialect == "sqlite":
        _sqlite_journal(db.session.connection(), "DELETE")
    elif dialect != "postgresql":
        raise DemoDataError(f"No bulk load for the {dialect} database.")


def finish(dialect: str) -> None:
    """Move the sequences past the ids chosen here (PostgreSQL), commit, and refresh the planner's statistics."""
    if dialect == "postgresql":
        for table in TABLES.values():
            sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
            db.session.execute(sa.text(f"SELECT setval({sequence}, coalesce(max(id), 1)) FROM {table.name}"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("ANALYZE"))
        if dialect == "sqlite":
            _sqlite_journal(connection, "WAL")


def _sqlite_journal(connection: sa.Connection, mode: str) -> None:
    """Best effort: SQLite leaves WAL only while no other connection has the file open (a running app's, a test's);
    then the load goes on in WAL, without waiting for the busy timeout."""
    cursor = connection.connection.driver_connection.cursor()
    busy = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    cursor.execute("PRAGMA busy_timeout = 0")
    try:
        cursor.execute(f"PRAGMA journal_mode = {mode}")
    except sqlite3.OperationalError:
        pass  # the database is in use: the journal stays as it is
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {busy}")
