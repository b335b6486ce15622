"""Saving edits without losing anyone's: a save made on an old version of a record is refused, with what changed.

Visits, delegations and requests carry a version column. An edit form carries the version it was opened on and,
sealed, the record's values then (``VersionedForm``). A save is refused when the form's version is not the
record's (someone saved in between, however long ago) or when the UPDATE finds another version (a save in the same
instant: SQLAlchemy's ``StaleDataError``). Either way the person keeps what they typed and sees, field by field,
the value when they opened the form and the value now, and who saved meanwhile (from the timeline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db
from tracker.models import TimelineEntry, TimelineKind
from tracker.models.base import utcnow

#: Timeline entries that record a save of the record itself (not a comment or a material added to it).
SAVES = (TimelineKind.UPDATED, TimelineKind.STATUS_CHANGED)


@dataclass(frozen=True)
class Snapshot:
    """A record as a person saw it when they opened a form: its values as they read them (label → text), and
    what the form would send back untouched (field name → values)."""

    taken_at: datetime
    values: dict[str, str]
    sent: dict[str, list[str]]


@dataclass(frozen=True)
class FieldChange:
    label: str
    when_opened: str | None  # None when the form did not say (an old or altered form)
    now: str


@dataclass
class Conflict:
    """What another person saved after this form was opened."""

    changes: list[FieldChange]
    saves: Sequence[TimelineEntry] = field(default_factory=list)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="edit-form-snapshot")


def seal(values: Mapping[str, str], sent: Mapping[str, list[str]]) -> str:
    """The record as opened, signed (and compressed) for a hidden field: nobody can make the page show other values."""
    return _serializer().dumps({"at": utcnow().isoformat(), "values": dict(values), "sent": dict(sent)})


def unseal(sealed: str | None) -> Snapshot | None:
    """The snapshot a form carried back; None for a missing, altered or malformed one."""
    try:
        payload = _serializer().loads(sealed or "")
        return Snapshot(datetime.fromisoformat(payload["at"]), dict(payload["values"]), dict(payload["sent"]))
    except (BadData, KeyError, TypeError, ValueError):
        return None


def find_conflict(
    opened: Snapshot | None, now: Mapping[str, str], saved_by: Sequence[ColumnElement[bool]] = ()
) -> Conflict:
    """Each value that differs from the one the form was opened on; ``saved_by`` selects the timeline entries of
    the record's saves (nothing when the record has no timeline)."""
    if opened is None:
        changes = [FieldChange(label, None, value) for label, value in now.items()]
        return Conflict(changes)
    changes = [
        FieldChange(label, opened.values.get(label, ""), value)
        for label, value in now.items()
        if opened.values.get(label, "") != value
    ]
    saves: Sequence[TimelineEntry] = []
    if saved_by:
        saves = db.session.scalars(
            select(TimelineEntry)
            .where(*saved_by, TimelineEntry.kind.in_(SAVES), TimelineEntry.created_at > opened.taken_at)
            .options(joinedload(TimelineEntry.actor))
            .order_by(TimelineEntry.created_at, TimelineEntry.id)
        ).all()
    return Conflict(changes, saves)


def commit_or_conflict() -> bool:
    """Commit; if another save got there first (version mismatch in the UPDATE), roll back and say so."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False
    return True
