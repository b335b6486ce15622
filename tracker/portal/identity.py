"""Who a delegate is in the portal: single-use sign-in links and revocable sessions, both as hashed random tokens.

A delegate is known by their email address; every delegation that lists that address is theirs. The browser
holds the session token in a cookie of its own (path /portal, HttpOnly, SameSite=Lax, Secure over HTTPS), apart
from the staff session: staff sessions last one browser session, a delegate's 14 days on a phone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from tracker import single_use
from tracker.extensions import db
from tracker.models import Delegate, LinkPurpose, PortalLink, PortalSession, User
from tracker.single_use import new_token, spend_link, token_hash, usable_link

#: How long a link works: an invitation waits in an inbox; a link the delegate just asked for is used at once.
LINK_LIFETIME = {
    LinkPurpose.INVITATION: timedelta(days=7),
    LinkPurpose.HANDOVER: timedelta(days=7),
    LinkPurpose.NOTIFICATION: timedelta(days=7),
    LinkPurpose.SELF_REQUESTED: timedelta(minutes=30),
}
SESSION_LIFETIME = timedelta(days=14)
COOKIE_NAME = "tracker_portal"
#: A session's last-seen time is written at most this often (not on every page).
SEEN_EVERY = timedelta(minutes=5)
#: At most this many self-requested links per address per hour, whatever the number of web workers.
LINKS_PER_HOUR = 5


def first_delegate(email: str) -> Delegate | None:
    """The earliest delegate row with this address (whose name and language a sign-in mail uses), if any."""
    return db.session.scalar(select(Delegate).where(Delegate.email == email).order_by(Delegate.id).limit(1))


def is_delegate(email: str) -> bool:
    """Whether any delegation lists this address."""
    return first_delegate(email) is not None


def issue_link(
    email: str, purpose: LinkPurpose, now: datetime, created_by: User | None = None
) -> tuple[str, PortalLink]:
    """A new sign-in link: its token (only the hash is stored) and its row."""
    return single_use.issue_link(PortalLink, LINK_LIFETIME[purpose], now, created_by, email=email, purpose=purpose)


def too_many_links(email: str, now: datetime) -> bool:
    """Throttle per address, in the database: an attacker cannot flood a delegate's inbox from many addresses."""
    recent = single_use.links_since(PortalLink, now - timedelta(hours=1), PortalLink.email == email,
                                    PortalLink.purpose == LinkPurpose.SELF_REQUESTED)
    return recent >= LINKS_PER_HOUR


def link_is_usable(token: str, now: datetime) -> bool:
    """For the page that shows the sign-in button: the link exists, is unused and unexpired (nothing changes)."""
    return usable_link(PortalLink, token, now) is not None


def use_link(token: str, now: datetime) -> str | None:
    """Spend the link and return its address; None if it was used, expired or never existed."""
    spent = spend_link(PortalLink, token, now, PortalLink.email)
    return spent if spent is not None and is_delegate(spent) else None


def open_session(email: str, now: datetime) -> str:
    """A new session's token, for the cookie."""
    token, hashed = new_token()
    db.session.add(PortalSession(
        token_hash=hashed, email=email, expires_at=now + SESSION_LIFETIME, last_seen_at=now,
        created_at=now,
    ))
    return token


def session_for(token: str | None, now: datetime) -> PortalSession | None:
    """The open session a cookie names, its last-seen time refreshed now and then."""
    if not token:
        return None
    found = db.session.scalar(select(PortalSession).where(PortalSession.token_hash == token_hash(token)))
    if found is None or not found.is_open(now):
        return None
    if now - found.last_seen_at > SEEN_EVERY:
        found.last_seen_at = now
        db.session.commit()
    return found


def end_session(portal_session: PortalSession, now: datetime) -> None:
    portal_session.ended_at = now


def revoke_sessions(email: str, actor: User | None, now: datetime) -> int:
    """End every open session of an address (staff, or the delegate signing out everywhere)."""
    result = db.session.execute(
        update(PortalSession)
        .where(PortalSession.email == email, PortalSession.ended_at.is_(None), PortalSession.expires_at > now)
        .values(ended_at=now, ended_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def open_sessions(emails: list[str], now: datetime) -> dict[str, list[PortalSession]]:
    """Open sessions per address, for the staff view of a delegation's delegates."""
    found: dict[str, list[PortalSession]] = {email: [] for email in emails}
    for portal_session in db.session.scalars(
        select(PortalSession).where(
            PortalSession.email.in_(emails), PortalSession.ended_at.is_(None), PortalSession.expires_at > now
        ).order_by(PortalSession.last_seen_at.desc())
    ):
        found[portal_session.email].append(portal_session)
    return found
