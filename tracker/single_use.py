"""Single-use links, shared by the portal's sign-in links and staff invitations and password resets.

The token goes in the link; only its SHA-256 is stored, so a copy of the database opens nothing. Opening a
link changes nothing (mail scanners open links before people do); only a POST spends it, with one
conditional UPDATE, so two clicks racing each other cannot both use it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, update

from tracker.extensions import db

#: Longer than any token we issue; a longer one is refused before it reaches the database.
MAX_TOKEN_LENGTH = 100


def new_token() -> tuple[str, str]:
    """A fresh token for a link, and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(model: type[Any], lifetime: timedelta, now: datetime, created_by: Any | None,
               **columns: Any) -> tuple[str, Any]:
    """A new link row (flushed) valid for ``lifetime``, and the token that goes in the link (only its hash is kept);
    ``columns`` say whose link it is and what for."""
    token, hashed = new_token()
    link = model(token_hash=hashed, expires_at=now + lifetime, created_by_id=created_by.id if created_by else None,
                 created_at=now, **columns)
    db.session.add(link)
    db.session.flush()
    return token, link


def links_since(model: type[Any], since: datetime, *conditions: ColumnElement[bool]) -> int:
    """How many links matching ``conditions`` were made after ``since`` (to throttle how often one is sent)."""
    return db.session.scalar(select(func.count()).select_from(model).where(model.created_at > since, *conditions)) or 0


def usable_link(model: type[Any], token: str, now: datetime) -> Any | None:
    """The unused, unexpired link a token names (nothing changes: for the page that shows the button)."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    link = db.session.scalar(select(model).where(model.token_hash == token_hash(token)))
    return link if link is not None and link.used_at is None and now < link.expires_at else None


def spend_link(model: type[Any], token: str, now: datetime, returning: Any) -> Any | None:
    """Mark the link used and return its ``returning`` column; None if it was used, expired or never existed."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.execute(
        update(model)
        .where(model.token_hash == token_hash(token), model.used_at.is_(None), model.expires_at > now)
        .values(used_at=now)
        .returning(returning)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
