"""Information requests promised to a delegation, and the timeline of everything done to them."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, CreatedAtMixin, LabelledEnum, enum_column, utcnow
from tracker.models.users import User
from tracker.models.visits import NO_LAZY_SQL, Delegate, Delegation, StatedNeed


class RequestKind(LabelledEnum):
    DRAFT_LAW_REVIEW = "draft_law_review", "Draft-law review"
    COMPARATIVE_ANALYSIS = "comparative_analysis", "Comparative analysis"
    DATA = "data", "Data or statistics"
    TRAINING_MATERIAL = "training_material", "Training material"
    INTRODUCTION = "introduction", "Introduction"
    BEST_PRACTICE = "best_practice", "Best-practice summary"
    OTHER = "other", "Other"


class Priority(LabelledEnum):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class RequestStatus(LabelledEnum):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting on delegate"
    DELIVERED = "delivered", "Delivered"
    CLOSED = "closed", "Closed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES

    @property
    def needs_reason(self) -> bool:
        return self in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN)


#: Statuses in which the centre still owes the delegation something.
OPEN_STATUSES = frozenset({RequestStatus.NEW, RequestStatus.IN_PROGRESS, RequestStatus.WAITING})
#: The open statuses as SQL literals for ``status.in_()``, in the order of the open requests' index's predicate:
#: SQLite uses a partial index only for a query that repeats its predicate, values inline and in the same order.
OPEN_LITERALS = tuple(sa.literal_column(f"'{value}'") for value in sorted(status.value for status in OPEN_STATUSES))
_OPEN = sa.column("status").in_(OPEN_LITERALS)


class InfoRequest(CreatedAtMixin, Base):
    """A concrete deliverable promised to a delegation, with an owner and a due date."""

    __tablename__ = "information_requests"
    __table_args__ = (
        sa.CheckConstraint(
            "status NOT IN ('declined', 'withdrawn') OR coalesce(length(trim(status_reason)), 0) > 0",
            name="reason_given",
        ),
        # A linked need must be one of this delegation's needs.
        sa.ForeignKeyConstraint(
            ["need_id", "delegation_id"],
            ["stated_needs.id", "stated_needs.delegation_id"],
            name="fk_information_requests_need_same_delegation",
        ),
        sa.Index("ix_information_requests_owner_status_due", "owner_id", "status", "due_on"),
        sa.Index("ix_information_requests_status_due", "status", "due_on"),
        # The requests list's order, with what its default filter (open) and its joins read: the page is found
        # in the index alone.
        sa.Index("ix_information_requests_due_list", "due_on", "id", "status", "delegation_id"),
        # Its default view, the open requests (one in a hundred, due late): read without the delivered ones.
        sa.Index("ix_information_requests_open_due", "due_on", "id", "delegation_id", sqlite_where=_OPEN,
                 postgresql_where=_OPEN),
        # A delegation's requests, and how many are open (the delegations list counts them per row).
        sa.Index("ix_information_requests_delegation_status", "delegation_id", "status"),
        # A delegation's requests newest first: a country page finds its latest in the index alone.
        sa.Index("ix_information_requests_delegation_created", "delegation_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegations.id", ondelete="CASCADE"))
    need_id: Mapped[int | None] = mapped_column(index=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind, "request_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    due_on: Mapped[date]
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "priority"), default=Priority.NORMAL)
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "request_status"), default=RequestStatus.NEW
    )
    #: Why it was declined or withdrawn (required then, by the check constraint).
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    delivered_at: Mapped[datetime | None]
    #: No automatic reminders before this day (the owner snoozed them).
    snoozed_until: Mapped[date | None]
    #: The owner turned automatic reminders off for this request.
    reminders_off: Mapped[bool] = mapped_column(default=False)
    #: When the request started waiting on the delegate; the due date moves on by the days waited.
    waiting_since: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    delegation: Mapped[Delegation] = relationship(lazy=NO_LAZY_SQL)
    need: Mapped[StatedNeed | None] = relationship(
        lazy=NO_LAZY_SQL, foreign_keys=[need_id], primaryjoin="InfoRequest.need_id == StatedNeed.id", viewonly=True
    )
    owner: Mapped[User] = relationship(lazy=NO_LAZY_SQL, foreign_keys=[owner_id])

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<InfoRequest {self.id} {self.status}>"

    def is_overdue(self, today: date) -> bool:
        return self.status.is_open and self.due_on < today


class TimelineKind(LabelledEnum):
    CREATED = "created", "Created"
    UPDATED = "updated", "Edited"
    STATUS_CHANGED = "status_changed", "Status changed"
    COMMENT = "comment", "Comment"
    CONTACT = "contact", "Contact logged"
    NEED = "need", "Stated need"
    DELEGATE = "delegate", "Delegate"
    TIER_CHANGE = "tier_change", "Tier change"
    MATERIAL = "material", "Material"
    #: A delegate's question, reply or correction, sent from the portal.
    DELEGATE_ASKED = "delegate_asked", "Delegate's message"
    FEEDBACK = "feedback", "Feedback on a material"
    PORTAL = "portal", "Portal"


class TimelineEntry(Base):
    """Who did what when, to a delegation or one of its requests; never edited, never deleted."""

    __tablename__ = "timeline_entries"
    __table_args__ = (
        sa.Index("ix_timeline_entries_delegation_created", "delegation_id", "created_at"),
        sa.Index("ix_timeline_entries_request_created", "request_id", "created_at"),
        # The dashboard's recent tier changes: a few rows among millions of entries.
        sa.Index("ix_timeline_entries_kind_created", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegations.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("information_requests.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[TimelineKind] = mapped_column(enum_column(TimelineKind, "timeline_kind"))
    #: One line a person reads in the timeline, e.g. "Status: New → In progress".
    summary: Mapped[str] = mapped_column(sa.String(500))
    #: A comment's text, or the reason given for a status change.
    body: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The delegate who wrote it in the portal (``actor`` is then None).
    delegate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("delegates.id", ondelete="SET NULL"))
    #: Shown in the portal to the request's delegation (staff choose per comment).
    shared_with_delegation: Mapped[bool] = mapped_column(default=False)

    actor: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL)
    request: Mapped[InfoRequest | None] = relationship(lazy=NO_LAZY_SQL)
    # Joined in the entry's own query: every timeline shows who wrote an entry, and a delegate is one of them.
    delegate: Mapped[Delegate | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<TimelineEntry {self.id} {self.kind}>"
