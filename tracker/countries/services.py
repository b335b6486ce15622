"""Countries and their tier history, as other domains need them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.health.summary_version import kept_until_changed
from tracker.models import Country, Tier, TierPlacement


def country_choices() -> list[tuple[int, str]]:
    # Tuples, not 250 Country entities loaded for every filter form (2 ms).
    return [(country_id, name) for country_id, name in db.session.execute(select(Country.id, Country.name)
                                                                           .order_by(Country.name))]


def report_year_for(year: int | None) -> int | None:
    """The TIP report in force in ``year`` (the latest not after it), or the latest report of all."""
    query = select(func.max(TierPlacement.year))
    if year is not None:
        query = query.where(TierPlacement.year <= year)
    return db.session.scalar(query)


def tier_as_of(country_id: int, on: date) -> tuple[Tier | None, int | None]:
    """The country's tier in the latest report year not after ``on``, and that year.

    The year is the latest report in the history (for any country), not this country's latest row:
    a country the report did not rate that year gets no tier rather than an older one.
    """
    report_year = report_year_for(on.year)
    if report_year is None:
        return None, None
    tier = db.session.scalar(
        select(TierPlacement.tier).where(TierPlacement.country_id == country_id, TierPlacement.year == report_year)
    )
    return tier, (report_year if tier is not None else None)


def tier_histories(country_ids: Iterable[int]) -> dict[int, dict[int, Tier]]:
    """Each country's placements by report year, for several countries in one query."""
    histories: dict[int, dict[int, Tier]] = {country_id: {} for country_id in country_ids}
    if histories:
        # Plain rows, not ORM ones, fetched at once: thousands for the comparison of every hosted country.
        for country_id, year, tier in db.session.connection().execute(
            select(TierPlacement.country_id, TierPlacement.year, TierPlacement.tier).where(
                TierPlacement.country_id.in_(histories)
            )
        ).all():
            histories[country_id][year] = tier
    return histories


#: ``tier_histories`` kept until the placements change (``tracker.health.summary_version``): the tier grid reads
#: every hosted country's, thousands of rows. Given a tuple of ids.
kept_tier_histories = kept_until_changed(tier_histories)
