"""Form pieces shared by every domain."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from markupsafe import Markup, escape
from sqlalchemy import ColumnElement
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, HiddenField, IntegerField, SubmitField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from tracker.saving import Conflict, find_conflict, seal, unseal


def options(*groups: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """A select's options from (value, label) pairs, group after group."""
    return [SelectChoice(value, label) for group in groups for value, label in group]


class LongSelect(widgets.Select):
    """A select of many options (every country), written as WTForms writes it, each plain option in one format: its
    attribute sorting and escaping per option took 4.5 ms for the country filter's 250, now 1."""

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        selected, label = " selected" if choice.selected else "", escape(choice.label or choice.value)
        return Markup(f'<option{selected} value="{escape(choice.value)}">{label}</option>')


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
        """A filter's value, or None when it is empty or invalid (an invalid filter is shown, not applied).

        Blank counts as empty, as for the Optional validator, which stops a select's check of its choices on blank
        text: "?status=%20" reached RequestStatus(" ") and raised."""
        field = self[name]
        blank = isinstance(field.data, str) and not field.data.strip()
        return None if field.errors or blank or field.data is None else field.data

    @property
    def page_number(self) -> int:
        return self.value("page") or 1

    @property
    def cursor_after(self) -> str | None:
        """The Next link's cursor (tracker.pagination reads it: one it did not write shows the first page)."""
        return request.args.get("after")

    @property
    def cursor_before(self) -> str | None:
        """The Previous link's cursor."""
        return request.args.get("before")


class VersionedForm(FlaskForm):
    """An edit form that carries the version of the record it was opened on and, sealed, the record's values
    then, so that a save made on an old version is refused with what changed meanwhile (see tracker.saving)."""

    version = HiddenField()
    opened = HiddenField()

    #: Fields that are not values of the record.
    _NOT_VALUES = frozenset({"csrf_token", "version", "opened", "submit"})

    def fill_from(self, record: Any) -> None:
        """Set the fields whose value in the form is not the record's attribute as it is (None → 0, …)."""

    def open_on(self, record: Any, values: Mapping[str, str]) -> None:
        """Fill the form from the record as it is now and remember its version and ``values`` (what a person reads,
        tracker.saving)."""
        self.fill_from(record)
        self._remember(record, values)

    def is_stale(self, record: Any) -> bool:
        """True when someone saved the record after this form was opened."""
        return self.version.data != str(record.version)

    def conflict_with(
        self, record: Any, values: Mapping[str, str], saved_by: Sequence[ColumnElement[bool]] = ()
    ) -> Conflict:
        """What changed since the form was opened; the form is then opened on the record as it is now.

        A three-way merge of the fields: those the person changed keep what they typed; those they left alone take
        the value saved meanwhile, so that saving again, having seen the changes, overwrites nothing they did not
        mean to (only a field both people changed is theirs to decide)."""
        opened = unseal(self.opened.data)
        typed = self._sent()
        for value_field in self._value_fields():
            value_field.process(None, data=getattr(record, value_field.name, None))
            value_field.raw_data = None  # else a date field goes on showing what was typed
        self.fill_from(record)
        self._remember(record, values)
        for name, sent in typed.items():
            if opened is None or opened.sent.get(name) != sent:
                self[name].process(MultiDict([(name, value) for value in sent]))
        return find_conflict(opened, values, saved_by)

    def _value_fields(self) -> list[Field]:
        return [value_field for value_field in self if value_field.name not in self._NOT_VALUES]

    def _sent(self) -> dict[str, list[str]]:
        """What a browser sends back for each field as the form is now (the same text for the same value)."""
        return {value_field.name: _sent_value(value_field) for value_field in self._value_fields()}

    def _remember(self, record: Any, values: Mapping[str, str]) -> None:
        self.version.data = str(record.version)
        self.opened.data = seal(values, self._sent())


def _sent_value(value_field: Field) -> list[str]:
    if isinstance(value_field, BooleanField):
        return ["y"] if value_field.data else []
    if hasattr(value_field, "_value"):  # text and dates: as written in the page, or as typed
        text = value_field._value()
    else:
        text = "" if value_field.data is None else str(value_field.data)
    return [text.replace("\r\n", "\n")]  # browsers send a textarea's line breaks as CRLF


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
