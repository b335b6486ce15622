"""Form pieces shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, IntegerField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional


def options(*groups: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """A select's options from (value, label) pairs, group after group."""
    return [SelectChoice(value, label) for group in groups for value, label in group]


class EmptyForm(FlaskForm):
    """A POST-only button: carries nothing but the CSRF token."""


class FilterForm(FlaskForm):
    """A GET form that filters a list: read from the query string, no CSRF, so its URLs can be shared."""

    class Meta:
        csrf = False

    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=1_000_000)])

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(request.args, **kwargs)
        self.validate()  # an invalid filter shows its error and is not applied (see value())

    def value(self, name: str) -> Any:
        """A filter's value, or None when it is empty or invalid (an invalid filter is shown, not applied)."""
        field = self[name]
        return None if field.errors or field.data in ("", None) else field.data

    @property
    def page_number(self) -> int:
        return self.value("page") or 1


class VersionedForm(FlaskForm):
    """An edit form that remembers which version of the record it was opened on."""

    version = HiddenField()

    def is_stale(self, record: Any) -> bool:
        """True when someone saved the record after this form was opened."""
        return self.version.data != str(record.version)


class ConfirmImportForm(FlaskForm):
    """An import's confirmation: carries the previewed file back, packed and signed (see tracker.csv_import), so that
    confirming needs no server state."""

    packed = HiddenField(validators=[DataRequired()])
    filename = HiddenField()
    skip_invalid = BooleanField("Import the other rows and skip those that cannot be imported")
    submit = SubmitField("Import")


def csv_upload_field(max_bytes: int, too_large: str, description: str, label: str = "CSV file") -> FileField:
    """An import's file: required, and refused with ``too_large`` above ``max_bytes``."""
    return FileField(
        label,
        validators=[FileRequired("Choose a CSV file."), FileSize(max_bytes, message=too_large)],
        description=description,
    )
