from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from tracker.auth.services import staff_choices
from tracker.clock import today
from tracker.countries.services import country_choices
from tracker.delegations.scope import ScopeFilterForm, scope_fields
from tracker.delegations.services import ContactFields, DelegateFields, DelegationFields, NeedFields
from tracker.forms import VersionedForm, options
from tracker.languages import language_choices
from tracker.models import ContactChannel, Delegation, DelegationStatus, NeedCategory, Tier

#: The tier select's first option: take the tier from the bundled TIP-report history.
TIER_FROM_HISTORY = ""
NO_COUNTRY = 0


class DelegationForm(VersionedForm):
    country_id = SelectField(
        "Country", coerce=int, validators=[NumberRange(min=1, message="Choose the delegation's country.")]
    )
    liaison_id = SelectField("Staff liaison", coerce=int, validators=[InputRequired()])
    tier = SelectField(
        "Tier at visit",
        choices=options([(TIER_FROM_HISTORY, "From the TIP report history")], Tier.choices()),
        description="Filled from the latest TIP report up to the visit's year; choose a tier to set it by hand.",
    )
    status = SelectField("Status", choices=options(DelegationStatus.choices()), default=DelegationStatus.ACTIVE.value)
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10_000)])
    submit = SubmitField("Save delegation")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country_id.choices = options([(NO_COUNTRY, "— choose a country —")], country_choices())
        self.liaison_id.choices = options(staff_choices())

    def fill_from(self, delegation: Delegation) -> None:
        self.tier.data = delegation.tier.value if delegation.tier else TIER_FROM_HISTORY
        self.status.data = delegation.status.value

    def fields(self) -> DelegationFields:
        return DelegationFields(
            country_id=self.country_id.data,
            liaison_id=self.liaison_id.data,
            status=DelegationStatus(self.status.data),
            notes=(self.notes.data or "").strip(),
            tier=None if self.tier.data == TIER_FROM_HISTORY else Tier(self.tier.data),
        )


class DelegateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    title = StringField("Title or position", validators=[Optional(), Length(max=200)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    email = EmailField("Email", validators=[Optional(), Length(max=254), Email(check_deliverability=False)])
    preferred_language = SelectField("Preferred language", default="en")
    submit = SubmitField("Save delegate")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.preferred_language.choices = options(language_choices())

    def fields(self) -> DelegateFields:
        return DelegateFields(
            name=self.name.data.strip(),
            title=(self.title.data or "").strip(),
            organisation=(self.organisation.data or "").strip(),
            email=(self.email.data or "").strip().lower() or None,
            preferred_language=self.preferred_language.data,
        )


class NeedForm(FlaskForm):
    category = SelectField("Category", choices=options(NeedCategory.choices()))
    description = TextAreaField(
        "What they said they need", validators=[DataRequired(), Length(max=5_000)]
    )
    submit = SubmitField("Save need")

    def fields(self) -> NeedFields:
        return NeedFields(category=NeedCategory(self.category.data), description=self.description.data.strip())


class ContactForm(FlaskForm):
    contacted_on = DateField("Date of contact", validators=[InputRequired(message="Give the date of the contact.")])
    channel = SelectField("Channel", choices=options(ContactChannel.choices()))
    summary = TextAreaField("Summary", validators=[DataRequired(), Length(max=10_000)])
    submit = SubmitField("Log contact")

    def validate_contacted_on(self, field: DateField) -> None:
        if field.data and field.data > today():
            raise ValidationError("A contact cannot be logged for a future date.")

    def fields(self) -> ContactFields:
        return ContactFields(
            contacted_on=self.contacted_on.data,
            channel=ContactChannel(self.channel.data),
            summary=self.summary.data.strip(),
        )


class DelegationFilterForm(ScopeFilterForm):
    country, tier, region, year = scope_fields()
    status = SelectField(
        "Status", choices=options([("", "Any status")], DelegationStatus.choices()), validators=[Optional()]
    )
    no_contact_days = IntegerField(
        "No contact for (days)",
        validators=[Optional(), NumberRange(min=1, max=3650)],
        description="No contact logged, nor a visit ended, in this many days.",
    )
