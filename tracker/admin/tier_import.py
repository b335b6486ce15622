"""Tier import in the admin area: upload a CSV, see what every row would do, then confirm (the file travels
back in the confirmation form: see tracker.csv_import)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from tracker.admin import bp
from tracker.admin.forms import MAX_TIER_FILE_BYTES, TierConfirmForm, TierImportSettings, TierUploadForm
from tracker.auth.access import acting_user, admin_only
from tracker.countries.imports import TierImport, apply_import, preview_import
from tracker.countries.tier_values import describe
from tracker.csv_import import CsvFileError, ImportRefused, pack, unpack
from tracker.extensions import db

#: What a packed tier file is signed for: it cannot be confirmed as another kind of import.
PURPOSE = "tiers"


@bp.route("/tiers/import", methods=["GET", "POST"])
@admin_only
def tier_import() -> str:
    """Upload a tier table and preview, row by row, what importing it would do."""
    form = TierUploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            preview = preview_import(data, form.year.data, form.chosen_numbering())
        except CsvFileError as error:
            form.file.errors.append(str(error))
        else:
            confirm = TierConfirmForm(formdata=None, data=_settings(form))
            confirm.packed.data, confirm.filename.data = pack(data, PURPOSE), form.file.data.filename or "upload.csv"
            return _preview_page(preview, confirm)
    return render_template("admin/tier_import.html", form=form)


@bp.post("/tiers/import/confirm")
@admin_only
def tier_import_confirm() -> str | Response:
    """Import the previewed file: all of it, or the valid rows when asked to skip the others."""
    form = TierConfirmForm()
    if not form.validate_on_submit():
        return _start_again("The confirmation was incomplete.", form)
    try:
        preview = _read_again(form)
    except ValueError as error:  # only a tampered or truncated form gets here (CsvFileError is a ValueError)
        return _start_again(f"The import could not be read again ({error}).", form)
    try:
        result = apply_import(preview, acting_user(), skip_invalid=form.skip_invalid.data)
        db.session.commit()
    except ImportRefused as error:
        db.session.rollback()
        flash(f"{error} Tick the box to import the other rows, or correct the file.", "error")
        return _preview_page(preview, form)
    except IntegrityError:
        db.session.rollback()
        flash("Another import changed the tier history meanwhile. Here is the preview against it now.", "error")
        return _preview_page(_read_again(form), form)
    message = f"Imported {form.filename.data}: {preview.summary()}."
    if result.moves:
        message += f" {len(result.moves)} tier change(s) recorded on {result.recorded} active delegation timeline(s)."
    flash(message, "success")
    return redirect(url_for("admin.tier_import"))


def _read_again(form: TierConfirmForm) -> TierImport:
    data = unpack(form.packed.data, PURPOSE, MAX_TIER_FILE_BYTES)
    return preview_import(data, form.year.data, form.chosen_numbering())


def _settings(form: TierImportSettings) -> dict[str, object]:
    return {"year": form.year.data, "numbering": form.numbering.data}


def _preview_page(preview: TierImport, confirm: TierConfirmForm) -> str:
    return render_template(
        "admin/tier_import_preview.html", preview=preview, form=confirm, numbering=describe(preview.numbering)
    )


def _start_again(message: str, settings: TierImportSettings) -> str:
    flash(f"{message} Upload the file again.", "error")
    return render_template("admin/tier_import.html", form=TierUploadForm(formdata=None, data=_settings(settings)))
