"""Forms for materials: upload a file, add a link, reuse one from the library, add a version, share or hide."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, ValidationError

from tracker.forms import FilterForm, options
from tracker.materials.filetypes import ALLOWED_DESCRIPTION
from tracker.materials.services import NewMaterial
from tracker.models import Visibility

NO_MATERIAL = 0


def _check_link(form: FlaskForm, field: StringField) -> None:
    """Only web links: a ``javascript:`` or ``file:`` URL must never reach a delegate's browser."""
    parts = urlsplit((field.data or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("Give a web address starting with https:// or http://.")


def _visibility_field() -> SelectField:
    return SelectField(
        "Who sees it", choices=options(Visibility.choices()), default=Visibility.INTERNAL.value,
        description="Shared materials appear in the delegation's portal, and its delegates are told by email.",
    )


class _MaterialFields(FlaskForm):
    title = StringField("Title", validators=[Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5_000)])
    visibility = _visibility_field()

    def fields(self, default_title: str = "") -> NewMaterial:
        return NewMaterial(
            title=(self.title.data or "").strip() or default_title,
            description=(self.description.data or "").strip(),
            visibility=Visibility(self.visibility.data),
        )


class UploadForm(_MaterialFields):
    file = FileField("File", validators=[FileRequired("Choose a file to upload.")],
                     description=f"{ALLOWED_DESCRIPTION}; the title defaults to the file's name.")
    submit = SubmitField("Upload")


class LinkForm(_MaterialFields):
    url = StringField("Web address", validators=[DataRequired(), Length(max=2000), _check_link])
    submit = SubmitField("Add link")

    def validate_title(self, field: StringField) -> None:
        if not (field.data or "").strip():
            raise ValidationError("Give the link a title.")


class ReuseForm(FlaskForm):
    material_id = SelectField("Material from the library", coerce=int,
                              validators=[NumberRange(min=1, message="Choose a material.")])
    visibility = _visibility_field()
    submit = SubmitField("Attach")

    def __init__(self, library: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.material_id.choices = options([(NO_MATERIAL, "— choose a material —")], library)


class VersionForm(FlaskForm):
    """A new version: a file for a file material, a web address for a link."""

    file = FileField("New file", description=ALLOWED_DESCRIPTION)
    url = StringField("New web address", validators=[Optional(), Length(max=2000), _check_link])
    note = TextAreaField("What changed", validators=[Optional(), Length(max=5_000)])
    announce = BooleanField("Email the delegations that have it shared", default=True)
    submit = SubmitField("Save new version")

    def __init__(self, is_link: bool, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.is_link = is_link

    def validate(self, extra_validators: object = None) -> bool:
        """A file material needs a file, a link material a web address (which one a field cannot know)."""
        valid = super().validate(extra_validators)
        if self.is_link and not (self.url.data or "").strip():
            self.url.errors = [*self.url.errors, "Give the new web address."]
            return False
        if not self.is_link and not self.file.data:
            self.file.errors = [*self.file.errors, "Choose the new file."]
            return False
        return valid


class VisibilityForm(FlaskForm):
    visibility = HiddenField(validators=[AnyOf([member.value for member in Visibility])])


class LibraryFilterForm(FilterForm):
    q = StringField("Title contains", validators=[Optional(), Length(max=200)])
