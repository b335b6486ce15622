"""A visit's roster import: upload the partner's CSV, see what every row would do, then confirm (the file travels
back in the confirmation form, signed for this visit: see tracker.csv_import)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from tracker.auth.access import acting_user
from tracker.csv_import import CsvFileError, ImportRefused, pack, unpack
from tracker.delegations.services import DuplicateError
from tracker.extensions import db
from tracker.forms import ConfirmImportForm
from tracker.models import Visit
from tracker.visits import bp
from tracker.visits.forms import RosterUploadForm
from tracker.visits.roster import MAX_ROSTER_BYTES, RosterPreview, apply_roster, preview_roster


def _purpose(visit: Visit) -> str:
    """A preview of one visit's roster cannot be confirmed into another visit."""
    return f"roster:{visit.id}"


@bp.route("/<int:visit_id>/roster", methods=["GET", "POST"])
def roster_import(visit_id: int) -> str:
    """Upload a roster and preview, row by row, what importing it into this visit would do."""
    visit = db.get_or_404(Visit, visit_id)
    form = RosterUploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            preview = preview_roster(data, visit, acting_user())
        except CsvFileError as error:
            form.file.errors.append(str(error))
        else:
            packed = {"packed": pack(data, _purpose(visit)), "filename": form.file.data.filename or "roster.csv"}
            return _preview_page(visit, preview, ConfirmImportForm(formdata=None, data=packed))
    return render_template("visits/roster_upload.html", visit=visit, form=form)


@bp.post("/<int:visit_id>/roster/confirm")
def roster_confirm(visit_id: int) -> str | Response:
    """Add the previewed delegates: all of them, or the valid rows when asked to skip the others."""
    visit = db.get_or_404(Visit, visit_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return _start_again(visit, "The confirmation was incomplete.")
    try:
        preview = _read_again(visit, form)
    except ValueError as error:  # only a tampered or truncated form gets here (CsvFileError is a ValueError)
        return _start_again(visit, f"The roster could not be read again ({error}).")
    try:
        added = apply_roster(preview, visit, acting_user(), skip_invalid=form.skip_invalid.data)
        db.session.commit()
    except ImportRefused as error:
        db.session.rollback()
        flash(f"{error} Tick the box to import the other rows, or correct the file.", "error")
        return _preview_page(visit, preview, form)
    except (DuplicateError, IntegrityError):
        db.session.rollback()
        flash("Someone changed this visit's delegates meanwhile. Here is the preview against them now.", "error")
        return _preview_page(visit, _read_again(visit, form), form)
    created = f", in {len(preview.new_countries)} new delegation(s)" if preview.new_countries else ""
    flash(f"Imported {form.filename.data}: {added} delegate(s) added{created}.", "success")
    return redirect(url_for("visits.detail", visit_id=visit.id))


def _read_again(visit: Visit, form: ConfirmImportForm) -> RosterPreview:
    return preview_roster(unpack(form.packed.data, _purpose(visit), MAX_ROSTER_BYTES), visit, acting_user())


def _preview_page(visit: Visit, preview: RosterPreview, confirm: ConfirmImportForm) -> str:
    return render_template("visits/roster_preview.html", visit=visit, preview=preview, form=confirm)


def _start_again(visit: Visit, message: str) -> str:
    flash(f"{message} Upload the file again.", "error")
    return render_template("visits/roster_upload.html", visit=visit, form=RosterUploadForm(formdata=None))
