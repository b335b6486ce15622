"""Visits: saved from plain values (``VisitFields``), like every other domain's records. Callers commit."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from tracker.extensions import db
from tracker.models import Visit


@dataclass(frozen=True)
class VisitFields:
    title: str
    starts_on: date
    ends_on: date
    host_programme: str
    location: str
    #: The centre's host, or None.
    host_id: int | None
    notes: str


def save_visit(fields: VisitFields, visit: Visit | None = None) -> Visit:
    """Add a visit, or update one; the version column refuses a save made on an outdated copy at commit."""
    visit = visit or Visit()
    for name, value in asdict(fields).items():
        setattr(visit, name, value)
    db.session.add(visit)
    return visit
