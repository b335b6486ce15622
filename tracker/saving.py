"""Saving edits without losing anyone's: a record's version column refuses a save made on an old copy."""

from __future__ import annotations

from flask import flash
from sqlalchemy.orm.exc import StaleDataError

from tracker.extensions import db

CONFLICT_MESSAGE = (
    "Someone else saved this record after you opened it, so your changes were not saved. "
    "Reload the page to see theirs, then make your changes again."
)


def commit_or_conflict() -> bool:
    """Commit; if another save got there first (version mismatch in the UPDATE), roll back and say so."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False
    return True


def flash_conflict() -> None:
    flash(CONFLICT_MESSAGE, "error")
