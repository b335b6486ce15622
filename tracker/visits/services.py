"""Visits: saved from plain values (``VisitFields``), like every other domain's records. Callers commit."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from tracker.extensions import db
from tracker.models import User, Visit
from tracker.templating import format_date


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


def readable(visit: Visit) -> dict[str, str]:
    """The fields a person edits, as they read them (for an edit conflict's diff)."""
    host = db.session.get(User, visit.host_id) if visit.host_id else None
    return {
        "Title": visit.title,
        "Starts on": format_date(visit.starts_on),
        "Ends on": format_date(visit.ends_on),
        "Host programme or partner": visit.host_programme or "",
        "Location": visit.location or "",
        "Centre host": host.name if host else "",
        "Notes": visit.notes or "",
    }
