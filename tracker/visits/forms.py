from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from tracker.auth.services import staff_choices
from tracker.forms import FilterForm, VersionedForm, csv_upload_field, options
from tracker.models import Visit
from tracker.visits.roster import MAX_ROSTER_BYTES
from tracker.visits.services import VisitFields

NO_HOST = 0


class VisitForm(VersionedForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    starts_on = DateField("Starts on", validators=[InputRequired(message="Give the first day of the visit.")])
    ends_on = DateField("Ends on", validators=[InputRequired(message="Give the last day of the visit.")])
    host_programme = StringField(
        "Host programme or partner",
        validators=[Optional(), Length(max=200)],
        description="For example the international-visitor council that brought the group.",
    )
    location = StringField("Location", validators=[Optional(), Length(max=200)])
    host_id = SelectField("Centre host", coerce=int)
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10_000)])
    submit = SubmitField("Save visit")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.host_id.choices = options([(NO_HOST, "— none —")], staff_choices())

    def fill_from(self, visit: Visit) -> None:
        self.host_id.data = visit.host_id or NO_HOST

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("The visit cannot end before it starts.")

    def fields(self) -> VisitFields:
        return VisitFields(
            title=self.title.data.strip(),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            host_programme=(self.host_programme.data or "").strip(),
            location=(self.location.data or "").strip(),
            host_id=self.host_id.data or None,
            notes=(self.notes.data or "").strip(),
        )


class VisitFilterForm(FilterForm):
    q = StringField("Title, partner or place", validators=[Optional(), Length(max=200)])
    year = IntegerField("Year", validators=[Optional(), NumberRange(min=1990, max=2100)])


class RosterUploadForm(FlaskForm):
    file = csv_upload_field(
        MAX_ROSTER_BYTES,
        "The file is larger than a roster can be (1 MB).",
        "One row per delegate, with a header row naming the columns: country (a name or an ISO code) "
        "and name (or first and last name); title, organisation, email and languages when the partner gives them. "
        "Commas, semicolons or tabs; saved from any spreadsheet.",
        label="Roster (CSV file)",
    )
    submit = SubmitField("Preview the import")
