"""The admin area's forms: the tier import's upload and its confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from tracker.countries.tier_values import Numbering
from tracker.forms import options

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
    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileSize(MAX_TIER_FILE_BYTES, message="The file is larger than a tier table can be (2 MB)."),
        ],
        description="A header row naming a country column (name or ISO alpha-3 code), a tier column and, "
        "unless you give the year below, a year column.",
    )
    submit = SubmitField("Preview the import")


class TierConfirmForm(TierImportSettings):
    """Carries the uploaded file back, packed (see tier_import.pack), so that confirming needs no server state."""

    packed = HiddenField(validators=[DataRequired()])
    filename = HiddenField()
    skip_invalid = BooleanField("Import the other rows and skip those that cannot be imported")
    submit = SubmitField("Import")
