"""Tier import in the admin area: upload a CSV, see what every row would do, then confirm.

Nothing is kept on the server between the preview and the confirmation: the file travels back in the
confirmation form, compressed, and is read again from scratch, so a deployment with several web hosts
needs no shared storage and the import applies to the database as it is when confirmed.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from flask import flash, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from tracker.admin import bp
from tracker.admin.forms import MAX_TIER_FILE_BYTES, TierConfirmForm, TierImportSettings, TierUploadForm
from tracker.auth.access import acting_user, admin_only
from tracker.countries.imports import ImportRefused, TierImport, apply_import, preview_import
from tracker.countries.tier_files import TierFileError
from tracker.countries.tier_values import describe
from tracker.extensions import db


def pack(data: bytes) -> str:
    """The file as form-safe text, compressed so that even a large table stays a small form field."""
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def unpack(text: str) -> bytes:
    """The file back; ValueError for anything that is not a packed file of at most the upload limit."""
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(text, validate=True), MAX_TIER_FILE_BYTES + 1)
    except (binascii.Error, zlib.error) as error:
        raise ValueError("the file sent back is damaged") from error
    if len(data) > MAX_TIER_FILE_BYTES or inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("the file sent back is damaged")
    return data


@bp.route("/tiers/import", methods=["GET", "POST"])
@admin_only
def tier_import() -> str:
    """Upload a tier table and preview, row by row, what importing it would do."""
    form = TierUploadForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            preview = preview_import(data, form.year.data, form.chosen_numbering())
        except TierFileError as error:
            form.file.errors.append(str(error))
        else:
            confirm = TierConfirmForm(formdata=None, data=_settings(form))
            confirm.packed.data, confirm.filename.data = pack(data), form.file.data.filename or "upload.csv"
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
    except (ValueError, TierFileError) as error:  # only a tampered or truncated form gets here
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
    return preview_import(unpack(form.packed.data), form.year.data, form.chosen_numbering())


def _settings(form: TierImportSettings) -> dict[str, object]:
    return {"year": form.year.data, "numbering": form.numbering.data}


def _preview_page(preview: TierImport, confirm: TierConfirmForm) -> str:
    return render_template(
        "admin/tier_import_preview.html", preview=preview, form=confirm, numbering=describe(preview.numbering)
    )


def _start_again(message: str, settings: TierImportSettings) -> str:
    flash(f"{message} Upload the file again.", "error")
    return render_template("admin/tier_import.html", form=TierUploadForm(formdata=None, data=_settings(settings)))
