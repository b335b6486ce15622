"""The follow-up summary: counts per cohort of delegations, written by database triggers (see
tracker/health/summary_triggers.py), never by the app."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base


def new_version() -> int:
    """A version for the row made from Python; the triggers write theirs in SQL."""
    return secrets.randbits(62)


class FollowUpCount(Base):
    """How many requests, delegations or needs of a cohort (visit year, country, tier at the visit) have a
    ``measure`` with the values ``day`` and ``until`` (0 where the measure has none); see
    ``tracker.health.summary`` for the measures. Rows may reach 0 and stay."""

    __tablename__ = "follow_up_counts"
    # Each index holds the key and the count, so that the pages' sums read an index alone (the rows lie where the
    # triggers added them, scattered over the table): in key order, by measure and day (the rows from a day on),
    # and by measure and until (the spans still open after a day).
    __table_args__ = (
        sa.Index("ix_follow_up_counts_counted", "measure", "visit_year", "country_id", "tier", "day", "until", "count"),
        sa.Index("ix_follow_up_counts_by_day", "measure", "day", "visit_year", "country_id", "tier", "count"),
        sa.Index(
            "ix_follow_up_counts_by_until", "measure", "until", "day", "visit_year", "country_id", "tier", "count"
        ),
    )

    measure: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    visit_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: No foreign key: the triggers keep the rows, and a country with delegations cannot be deleted.
    country_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: The delegation's tier, "" when not known (a primary key has no NULL).
    tier: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    #: A day as days since 1970-01-01, or a number of days.
    day: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    until: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int]

    def __repr__(self) -> str:
        return f"<FollowUpCount {self.measure} {self.visit_year} {self.country_id} {self.tier!r} {self.day}>"


class FollowUpCountsZone(Base):
    """The summary's one row of state: the time zone the counts' local dates are in (the centre's, when they were
    last counted), and the version of the figures (``tracker.health.summary_version``)."""

    __tablename__ = "follow_up_counts_zone"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(sa.String(64))
    #: Replaced by a random number by triggers whenever the summary, the tier placements or the countries change.
    version: Mapped[int] = mapped_column(sa.BigInteger, default=new_version, server_default="0")
