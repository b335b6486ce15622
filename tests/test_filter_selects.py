"""The filter forms' selects are written by ``QuickSelect`` (tracker/forms.py): the same HTML as WTForms' own."""

from __future__ import annotations

import pytest
from flask import Flask
from wtforms import SelectField
from wtforms.widgets import Select

from tracker.delegations.scope import ScopeFilterForm
from tracker.forms import QUICK_SELECT, FilterForm, options


def _filter_forms() -> list[type[FilterForm]]:
    found, waiting = [], list(FilterForm.__subclasses__())
    while waiting:
        form = waiting.pop()
        if form.__module__.startswith("tracker.") and form is not ScopeFilterForm:  # a base, with no fields
            found.append(form)
        waiting += form.__subclasses__()
    return sorted(found, key=lambda form: form.__name__)


def _selects(form: FilterForm) -> list[SelectField]:
    return [field for field in form if isinstance(field, SelectField) and field.widget is QUICK_SELECT]


@pytest.mark.parametrize("query", ["", "?status=delivered&kind=data&region=europe&tier=tier_2&country=1&sort=name"])
def test_every_filter_forms_selects_are_written_as_wtforms_writes_them(app: Flask, query: str) -> None:
    written = 0
    with app.test_request_context(f"/{query}"):
        for form_class in _filter_forms():
            form = form_class()
            for field in _selects(form):
                for attributes in ({}, {"aria-describedby": "x-help x-error", "aria-invalid": "true"}):
                    assert QUICK_SELECT(field, **attributes) == Select()(field, **attributes), (form_class, field.name)
                    written += 1
    assert written > 20  # the lists' filters were all found and compared


def test_a_selected_option_and_text_to_escape_are_written_as_wtforms_writes_them(app: Flask) -> None:
    class Form(FilterForm):
        pick = SelectField("Pick", coerce=int, choices=options([(0, "Any"), (1, 'A "quoted" <b>one</b> & more'),
                                                                 (2, "")]))
        flag = SelectField("Flag", choices=options([(True, "Yes"), (False, "No")]))

    with app.test_request_context("/?pick=1&flag=True"):
        form = Form()
        quick = QUICK_SELECT(form.pick)
        assert quick == Select()(form.pick)
        assert '<option selected value="1">A &#34;quoted&#34; &lt;b&gt;one&lt;/b&gt; &amp; more</option>' in quick
        assert QUICK_SELECT(form.flag) == Select()(form.flag)
        assert '<option selected value="True">Yes</option>' in QUICK_SELECT(form.flag)
