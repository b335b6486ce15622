"""The export tables: per table, its headings and its rows, each table read by ONE streamed query.

The command line writes them to standard output; each list's "Export CSV" streams the same rows, narrowed
by the list's filters (``rows(*criteria)`` adds them to the query's WHERE clause) and in the list's order.
Counts and the last contact are correlated subqueries (on indexed keys), so a filtered export computes them
for its own rows only.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, TextIO

from sqlalchemy import ColumnElement, Select, func, select

from tracker import audit
from tracker.delegations.queries import delegate_count, delegations_of_visit, last_contact_on, open_request_count
from tracker.extensions import db
from tracker.materials.queries import with_current_version
from tracker.models import (
    AuditAction,
    Country,
    Delegate,
    Delegation,
    InfoRequest,
    Material,
    MaterialVersion,
    OutboxMessage,
    RequestMaterial,
    TierPlacement,
    User,
    Visit,
)
from tracker.models.base import LabelledEnum

#: Rows fetched from the database at a time: memory stays flat however many rows there are.
ROWS_PER_FETCH = 1000
#: What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | None
Criteria = ColumnElement[bool]


class Table(NamedTuple):
    """A table's query; its column labels are the CSV headings, so the two cannot drift apart."""

    name: str
    query: Callable[[], Select[Any]]
    #: Timestamps as UTC date and time (e.g. the mail log's); otherwise as the UTC date.
    keeps_times: bool = False

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(self.query().selected_columns.keys())

    def rows(self, *criteria: Criteria, order_by: Sequence[Any] = ()) -> Iterator[tuple[Cell, ...]]:
        """Stream the rows (narrowed by ``criteria``, in the table's order unless ``order_by`` says otherwise),
        enums as their labels, fetched ``ROWS_PER_FETCH`` at a time (a server-side cursor on PostgreSQL)."""
        query = self.query().where(*criteria)
        if order_by:
            query = query.order_by(None).order_by(*order_by)
        for row in db.session.execute(query, execution_options={"yield_per": ROWS_PER_FETCH}):
            yield tuple(self._plain(value) for value in row)

    def _plain(self, value: Any) -> Cell:
        if isinstance(value, LabelledEnum):
            return value.label
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S") if self.keeps_times else value.date()
        return value


def _select_as(**columns: Any) -> Select[Any]:
    """SELECT each column under its CSV heading."""
    return select(*(column.label(heading) for heading, column in columns.items()))


def _delegations() -> Select[Any]:
    """Each delegation with its tier at the visit, its delegate and open-request counts, its last contact."""
    delegates, open_requests, last_contact = delegate_count(), open_request_count(), last_contact_on()
    return (
        _select_as(
            id=Delegation.id,
            visit=Visit.title,
            visit_starts_on=Visit.starts_on,
            country_iso3=Country.iso3,
            country=Country.name,
            tier_at_visit=Delegation.tier,
            tier_report_year=Delegation.tier_report_year,
            liaison=User.name,
            status=Delegation.status,
            delegates=delegates,
            open_requests=open_requests,
            last_contact=last_contact,
        )
        .join(Delegation.visit)
        .join(Delegation.country)
        .join(Delegation.liaison)
        .order_by(Delegation.id)
    )


def _requests() -> Select[Any]:
    """Each information request with its delegation's country and visit, and its owner."""
    return (
        _select_as(
            id=InfoRequest.id,
            delegation_id=InfoRequest.delegation_id,
            country=Country.name,
            visit=Visit.title,
            kind=InfoRequest.kind,
            title=InfoRequest.title,
            owner=User.name,
            due_on=InfoRequest.due_on,
            priority=InfoRequest.priority,
            status=InfoRequest.status,
            status_reason=InfoRequest.status_reason,
            delivered_on=InfoRequest.delivered_at,
            created_on=InfoRequest.created_at,
        )
        .join(InfoRequest.delegation)
        .join(Delegation.country)
        .join(Delegation.visit)
        .join(InfoRequest.owner)
        .order_by(InfoRequest.id)
    )


def _tiers() -> Select[Any]:
    """The whole tier history, in the bundled file's layout: one row per country and report year."""
    return (
        _select_as(iso3=Country.iso3, country=Country.name, year=TierPlacement.year, tier=TierPlacement.tier)
        .join(TierPlacement.country)
        .order_by(Country.iso3, TierPlacement.year)
    )


def _delegates() -> Select[Any]:
    """Each delegate with an address book's fields (personal data: see the README)."""
    return (
        _select_as(
            name=Delegate.name,
            email=Delegate.email,
            organisation=Delegate.organisation,
            delegation_id=Delegate.delegation_id,
            country=Country.name,
        )
        .join(Delegate.delegation)
        .join(Delegation.country)
        .order_by(Delegate.delegation_id, Delegate.name, Delegate.id)
    )


def _visits() -> Select[Any]:
    """Each visit with its centre host and how many delegations it received."""
    return (
        _select_as(
            id=Visit.id,
            title=Visit.title,
            starts_on=Visit.starts_on,
            ends_on=Visit.ends_on,
            partner=Visit.host_programme,
            location=Visit.location,
            centre_host=User.name,
            delegations=delegations_of_visit(),
        )
        .outerjoin(Visit.host)
        .order_by(Visit.starts_on.desc(), Visit.id.desc())
    )


def _materials() -> Select[Any]:
    """Each material of the library with its current version and how many requests it is attached to."""
    attached = (
        select(func.count(RequestMaterial.id))
        .where(RequestMaterial.material_id == Material.id)
        .correlate(Material)
        .scalar_subquery()
    )
    return with_current_version(
        _select_as(
            id=Material.id,
            title=Material.title,
            current_version=MaterialVersion.number,
            file_name=MaterialVersion.filename,
            link=MaterialVersion.url,
            added_on=Material.created_at,
            requests=attached,
        )
    ).order_by(Material.title, Material.id)


def _mail() -> Select[Any]:
    """Each message of the outbox, as the admin's mail log lists it (times in UTC)."""
    return _select_as(
        id=OutboxMessage.id,
        queued_at_utc=OutboxMessage.created_at,
        kind=OutboxMessage.kind,
        recipient=OutboxMessage.recipient_email,
        subject=OutboxMessage.subject,
        status=OutboxMessage.status,
        attempts=OutboxMessage.attempts,
        sent_at_utc=OutboxMessage.sent_at,
        last_error=OutboxMessage.last_error,
    ).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


DELEGATIONS = Table("delegations", _delegations)
REQUESTS = Table("requests", _requests)
TIERS = Table("tiers", _tiers)
DELEGATES = Table("delegates", _delegates)
VISITS = Table("visits", _visits)
MATERIALS = Table("materials", _materials)
MAIL = Table("mail", _mail, keeps_times=True)


def spreadsheet_cell(value: Cell) -> str | int:
    """A CSV cell: ISO 8601 dates, empty for None, and text a spreadsheet would run as a formula defused
    with a leading apostrophe (spreadsheets are who reads these files)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(table: Table, stream: TextIO, *criteria: Criteria) -> int:
    """Write the heading row, then every row; return how many rows were written (and audit the export)."""
    writer = csv.writer(stream)
    writer.writerow(table.headings)
    count = 0
    for count, row in enumerate(table.rows(*criteria), start=1):
        writer.writerow([spreadsheet_cell(value) for value in row])
    audit.record_read(AuditAction.EXPORT, f"Exported {table.name} as CSV: {count} rows", target_kind="export")
    return count
