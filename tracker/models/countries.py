"""Countries (ISO 3166 plus Kosovo) and their TIP-report tier placements."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from tracker.models.base import Base, LabelledEnum, enum_column


class Tier(LabelledEnum):
    TIER_1 = "tier_1", "Tier 1"
    TIER_2 = "tier_2", "Tier 2"
    TIER_2_WATCH_LIST = "tier_2_watch_list", "Tier 2 Watch List"
    TIER_3 = "tier_3", "Tier 3"
    SPECIAL_CASE = "special_case", "Special Case"
    NOT_RATED = "not_rated", "Not rated"


class Region(LabelledEnum):
    """The State Department regional bureau under which the TIP report lists a country."""

    AFRICA = "africa", "Africa"
    EAST_ASIA_PACIFIC = "east_asia_pacific", "East Asia and Pacific"
    EUROPE = "europe", "Europe"
    NEAR_EAST = "near_east", "Near East"
    SOUTH_CENTRAL_ASIA = "south_central_asia", "South and Central Asia"
    WESTERN_HEMISPHERE = "western_hemisphere", "Western Hemisphere"


class Country(Base):
    __tablename__ = "countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    iso2: Mapped[str] = mapped_column(sa.String(2), unique=True)
    iso3: Mapped[str] = mapped_column(sa.String(3), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), index=True)
    #: None for the territories the TIP report does not cover (see countries/data/README.md).
    region: Mapped[Region | None] = mapped_column(enum_column(Region, "region"))

    tier_placements: WriteOnlyMapped[TierPlacement] = relationship(
        back_populates="country", order_by="TierPlacement.year"
    )

    def __repr__(self) -> str:
        return f"<Country {self.iso3} {self.name}>"


class TierPlacement(Base):
    """The tier a TIP report of one year gave a country."""

    __tablename__ = "tier_placements"
    __table_args__ = (
        sa.UniqueConstraint("country_id", "year"),
        sa.CheckConstraint("year BETWEEN 2001 AND 2100", name="report_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(sa.ForeignKey("countries.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(index=True)
    tier: Mapped[Tier] = mapped_column(enum_column(Tier, "tier"))

    country: Mapped[Country] = relationship(back_populates="tier_placements", lazy="raise_on_sql")

    def __repr__(self) -> str:
        return f"<TierPlacement {self.country_id} {self.year} {self.tier}>"
