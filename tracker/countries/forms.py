"""The comparison page's filters and sorting, read from the query string."""

from __future__ import annotations

from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from tracker.countries.comparison import Scope
from tracker.countries.table import BY_KEY, COLUMNS, DEFAULT_SORT, Column
from tracker.forms import FilterForm, options
from tracker.models import Region, Tier

ASCENDING, DESCENDING = "asc", "desc"


class ComparisonFilterForm(FilterForm):
    region = SelectField("Region", choices=options([("", "Any region")], Region.choices()), validators=[Optional()])
    tier = SelectField(
        "Tier",
        choices=options([("", "Any tier")], Tier.choices()),
        validators=[Optional()],
        description="The country's tier in the report year shown above the table.",
    )
    year = IntegerField(
        "Year",
        validators=[Optional(), NumberRange(min=1990, max=2100)],
        description="Only visits that began in this year, and tiers from the report in force that year.",
    )
    sort = SelectField("Sort by", choices=options((c.key, c.heading) for c in COLUMNS), validators=[Optional()])
    order = SelectField(
        "Order", choices=options([(ASCENDING, "Ascending"), (DESCENDING, "Descending")]), validators=[Optional()]
    )

    #: Fields that arrange the table rather than filter it.
    SETTINGS = ("sort", "order")

    def scope(self) -> Scope:
        region, tier = self.value("region"), self.value("tier")
        return Scope(
            region=Region(region) if region else None,
            tier=Tier(tier) if tier else None,
            year=self.value("year"),
        )

    @property
    def sort_key(self) -> str:
        return self.value("sort") or DEFAULT_SORT

    @property
    def sort_column(self) -> Column:
        return BY_KEY[self.sort_key]

    @property
    def descending(self) -> bool:
        return self.value("order") == DESCENDING
