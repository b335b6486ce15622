"""Which delegations a list or a figure covers: by visit year, tier at the visit, region and country.

The delegations and requests lists, their CSV exports and the follow-up health page narrow by the same four
filters, written once here, so that a chart's bar and the list it links to count the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from tracker.forms import FilterForm, LongSelect, options
from tracker.models import Country, Delegation, Region, Tier, Visit


@dataclass(frozen=True)
class DelegationScope:
    #: Visits that began in this year.
    year: int | None = None
    #: The delegation's tier snapshot (its country's tier as of the visit).
    tier: Tier | None = None
    region: Region | None = None
    country_id: int | None = None

    def criteria(self) -> list[ColumnElement[bool]]:
        """WHERE conditions on ``Visit``, ``Delegation`` and ``Country``, which the query must join."""
        found: list[ColumnElement[bool]] = []
        if self.year is not None:
            found += [Visit.starts_on >= date(self.year, 1, 1), Visit.starts_on < date(self.year + 1, 1, 1)]
        if self.tier is not None:
            found.append(Delegation.tier == self.tier)
        if self.region is not None:
            found.append(Country.region == self.region)
        if self.country_id is not None:
            found.append(Delegation.country_id == self.country_id)
        return found

    def arguments(self) -> dict[str, Any]:
        """The list filters' query arguments that select the same delegations."""
        values = {"year": self.year, "tier": self.tier, "region": self.region, "country": self.country_id}
        return {name: str(value) for name, value in values.items() if value is not None}


def scope_fields() -> tuple[SelectField, SelectField, SelectField, IntegerField]:
    """The country, tier, region and year filters of a ``ScopeFilterForm``, declared where the form wants them
    (a form shows its fields in the order they were created)."""
    return (
        SelectField("Country", coerce=str, validators=[Optional()], widget=LongSelect()),
        SelectField("Tier at visit", choices=options([("", "Any tier")], Tier.choices()), validators=[Optional()]),
        SelectField("Region", choices=options([("", "Any region")], Region.choices()), validators=[Optional()]),
        IntegerField("Visit year", validators=[Optional(), NumberRange(min=1990, max=2100)]),
    )


class ScopeFilterForm(FilterForm):
    """A list filter that narrows by delegation (``DelegationScope``); subclasses declare
    ``country, tier, region, year = scope_fields()``."""

    country: SelectField
    tier: SelectField
    region: SelectField
    year: IntegerField

    def validate(self, extra_validators: object = None) -> bool:
        # Here, not at the top: the countries package imports the lists that import this module.
        from tracker.countries.services import country_choices

        self.country.choices = options([("", "Any country")], ((str(i), name) for i, name in country_choices()))
        return super().validate(extra_validators)

    def scope(self) -> DelegationScope:
        country, tier, region = self.value("country"), self.value("tier"), self.value("region")
        return DelegationScope(
            year=self.value("year"),
            tier=Tier(tier) if tier else None,
            region=Region(region) if region else None,
            country_id=int(country) if country else None,
        )
