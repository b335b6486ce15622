"""The delegate portal's state: single-use sign-in links, delegate sessions, and "what we heard" summaries.

Delegates are not staff users: a delegate is known by their email address (the same person may be a delegate of
several delegations), and signs in with an emailed link. Link and session tokens are stored as SHA-256 hashes,
so a copy of the database signs nobody in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, CreatedAtMixin, LabelledEnum, enum_column
from tracker.models.users import SingleUseLink, User
from tracker.models.visits import NO_LAZY_SQL, Delegate, Delegation


class LinkPurpose(LabelledEnum):
    SELF_REQUESTED = "self_requested", "Requested by the delegate"
    INVITATION = "invitation", "Invitation from staff"
    HANDOVER = "handover", "Printed for handing over"
    NOTIFICATION = "notification", "Sent with a notification"


class PortalLink(SingleUseLink, Base):
    """A sign-in link: works once, until it expires."""

    __tablename__ = "portal_links"
    __table_args__ = (sa.Index("ix_portal_links_email_created", "email", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased, as delegates' emails are.
    email: Mapped[str] = mapped_column(sa.String(254))
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "link_purpose"))

    def __repr__(self) -> str:
        return f"<PortalLink {self.id} {self.purpose}>"


class PortalSession(CreatedAtMixin, Base):
    """A delegate signed in on one browser; ends at ``expires_at``, or earlier by the delegate or staff."""

    __tablename__ = "portal_sessions"
    __table_args__ = (sa.Index("ix_portal_sessions_email_ended", "email", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    #: The staff member who revoked it (None: the delegate signed out, or it is still open).
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<PortalSession {self.id} ended={self.ended_at}>"

    def is_open(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at


class SummaryResponse(LabelledEnum):
    PENDING = "pending", "Waiting for the delegation"
    CONFIRMED = "confirmed", "Confirmed"
    CORRECTED = "corrected", "Corrected"


class NeedsSummary(CreatedAtMixin, Base):
    """"What we heard you ask for": the needs and requests sent to a delegation, and its confirmation.

    ``items`` is the list as sent, so that the delegation confirms exactly what it was shown.
    """

    __tablename__ = "needs_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegations.id", ondelete="CASCADE"), index=True)
    #: [{"section": "need" | "request", "category": slug, "text": str}, …]
    items: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    response: Mapped[SummaryResponse] = mapped_column(
        enum_column(SummaryResponse, "summary_response"), default=SummaryResponse.PENDING
    )
    correction: Mapped[str] = mapped_column(sa.Text, default="")
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("delegates.id", ondelete="SET NULL"))

    delegation: Mapped[Delegation] = relationship(lazy=NO_LAZY_SQL)
    sent_by: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL)
    responded_by: Mapped[Delegate | None] = relationship(lazy=NO_LAZY_SQL)

    def __repr__(self) -> str:
        return f"<NeedsSummary {self.id} {self.response}>"
