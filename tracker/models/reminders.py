"""The reminder machinery's state: the outbox of mail, the policy admins set, and the scheduler's heartbeat.

Correctness lives here, not in the scheduler: every reminder occurrence is one outbox row with a unique key,
so a second planner, a restart or a retried pass can never send it twice.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, CreatedAtMixin, LabelledEnum, enum_column, utcnow
from tracker.models.countries import Tier
from tracker.models.requests import InfoRequest
from tracker.models.users import User
from tracker.models.visits import NO_LAZY_SQL, Delegation


class MessageKind(LabelledEnum):
    DUE_SOON = "due_soon", "Due soon"
    DUE_TODAY = "due_today", "Due today"
    OVERDUE = "overdue", "Overdue"
    ESCALATION = "escalation", "Overdue, to admins"
    FOLLOW_UP = "follow_up", "Follow-up due"
    DIGEST = "digest", "Weekly digest"
    TEST = "test", "Test message"


class PortalMail(LabelledEnum):
    """The portal's kinds of mail in the outbox (not reminders: a reminder pause does not hold them)."""

    PORTAL_LINK = "portal_link", "Portal sign-in link"
    INVITATION = "invitation", "Portal invitation"
    MATERIAL_SHARED = "material_shared", "Material shared"
    REQUEST_DELIVERED = "request_delivered", "Request delivered"
    MONTHLY_ROLLUP = "monthly_rollup", "Monthly roll-up"
    NEEDS_SUMMARY = "needs_summary", "What we heard"
    DELEGATE_MESSAGE = "delegate_message", "Delegate's message"


class AccountMail(LabelledEnum):
    """Mail about a staff account: the link to set a password."""

    STAFF_INVITATION = "staff_invitation", "Staff invitation"
    PASSWORD_RESET = "password_reset", "Password reset"


#: Every kind of mail the outbox carries, with its label: the mail log's filter and column.
MAIL_KIND_LABELS = dict(MessageKind.choices() + PortalMail.choices() + AccountMail.choices())


def mail_kind_label(kind: str) -> str:
    return MAIL_KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


class OutboxStatus(LabelledEnum):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    #: Dropped before sending: no longer relevant (delivered, reassigned, snoozed, past its moment).
    CANCELLED = "cancelled", "Dropped"


class OutboxMessage(CreatedAtMixin, Base):
    """One email to send; its ``key`` names the occurrence it stands for.

    Most mail is rendered when queued. The planner's reminders, which come by the tens of thousands, keep a ``draft``
    (see ``tracker.reminders.mails.Mail``) and get their bodies when delivery renders them."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_status_next_attempt", "status", "next_attempt_at"),
        sa.Index("ix_outbox_request_kind_occurrence", "request_id", "kind", "occurrence_on"),
        # The resends of a message, for its foreign key: deleting a message (with its request or delegation) looked
        # for them through the whole outbox. Few messages are resends, so only theirs are indexed.
        sa.Index("ix_outbox_resend_of_id", "resend_of_id", sqlite_where=sa.text("resend_of_id IS NOT NULL"),
                 postgresql_where=sa.text("resend_of_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: kind + subject + recipient + occurrence date: the same occurrence can never be queued twice.
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Not a CHECK-constrained enum: other domains add kinds of mail without a migration.
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recipient_email: Mapped[str] = mapped_column(sa.String(254))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("information_requests.id", ondelete="CASCADE"))
    delegation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    occurrence_on: Mapped[date | None]
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str | None] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    #: Template, values and link of a reminder not rendered yet; None once the bodies are there.
    draft: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: Stable per row, so that a message resent after a crash is recognisably the same one.
    message_id: Mapped[str] = mapped_column(sa.String(250))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: After this moment the message is no longer worth sending (a "due soon" once the due date has passed).
    expires_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    #: The admin who queued it by hand (a test or a resend), if any.
    queued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resend_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox.id", ondelete="SET NULL"))

    recipient: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL, foreign_keys=[recipient_id])
    queued_by: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL, foreign_keys=[queued_by_id])
    request: Mapped[InfoRequest | None] = relationship(lazy=NO_LAZY_SQL)
    delegation: Mapped[Delegation | None] = relationship(lazy=NO_LAZY_SQL)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.key} {self.status}>"

    @property
    def kind_label(self) -> str:
        return mail_kind_label(self.kind)

    @property
    def holds_a_password_link(self) -> bool:
        """An invitation or a reset: its link sets an account's password, so the mail log does not show it."""
        return self.kind in {str(kind) for kind in AccountMail}


class ReminderPolicy(Base):
    """The centre's reminder rules (SPEC §4), one row, edited by admins."""

    __tablename__ = "reminder_policy"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("due_soon_days BETWEEN 1 AND 60", name="due_soon_days_range"),
        sa.CheckConstraint("overdue_repeat_days BETWEEN 1 AND 60", name="overdue_repeat_days_range"),
        sa.CheckConstraint("escalate_after_days BETWEEN 1 AND 365", name="escalate_after_days_range"),
        sa.CheckConstraint("follow_up_repeat_days BETWEEN 1 AND 60", name="follow_up_repeat_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    due_soon_days: Mapped[int] = mapped_column(default=3)
    overdue_repeat_days: Mapped[int] = mapped_column(default=7)
    escalate_after_days: Mapped[int] = mapped_column(default=14)
    #: Check-ins after a visit ends, in days, comma-separated ("14,90,180").
    follow_up_offsets: Mapped[str] = mapped_column(sa.String(100), default="14,90,180")
    follow_up_repeat_days: Mapped[int] = mapped_column(default=7)
    paused: Mapped[bool] = mapped_column(default=False)
    pause_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    paused_at: Mapped[datetime | None]
    paused_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    paused_by: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL)

    @property
    def offsets(self) -> list[int]:
        return sorted(int(part) for part in self.follow_up_offsets.split(",") if part.strip())


class FollowUpCadence(Base):
    """How often to keep in touch with a delegation, by the tier it had when it visited."""

    __tablename__ = "follow_up_cadences"
    __table_args__ = (
        sa.CheckConstraint("ideal_days BETWEEN 1 AND 365", name="ideal_days_range"),
        sa.CheckConstraint("max_days >= ideal_days AND max_days <= 730", name="max_after_ideal"),
    )

    #: ``not_rated`` also stands for delegations whose tier is not known.
    tier: Mapped[Tier] = mapped_column(enum_column(Tier, "tier"), primary_key=True)
    #: Days after a logged contact before the next check-in falls due.
    ideal_days: Mapped[int]
    #: Days without contact after which the delegation counts as "losing touch".
    max_days: Mapped[int]


class SchedulerLease(Base):
    """Which process runs the reminder passes, and its heartbeat, shown in the admin area."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(sa.String(200))
    expires_at: Mapped[datetime | None]
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_summary: Mapped[str] = mapped_column(sa.String(500), default="")
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_run_at: Mapped[datetime | None]
