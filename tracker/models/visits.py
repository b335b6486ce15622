"""Exchange visits and the delegations, delegates, stated needs and contacts they bring."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from tracker.models.base import Base, CreatedAtMixin, LabelledEnum, enum_column
from tracker.models.countries import Country, Tier
from tracker.models.users import User

#: Relationships to one row never load on attribute access: a page must say what it loads (no N+1).
#: Collections are write-only: read them with a query (``delegation.needs.select()``), never all at once.
NO_LAZY_SQL = "raise_on_sql"


class Visit(CreatedAtMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        # The visits list's order with the columns its text filter reads: a year's visits are searched in the
        # index alone.
        sa.Index("ix_visits_list", "starts_on", "id", "title", "host_programme", "location"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: The partner or programme that brought the visitors (e.g. an international-visitor council).
    host_programme: Mapped[str] = mapped_column(sa.String(200), default="")
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    host: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL)
    delegations: WriteOnlyMapped[Delegation] = relationship(back_populates="visit", order_by="Delegation.id")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Visit {self.id} {self.title!r}>"


class DelegationStatus(LabelledEnum):
    ACTIVE = "active", "Following up"
    CLOSED = "closed", "Follow-up closed"


class Delegation(CreatedAtMixin, Base):
    """The group from one country at one visit."""

    __tablename__ = "delegations"
    __table_args__ = (
        sa.UniqueConstraint("visit_id", "country_id"),
        # A visit's delegations with what the delegations list filters on (status, tier) and joins (country):
        # the list walks visits newest first and finds their delegations here. (An index on status or tier
        # alone, a third or half of the rows, only led the planner to sort them all.)
        sa.Index("ix_delegations_visit_list", "visit_id", "status", "tier", "country_id", "id"),
        # A country's delegations (a region's, through its countries) with the list's other filters: counted from
        # the index alone, in place of country_id alone (a region's 20,000 rows were read one by one). The visit
        # before the status: led by country and status, SQLite skip-scanned it for a status filter and sorted. The id
        # last: a country page reads its delegations' ids from the index alone.
        sa.Index("ix_delegations_country_list", "country_id", "visit_id", "status", "tier", "id"),
        # The Follow-ups page's lists in their order, and their counts (tracker/reminders/followups.py).
        # Not led by the status (the dates are None once closed): that would draw the status filter of the
        # delegations list away from the index above.
        sa.Index("ix_delegations_check_in", "next_check_in_on", "id"),
        sa.Index("ix_delegations_quiet", "quiet_since_on", "id", "losing_touch_on"),
        sa.Index("ix_delegations_losing_touch", "losing_touch_on"),
        # ... and for one liaison (the filter, the dashboard's panel): all they read, in place of liaison_id alone.
        sa.Index("ix_delegations_liaison_follow_ups", "liaison_id", "next_check_in_on", "losing_touch_on",
                 "quiet_since_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visits.id", ondelete="CASCADE"))
    country_id: Mapped[int] = mapped_column(sa.ForeignKey("countries.id"))
    #: The country's tier as of the visit: a snapshot, filled from the tier history and editable.
    tier: Mapped[Tier | None] = mapped_column(enum_column(Tier, "tier"))
    #: The TIP report year the snapshot came from; None when staff set the tier by hand.
    tier_report_year: Mapped[int | None]
    liaison_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[DelegationStatus] = mapped_column(
        enum_column(DelegationStatus, "delegation_status"), default=DelegationStatus.ACTIVE
    )
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    #: The latest logged contact's date: kept by a database trigger on ``contact_logs`` (see
    #: tracker/health/summary_triggers.py), never set by the app.
    last_contact_on: Mapped[date | None]
    #: The follow-up dates of SPEC §3, kept by database triggers (tracker/reminders/check_in_columns.py), never set by
    #: the app; None while the delegation's follow-up is closed. The next check-in, the last contact or else the
    #: visit's end, and the first day the delegation counts as losing touch.
    next_check_in_on: Mapped[date | None]
    quiet_since_on: Mapped[date | None]
    losing_touch_on: Mapped[date | None]

    visit: Mapped[Visit] = relationship(back_populates="delegations", lazy=NO_LAZY_SQL)
    country: Mapped[Country] = relationship(lazy=NO_LAZY_SQL)
    liaison: Mapped[User] = relationship(lazy=NO_LAZY_SQL)
    delegates: WriteOnlyMapped[Delegate] = relationship(back_populates="delegation", order_by="Delegate.name")
    needs: WriteOnlyMapped[StatedNeed] = relationship(back_populates="delegation", order_by="StatedNeed.id")
    contacts: WriteOnlyMapped[ContactLog] = relationship(
        back_populates="delegation", order_by="(ContactLog.contacted_on.desc(), ContactLog.id.desc())"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Delegation {self.id} visit={self.visit_id} country={self.country_id}>"


class Delegate(CreatedAtMixin, Base):
    """A visiting official. Personal data: shown to signed-in staff only."""

    __tablename__ = "delegates"
    __table_args__ = (
        sa.UniqueConstraint("delegation_id", "email"),
        # The planner's roll-up subscribers, a handful among hundreds of thousands of delegates.
        sa.Index("ix_delegates_monthly_rollup", "wants_monthly_rollup", "delegation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Lower-cased; optional because some visitors give none, unique within a delegation.
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    #: ISO 639-1 code.
    preferred_language: Mapped[str] = mapped_column(sa.String(2), default="en")
    #: Portal notifications (a material shared, a request delivered); the delegate can turn them off.
    wants_notifications: Mapped[bool] = mapped_column(default=True)
    #: The optional monthly roll-up of the delegation's open requests; off until the delegate asks for it.
    wants_monthly_rollup: Mapped[bool] = mapped_column(default=False)

    delegation: Mapped[Delegation] = relationship(back_populates="delegates", lazy=NO_LAZY_SQL)

    def __repr__(self) -> str:
        return f"<Delegate {self.id} {self.name!r}>"


class NeedCategory(LabelledEnum):
    LEGISLATION = "legislation", "Legislation"
    PROSECUTION = "prosecution", "Prosecution"
    PROTECTION = "protection", "Protection"
    PREVENTION = "prevention", "Prevention"
    PARTNERSHIP = "partnership", "Partnership"
    DATA = "data", "Data and research"
    OTHER = "other", "Other"


class StatedNeed(CreatedAtMixin, Base):
    __tablename__ = "stated_needs"
    #: (id, delegation_id) is unique so that a request's need must belong to the request's delegation.
    __table_args__ = (
        sa.UniqueConstraint("id", "delegation_id", name="uq_stated_needs_id_delegation"),
        # A delegation's needs newest first: a country page finds its latest in the index alone.
        sa.Index("ix_stated_needs_delegation_created", "delegation_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegations.id", ondelete="CASCADE"), index=True)
    category: Mapped[NeedCategory] = mapped_column(enum_column(NeedCategory, "need_category"))
    description: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    delegation: Mapped[Delegation] = relationship(back_populates="needs", lazy=NO_LAZY_SQL)

    def __repr__(self) -> str:
        return f"<StatedNeed {self.id} {self.category}>"


class ContactChannel(LabelledEnum):
    EMAIL = "email", "Email"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Note"


class ContactLog(CreatedAtMixin, Base):
    """A check-in with a delegation after its visit."""

    __tablename__ = "contact_logs"
    #: A delegation's contacts, and its latest (the delegations list, the follow-ups) read from the index alone.
    __table_args__ = (sa.Index("ix_contact_logs_delegation_contacted", "delegation_id", "contacted_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(sa.ForeignKey("delegations.id", ondelete="CASCADE"))
    contacted_on: Mapped[date]
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel, "contact_channel"))
    summary: Mapped[str] = mapped_column(sa.Text)
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    delegation: Mapped[Delegation] = relationship(back_populates="contacts", lazy=NO_LAZY_SQL)
    logged_by: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL)

    def __repr__(self) -> str:
        return f"<ContactLog {self.id} {self.contacted_on}>"
