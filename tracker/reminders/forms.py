"""Forms of the reminder screens: a person's preferences, the centre's policy, pausing, the mail log's filters."""

from __future__ import annotations

import calendar
from datetime import time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.auth.services import staff_choices
from tracker.forms import FilterForm, options
from tracker.models import OutboxStatus, ReminderPolicy, Tier, User
from tracker.models.reminders import MAIL_KIND_LABELS
from tracker.reminders.policy import Cadence

CENTRE_ZONE = ""
ISO_WEEKDAYS = [(str(number), calendar.day_name[number - 1]) for number in range(1, 8)]
MAX_CHECK_IN_DAYS = 730


class CheckboxesField(SelectMultipleField):
    """Checkboxes for a set of values: one sent twice (a browser sends each once) counts once; kept twice, eight
    working days overflowed the column (an error on PostgreSQL)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(list(dict.fromkeys(valuelist)))


class PreferencesForm(FlaskForm):
    time_zone = SelectField("Time zone", description="Reminders arrive in your working hours in this zone.")
    work_starts = TimeField("Working day starts", validators=[InputRequired()])
    work_ends = TimeField("Working day ends", validators=[InputRequired()])
    working_days = CheckboxesField("Working days", choices=options(ISO_WEEKDAYS))
    wants_due_soon = BooleanField("Due soon: a few days before a request of mine falls due")
    wants_due_today = BooleanField("Due today")
    wants_overdue = BooleanField("Overdue: the day after, then weekly while it stays open")
    wants_follow_ups = BooleanField("Follow-up due: a check-in with one of my delegations")
    wants_escalations = BooleanField("Long-overdue requests of anyone (admins only)")
    wants_digest = BooleanField("Weekly digest of what I owe")
    digest_weekday = SelectField("Digest day", coerce=int, choices=options(enumerate(calendar.day_name)))
    digest_time = TimeField("Digest time", validators=[InputRequired()])

    def __init__(self, centre_zone: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = options(
            [(CENTRE_ZONE, f"The centre's zone ({centre_zone})")], ((zone, zone) for zone in _zones())
        )

    def validate_work_ends(self, field: TimeField) -> None:
        if field.data and self.work_starts.data and field.data <= self.work_starts.data:
            raise ValidationError("The working day must end after it starts.")

    def validate_working_days(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError("Choose at least one working day, or reminders would never reach you.")

    def load(self, user: User) -> None:
        self.process(obj=user)
        self.time_zone.data = user.time_zone or CENTRE_ZONE
        self.working_days.data = list(user.working_days)

    def save_to(self, user: User) -> None:
        user.time_zone = self.time_zone.data or None
        user.work_starts = self.work_starts.data
        user.work_ends = self.work_ends.data
        user.working_days = "".join(sorted(self.working_days.data))
        for name in ("due_soon", "due_today", "overdue", "follow_ups", "escalations", "digest"):
            setattr(user, f"wants_{name}", self[f"wants_{name}"].data)
        user.digest_weekday = self.digest_weekday.data
        user.digest_time = self.digest_time.data or time(8, 0)


@cache
def _zones() -> tuple[str, ...]:
    """Region/City zones, read from the zone database once per process (it walks a directory tree)."""
    return tuple(
        sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))
    )


def _days(label: str, maximum: int) -> IntegerField:
    return IntegerField(label, validators=[InputRequired(), NumberRange(min=1, max=maximum)])


class PolicyForm(FlaskForm):
    due_soon_days = _days("“Due soon” this many days before the due date", 60)
    overdue_repeat_days = _days("Repeat “overdue” every … days", 60)
    escalate_after_days = _days("Tell admins once a request is this many days overdue", 365)
    follow_up_offsets = StringField(
        "Check-ins after a visit ends (days)",
        validators=[DataRequired(), Length(max=100)],
        description="Comma-separated, e.g. 14, 90, 180.",
    )
    follow_up_repeat_days = _days("Repeat “follow-up due” every … days until a contact is logged", 60)

    def validate_follow_up_offsets(self, field: StringField) -> None:
        parts = [part.strip() for part in (field.data or "").split(",") if part.strip()]
        if not parts or not all(part.isdigit() for part in parts):
            raise ValidationError("Give whole numbers of days separated by commas, e.g. 14, 90, 180.")
        days = [int(part) for part in parts]
        if len(set(days)) != len(days) or not all(1 <= day <= MAX_CHECK_IN_DAYS for day in days):
            raise ValidationError(f"Each check-in is a different day between 1 and {MAX_CHECK_IN_DAYS}.")
        field.data = ", ".join(str(day) for day in sorted(days))

    def cadence_fields(self) -> list[tuple[Tier, Any, Any]]:
        return [(tier, self[f"ideal_{tier.value}"], self[f"max_{tier.value}"]) for tier in Tier]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for tier, ideal, maximum in self.cadence_fields():
            if ideal.data and maximum.data and maximum.data < ideal.data:
                maximum.errors.append(f"{tier.label}: the maximum cannot be shorter than the ideal interval.")
                valid = False
        return valid

    def load(self, policy: ReminderPolicy, cadences: dict[Tier, Cadence]) -> None:
        self.process(obj=policy)
        self.follow_up_offsets.data = ", ".join(str(day) for day in policy.offsets)
        for tier, ideal, maximum in self.cadence_fields():
            ideal.data, maximum.data = cadences[tier].ideal_days, cadences[tier].max_days

    def cadences(self) -> dict[Tier, Cadence]:
        return {tier: Cadence(ideal.data, maximum.data) for tier, ideal, maximum in self.cadence_fields()}


for _tier in Tier:
    setattr(PolicyForm, f"ideal_{_tier.value}", _days(f"{_tier.label}: ideal days between contacts", 365))
    setattr(PolicyForm, f"max_{_tier.value}", _days(f"{_tier.label}: losing touch after (days)", MAX_CHECK_IN_DAYS))


class PauseForm(FlaskForm):
    reason = TextAreaField(
        "Why pause reminders?",
        validators=[DataRequired(message="Say why, so that colleagues know."), Length(max=500)],
        description="Shown to every colleague while reminders are paused.",
    )


class TestMailForm(FlaskForm):
    to = StringField("Send a test message to", validators=[DataRequired(), Email(), Length(max=254)])


class FollowUpFilterForm(FilterForm):
    liaison = SelectField("Liaison", coerce=str, validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        self.liaison.choices = options([("", "Anyone")], ((str(i), name) for i, name in staff_choices()))
        return super().validate(extra_validators)


class MailFilterForm(FilterForm):
    status = SelectField(
        "Status", choices=options([("", "Any status")], OutboxStatus.choices()), validators=[Optional()]
    )
    kind = SelectField("Kind", choices=options([("", "Any kind")], MAIL_KIND_LABELS.items()), validators=[Optional()])
    recipient = StringField("Recipient contains", validators=[Optional(), Length(max=254)])
