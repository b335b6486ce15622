from __future__ import annotations

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracker.auth.services import staff_choices
from tracker.clock import today
from tracker.delegations.scope import ScopeFilterForm, scope_fields
from tracker.forms import VersionedForm, options
from tracker.info_requests.services import RequestFields
from tracker.info_requests.workflow import action_label, next_statuses
from tracker.models import InfoRequest, Priority, RequestKind, RequestStatus, StatedNeed

NO_NEED = 0
#: The status filter's value for "every status in which something is still owed".
OPEN = "open"
#: The delivery filter's values.
OVERDUE, DELIVERED, ON_TIME, LATE = "overdue", "delivered", "on_time", "late"
EARLIEST_DUE = date(2000, 1, 1)


class RequestForm(VersionedForm):
    kind = SelectField("Kind", choices=options(RequestKind.choices()))
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=20_000)])
    need_id = SelectField("Stated need", coerce=int, default=NO_NEED)
    owner_id = SelectField("Owner", coerce=int, validators=[InputRequired()])
    due_on = DateField("Due on", validators=[InputRequired(message="Give the date it is due.")])
    priority = SelectField("Priority", choices=options(Priority.choices()), default=Priority.NORMAL.value)
    submit = SubmitField("Save request")

    def __init__(self, needs: list[StatedNeed], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.need_id.choices = options(
            [(NO_NEED, "— not linked to a need —")],
            ((need.id, f"{need.category.label}: {need.description[:80]}") for need in needs),
        )
        self.owner_id.choices = options(staff_choices())

    def fill_from(self, info_request: InfoRequest) -> None:
        self.need_id.data = info_request.need_id or NO_NEED
        self.kind.data = info_request.kind.value
        self.priority.data = info_request.priority.value

    def validate_due_on(self, field: DateField) -> None:
        if field.data and not EARLIEST_DUE <= field.data <= today() + timedelta(days=3660):
            raise ValidationError("Give a due date between 2000 and ten years from now.")

    def fields(self) -> RequestFields:
        return RequestFields(
            kind=RequestKind(self.kind.data),
            title=self.title.data.strip(),
            description=(self.description.data or "").strip(),
            need_id=None if self.need_id.data == NO_NEED else self.need_id.data,
            owner_id=self.owner_id.data,
            due_on=self.due_on.data,
            priority=Priority(self.priority.data),
        )


class StatusForm(VersionedForm):
    status = SelectField("New status")
    reason = TextAreaField(
        "Reason",
        validators=[Optional(), Length(max=5_000)],
        description="Required when the request is declined or withdrawn; shown in the timeline.",
    )
    submit = SubmitField("Change status")

    def __init__(self, info_request: InfoRequest, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        current = info_request.status
        targets = next_statuses(current)
        self.status.choices = options((target.value, action_label(current, target)) for target in targets)

    def validate(self, extra_validators: object = None) -> bool:
        """A reason is required for some targets only, which a field validator cannot see (Optional stops it)."""
        valid = super().validate(extra_validators)
        needs_reason = self.status.data in (RequestStatus.DECLINED, RequestStatus.WITHDRAWN)
        if needs_reason and not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, "Say why the request is declined or withdrawn."]
            return False
        return valid


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired(), Length(max=10_000)])
    shared_with_delegation = BooleanField(
        "Visible to the delegation", description="The delegation's delegates see it in the portal."
    )
    submit = SubmitField("Add comment")


class RemindersForm(VersionedForm):
    snoozed_until = DateField(
        "Snooze reminders until", validators=[Optional()], description="No automatic reminder before this day."
    )
    reminders_off = BooleanField("No automatic reminders for this request")
    submit = SubmitField("Save reminder settings")

    def validate_snoozed_until(self, field: DateField) -> None:
        if field.data and not today() < field.data <= today() + timedelta(days=366):
            raise ValidationError("Snooze until a day after today, within a year.")


class RequestFilterForm(ScopeFilterForm):
    owner = SelectField("Owner", coerce=str, validators=[Optional()])
    status = SelectField(
        "Status",
        choices=options([("", "Any status"), (OPEN, "Open (new, in progress, waiting)")], RequestStatus.choices()),
        validators=[Optional()],
        default=OPEN,  # what staff look for; "Any status" is one choice away
    )
    kind = SelectField("Kind", choices=options([("", "Any kind")], RequestKind.choices()), validators=[Optional()])
    due_from = DateField("Due from", validators=[Optional()])
    due_to = DateField("Due until", validators=[Optional()])
    q = StringField("Title contains", validators=[Optional(), Length(max=200)])
    delivery = SelectField(
        "Delivery",
        choices=options(
            [("", "Any"), (OVERDUE, "Overdue now"), (DELIVERED, "Delivered"), (ON_TIME, "Delivered on time"),
             (LATE, "Delivered late")]
        ),
        validators=[Optional()],
        description="Overdue: owed and past due. On time: by the due date.",
    )
    overdue_on = DateField(
        "Overdue on", validators=[Optional()], description="Past due and not delivered on that day."
    )
    country, tier, region, year = scope_fields()

    def validate(self, extra_validators: object = None) -> bool:
        self.owner.choices = options([("", "Anyone")], ((str(i), name) for i, name in staff_choices()))
        return super().validate(extra_validators)

    def validate_overdue_on(self, field: DateField) -> None:
        """What was overdue on a day is known up to today (and a day past the calendar's end raised)."""
        if field.data and field.data > today():
            raise ValidationError("Choose a day no later than today.")

    def validate_delivery(self, field: SelectField) -> None:
        if field.data in (DELIVERED, ON_TIME, LATE) and self.status.data == OPEN:
            raise ValidationError("Delivered requests are not open: choose “Any status” to see them.")

    def validate_due_to(self, field: DateField) -> None:
        if field.data and self.due_from.data and field.data < self.due_from.data:
            raise ValidationError("The end of the range is before its start.")
