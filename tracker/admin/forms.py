"""The admin area's forms: the tier import's upload and its confirmation, the audit log's filters, erasure."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from tracker.clock import today
from tracker.countries.tier_values import Numbering
from tracker.forms import ConfirmImportForm, FilterForm, csv_upload_field, options
from tracker.models import AuditAction

#: A year of the report is some 200 rows (8 kB); the whole history since 2001 stays far below this.
MAX_TIER_FILE_BYTES = 2 * 1024 * 1024
DETECT = ""


class TierImportSettings(FlaskForm):
    """What the upload and its confirmation share: the year and how to read numbers."""

    year = IntegerField(
        "Report year",
        validators=[Optional(), NumberRange(min=1990, max=2100)],
        description="For a file without a year column (a table of one report). Leave empty if the file has one.",
    )
    numbering = SelectField(
        "Numeric tiers",
        choices=options(
            [(DETECT, "Detect from the file (the report's numbering unless it uses 4)")],
            [(Numbering.REPORT.value, "The report's: 1, 2, 2.5 = Watch List, 3, 666 = Special Case, 555 = not rated")],
            [(Numbering.ORDINAL.value, "Ordinal (Scorecard Diplomacy): 1, 2, 3 = Watch List, 4 = Tier 3")],
        ),
    )  # no Optional(): it would let " " through as "no choice", and Numbering(" ") raised

    def chosen_numbering(self) -> Numbering | None:
        return Numbering(self.numbering.data) if self.numbering.data else None


class TierUploadForm(TierImportSettings):
    file = csv_upload_field(
        MAX_TIER_FILE_BYTES,
        "The file is larger than a tier table can be (2 MB).",
        "A header row naming a country column (name or ISO alpha-3 code), a tier column and, "
        "unless you give the year below, a year column.",
    )
    submit = SubmitField("Preview the import")


class TierConfirmForm(TierImportSettings, ConfirmImportForm):
    """The confirmation, with the settings the file was previewed with."""


#: The kinds of thing audit entries name, for the filter.
AUDIT_TARGETS = [("user", "A user"), ("delegate", "A delegate"), ("delegation", "A delegation"),
                 ("export", "An export"), ("tier history", "The tier history")]


class AuditFilterForm(FilterForm):
    action = SelectField("Action", choices=options([("", "Any action")], AuditAction.choices()),
                         validators=[Optional()])
    actor = StringField("Who (email contains)", validators=[Optional(), Length(max=254)])
    target_kind = SelectField("Concerning", choices=options([("", "Anything")], AUDIT_TARGETS), validators=[Optional()])
    target_id = IntegerField("Its id", validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def validate_since(self, field: DateField) -> None:
        _within_the_log(field)

    def validate_until(self, field: DateField) -> None:
        _within_the_log(field)
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end comes before the start.")


def _within_the_log(field: DateField) -> None:
    """The log starts with the tracker and ends today (a day past the calendar's end raised)."""
    if field.data and not date(2000, 1, 1) <= field.data <= today():
        raise ValidationError("Give a date between 2000 and today.")


class EraseForm(FlaskForm):
    """Erasure is confirmed by typing a word, not by a single click."""

    confirmation = StringField(
        "Type ERASE to confirm", validators=[DataRequired(message="Type ERASE to confirm."), Length(max=20)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField("Erase this delegate's personal data")

    def validate_confirmation(self, field: StringField) -> None:
        if (field.data or "").strip() != "ERASE":
            raise ValidationError("Type ERASE, in capitals, to confirm.")
