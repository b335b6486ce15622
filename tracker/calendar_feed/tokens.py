"""The secret in a feed's address: random, shown once, stored only as its hash (as the portal's sign-in links)."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import User
from tracker.portal.identity import token_hash


def new_feed_token(user: User) -> str:
    """Give ``user`` a new feed address (the old one stops working) and return its secret; the caller commits."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = token_hash(token)
    return token


def stop_feed(user: User) -> None:
    user.calendar_token_hash = None


def feed_owner(token: str) -> User | None:
    """The enabled user whose feed this is, or None (a wrong, revoked or deactivated user's address)."""
    user = db.session.scalar(select(User).where(User.calendar_token_hash == token_hash(token)))
    return user if user is not None and user.is_enabled else None
