"""Hostile input for the tests: text that has broken web apps, whole submissions of a form (Hypothesis strategies),
and the check that a refusal changed nothing."""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import date
from io import BytesIO

from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from tests.html import Form, FormField
from tests.state import differences, fingerprint

#: Text that has broken web apps: empty, blank, NUL, numbers out of range, impossible dates, markup, formulas,
#: paths, bidirectional overrides, very long text.
HOSTILE_TEXTS = [
    "", " ", "\x00", "a\x00b", "\r\n", "0", "-1", "2147483648", str(2**63), str(10**30), "1e309", "NaN", "-0",
    "0001-01-01", "9999-12-31", "2026-02-30", "0000-00-00", "25:61", "'; DROP TABLE visits; --",
    "<script>alert(1)</script>", '=HYPERLINK("https://evil.example")', "../../etc/passwd", "%00", "\u202eevil",
    "😀" * 50, "x" * 20_001, "None", "null", "[]", "{}",
]
texts = st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE_TEXTS), st.integers().map(str))
#: Files: bytes of no known kind, or small files of the kinds the app reads (a PDF, a CSV table of tiers).
FILES = [b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
         b"country,tier,year\nMoldova,Tier 2,2016\nChad,3,2016\n"]
file_names = st.one_of(st.sampled_from(["report.pdf", "", "../../x.csv", "a\x00.pdf", "Отчёт.docx", "x" * 300]),
                       st.text(max_size=20))
uploads = st.tuples(st.one_of(st.sampled_from(FILES), st.binary(max_size=3_000)), file_names)


def plausible(control: FormField) -> st.SearchStrategy[str]:
    """A value a person could give: the one the page shows, one of the options, or one of the control's kind."""
    if control.options:
        return st.sampled_from(control.options)
    if control.value or control.kind == "hidden":
        return st.just(control.value)
    return {
        "date": st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31)).map(date.isoformat),
        "number": st.integers(min_value=1990, max_value=2100).map(str),
        "email": st.emails(),
        "time": st.times().map(lambda t: t.strftime("%H:%M")),
    }.get(control.kind, st.text(alphabet=string.ascii_letters + " éü-'", min_size=1, max_size=40))


def hostile(control: FormField) -> st.SearchStrategy[str]:
    """Anything at all, or a value of the control's kind from far out (year 1, year 9999, 2**70)."""
    far = {
        "date": st.dates().map(date.isoformat),
        "number": st.integers(min_value=-(2**70), max_value=2**70).map(str),
    }
    return st.one_of(texts, far.get(control.kind, texts))


@st.composite
def submissions(draw: st.DrawFn, form: Form) -> MultiDict[str, object]:
    """A whole submission of a form: its CSRF token (if it has one) as given, a plausible value in every control but
    a few, which get hostile values or are left out; one of its buttons pressed, or none."""
    sent: list[tuple[str, object]] = [(c.name, c.value) for c in form.fields if c.name.endswith("csrf_token")]
    groups: dict[str, list[FormField]] = {}
    for control in form.fields:
        if not control.name.endswith("csrf_token") and control.kind != "submit":
            groups.setdefault(control.name, []).append(control)
    disturbed = draw(st.sets(st.sampled_from(sorted(groups)), max_size=3)) if groups else set()
    for name, controls in groups.items():
        first, spoiled = controls[0], name in disturbed
        if first.kind == "file":
            content, file_name = draw(uploads if spoiled else st.tuples(st.sampled_from(FILES), st.just("table.csv")))
            values: list[object] = [(BytesIO(content), file_name)]
        elif first.kind in ("checkbox", "radio"):  # a group: some of its values, or others
            group = FormField(name, first.kind, options=[control.value for control in controls])
            values = draw(st.lists(hostile(group) if spoiled else plausible(group), max_size=len(controls) + 1))
        else:
            values = [draw(hostile(first))] if spoiled else [draw(plausible(first))]
        if spoiled and draw(st.booleans()):
            values = []  # left out
        sent.extend((name, value) for value in values)
    buttons = [(control.name, control.value) for control in form.fields if control.kind == "submit"]
    if buttons and draw(st.booleans()):
        sent.append(draw(st.sampled_from(buttons)))
    return MultiDict(sent)


#: What a page shows when it refuses a form: a field's error, an error message, an edit conflict.
REFUSAL_MARKS = ('class="error"', "flash-error", 'class="conflict"')


def is_refusal(response: TestResponse) -> bool:
    page = response.get_data(as_text=True)
    return response.status_code >= 400 or (response.status_code == 200 and any(m in page for m in REFUSAL_MARKS))


#: Tables that record an attempt itself, which a refused request may write to: the audit log (a failed
#: sign-in is audited, and counted from there for per-account throttling).
RECORDS_OF_ATTEMPTS = frozenset({"audit_entries"})


def refusal_changes_nothing(act: Callable[[], bool]) -> None:
    """Run ``act`` (one request, form or import; it says whether it was refused): if refused, the database must
    be as it was before."""
    before = fingerprint(leave_out=RECORDS_OF_ATTEMPTS)
    if act():
        after = fingerprint(leave_out=RECORDS_OF_ATTEMPTS)
        assert after == before, f"refused, yet changed: {differences(before, after)}"
