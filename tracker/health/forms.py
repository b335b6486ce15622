"""The health page's filters (the lists' own scope filters) and its breakdown, read from the query string."""

from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import Optional

from tracker.delegations.scope import ScopeFilterForm, scope_fields
from tracker.forms import options
from tracker.health.figures import Dimension


class HealthFilterForm(ScopeFilterForm):
    country, tier, region, year = scope_fields()
    by = SelectField("Break down by", choices=options(Dimension.choices()), validators=[Optional()])

    #: Fields that arrange the page rather than filter it.
    SETTINGS = ("by",)

    @property
    def dimension(self) -> Dimension:
        return Dimension(self.value("by") or Dimension.YEAR)
