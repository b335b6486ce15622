"""The portal's forms; every label and message is translated (lazy, so it follows the page's language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from tracker.forms import options
from tracker.models import Verdict
from tracker.portal.languages import PORTAL_LANGUAGES
from tracker.portal.wording import VERDICTS

#: The "about" choice for a question that is a new request rather than about an existing one.
NEW_REQUEST = 0


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


class LinkRequestForm(FlaskForm):
    email = EmailField(_l("Your email address"), filters=[_stripped], validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254),
        Email(_l("Enter a valid email address."), check_deliverability=False),
    ])
    submit = SubmitField(_l("Email me a sign-in link"))


class SignInForm(FlaskForm):
    submit = SubmitField(_l("Sign in"))


class SignOutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))
    everywhere = SubmitField(_l("Sign out on every device"))


class LanguageForm(FlaskForm):
    """The switcher: one button per language, and the page to come back to."""

    language = SelectField(choices=options(PORTAL_LANGUAGES.items()))
    next = HiddenField()


class AskForm(FlaskForm):
    delegation_id = SelectField(_l("Delegation"), coerce=int)
    about = SelectField(_l("About"), coerce=int, default=NEW_REQUEST)
    # No Optional(): it would stop the chain before validate_subject, which requires it for a new request.
    subject = StringField(_l("Subject"), validators=[Length(max=200)],
                          description=_l("A short title for a new request."))
    message = TextAreaField(_l("Your message"), validators=[
        DataRequired(_l("Write your question or request.")), Length(max=10_000)])
    submit = SubmitField(_l("Send"))

    def __init__(self, delegations: list[tuple[int, str]], requests: list[tuple[int, int, str]],
                 *args: object, **kwargs: object) -> None:
        """``requests``: (id, delegation id, title) of the delegate's requests, to ask about one of them."""
        super().__init__(*args, **kwargs)
        self.delegation_id.choices = options(delegations)
        self.about.choices = options([(NEW_REQUEST, _l("A new request"))],
                                     ((request_id, title) for request_id, _, title in requests))
        self.request_delegations = {request_id: delegation_id for request_id, delegation_id, _ in requests}

    def validate_subject(self, field: StringField) -> None:
        if self.about.data == NEW_REQUEST and not (field.data or "").strip():
            raise ValidationError(_l("Give your new request a short title."))

    def target_delegation(self) -> int:
        """The delegation the message goes to: the request's, when it is about one."""
        return self.request_delegations.get(self.about.data, self.delegation_id.data)


class FeedbackForm(FlaskForm):
    verdict = RadioField(_l("Your feedback"), choices=options(VERDICTS.items()),
                         validators=[InputRequired(_l("Choose one."))])
    comment = TextAreaField(_l("Anything to add? (optional)"), validators=[Optional(), Length(max=5_000)])
    submit = SubmitField(_l("Send feedback"))

    def verdict_value(self) -> Verdict:
        return Verdict(self.verdict.data)


class SummaryForm(FlaskForm):
    correction = TextAreaField(_l("What should we correct or add?"), validators=[Length(max=10_000)])
    confirm = SubmitField(_l("Yes, this is what we asked for"))
    correct = SubmitField(_l("Send my corrections"))

    def validate_correction(self, field: TextAreaField) -> None:
        if self.correct.data and not (field.data or "").strip():
            raise ValidationError(_l("Tell us what to correct or add."))


class PreferencesForm(FlaskForm):
    language = SelectField(_l("Language of the portal and of our emails"), choices=options(PORTAL_LANGUAGES.items()))
    wants_notifications = BooleanField(_l("Email me when a material is shared or a request is delivered"))
    wants_monthly_rollup = BooleanField(_l("Email me a monthly summary of our open requests"))
    submit = SubmitField(_l("Save preferences"))
