"""Staff screens for materials: add one to a request (upload, link, or reuse from the library), share or hide it,
add a version, download it; the library with who received which version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from tracker.auth.access import acting_user
from tracker.exports.tables import MATERIALS
from tracker.exports.web import table_download
from tracker.extensions import db
from tracker.materials import bp
from tracker.materials.filetypes import download_name
from tracker.materials.forms import LibraryFilterForm, LinkForm, ReuseForm, UploadForm, VersionForm, VisibilityForm
from tracker.materials.queries import deliveries, downloads_by_version, versions_received, with_current_version
from tracker.materials.services import (
    AlreadyAttached,
    UploadedFile,
    add_version,
    attach_from_library,
    attachments_with_requests,
    create_material,
    delegations_holding,
    set_visibility,
)
from tracker.materials.storage import UploadRefused, discard, megabytes, path_of, store
from tracker.models import Delegation, InfoRequest, Material, MaterialVersion, RequestMaterial, Visibility
from tracker.pagination import paginate


def _now() -> datetime:
    return datetime.now(UTC)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """Werkzeug refuses an oversized upload before any view runs (even CSRF): say what the limit is."""
    limit = megabytes(current_app.config["MAX_UPLOAD_BYTES"])
    message = f"The file is larger than {limit}, the most the tracker accepts. Nothing was saved."
    return render_template("errors.html", code=413, title="File too large", message=message), 413


def _load_request(request_id: int) -> InfoRequest:
    return db.first_or_404(
        select(InfoRequest)
        .where(InfoRequest.id == request_id)
        .options(joinedload(InfoRequest.delegation).joinedload(Delegation.country),
                 joinedload(InfoRequest.delegation).joinedload(Delegation.visit))
    )


def _library_choices(request_id: int) -> list[tuple[int, str]]:
    """Materials this request does not have yet, by title."""
    attached = select(RequestMaterial.material_id).where(RequestMaterial.request_id == request_id)
    rows = db.session.execute(
        select(Material.id, Material.title).where(Material.id.not_in(attached)).order_by(Material.title, Material.id)
    )
    return [(material_id, title) for material_id, title in rows]


def request_panel(info_request: InfoRequest) -> dict[str, Any]:
    """What the request page's Materials section shows: every attachment with its receipts and feedback."""
    return {"deliveries": deliveries(RequestMaterial.request_id == info_request.id, with_receipts=True)}


def _render_add(info_request: InfoRequest, status: int = 200, **forms: Any) -> tuple[str, int]:
    forms.setdefault("upload_form", UploadForm(prefix="upload", formdata=None))
    forms.setdefault("link_form", LinkForm(prefix="link", formdata=None))
    forms.setdefault("reuse_form", ReuseForm(_library_choices(info_request.id), prefix="reuse", formdata=None))
    limit = megabytes(current_app.config["MAX_UPLOAD_BYTES"])
    return render_template("materials/add.html", info_request=info_request, limit=limit, **forms), status


def _to_request(info_request: InfoRequest) -> Response:
    return redirect(url_for("info_requests.detail", request_id=info_request.id, _anchor="materials"))


@bp.get("/requests/<int:request_id>/materials/new")
def add(request_id: int) -> tuple[str, int]:
    """Offer the three ways to add a material to a request."""
    return _render_add(_load_request(request_id))


def _upload(form: UploadForm | VersionForm) -> UploadedFile | None:
    """Store the form's file, or put the reason it was refused on the form."""
    upload = form.file.data
    try:
        stored = store(upload)
    except UploadRefused as error:
        form.file.errors = [*form.file.errors, str(error)]
        return None
    return UploadedFile(stored, (upload.filename or "file").strip()[:255])


@bp.post("/requests/<int:request_id>/materials/upload")
def upload(request_id: int) -> Response | tuple[str, int]:
    """Upload a file as a new material of this request."""
    info_request = _load_request(request_id)
    form = UploadForm(prefix="upload")
    if form.validate_on_submit() and (uploaded := _upload(form)):
        try:
            create_material(info_request, form.fields(default_title=uploaded.filename), uploaded, acting_user(),
                            _now())
            db.session.commit()
        except Exception:
            db.session.rollback()
            discard(uploaded.stored.stored_name)
            raise
        flash("Material uploaded.", "success")
        return _to_request(info_request)
    return _render_add(info_request, 400, upload_form=form)


@bp.post("/requests/<int:request_id>/materials/link")
def link(request_id: int) -> Response | tuple[str, int]:
    """Add a web link as a new material of this request."""
    info_request = _load_request(request_id)
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        create_material(info_request, form.fields(), form.url.data.strip(), acting_user(), _now())
        db.session.commit()
        flash("Link added.", "success")
        return _to_request(info_request)
    return _render_add(info_request, 400, link_form=form)


@bp.post("/requests/<int:request_id>/materials/reuse")
def reuse(request_id: int) -> Response | tuple[str, int]:
    """Attach a material from the library (already delivered elsewhere, say) to this request."""
    info_request = _load_request(request_id)
    form = ReuseForm(_library_choices(request_id), prefix="reuse")
    if form.validate_on_submit():
        material = db.get_or_404(Material, form.material_id.data)
        try:
            attach_from_library(info_request, material, Visibility(form.visibility.data), acting_user(), _now())
        except AlreadyAttached as error:
            db.session.rollback()
            form.material_id.errors = [str(error)]
        else:
            db.session.commit()
            flash("Material attached.", "success")
            return _to_request(info_request)
    return _render_add(info_request, 400, reuse_form=form)


@bp.post("/requests/<int:request_id>/materials/<int:attachment_id>/visibility")
def visibility(request_id: int, attachment_id: int) -> Response:
    """Share a material with the delegation, or make it internal again."""
    info_request = _load_request(request_id)
    attachment = db.first_or_404(
        select(RequestMaterial).where(RequestMaterial.id == attachment_id, RequestMaterial.request_id == request_id)
    )
    form = VisibilityForm()
    if not form.validate_on_submit():
        flash("Choose whether the material is shared or internal.", "error")
        return _to_request(info_request)
    material = db.session.get_one(Material, attachment.material_id)
    target = Visibility(form.visibility.data)
    if set_visibility(attachment, info_request, material, target, acting_user(), _now()):
        db.session.commit()
        flash(f"“{material.title}” is now {'shared with the delegation' if attachment.is_shared else 'internal'}.",
              "success")
    return _to_request(info_request)


def _library_criteria(filters: LibraryFilterForm) -> list[ColumnElement[bool]]:
    text = filters.value("q")
    return [Material.title.icontains(text, autoescape=True)] if text else []


@bp.get("/materials/", endpoint="list")
def library() -> str:
    """The library: every material with its current version."""
    filters = LibraryFilterForm()
    query = with_current_version(select(Material, MaterialVersion)).where(*_library_criteria(filters))
    page = paginate(query, (Material.title, Material.id), filters)
    return render_template("materials/list.html", page=page, filters=filters)


@bp.get("/materials/export.csv")
def export() -> Response:
    """Download every material the library lists with the same filter, as CSV."""
    return table_download("materials", MATERIALS, *_library_criteria(LibraryFilterForm()))


def _load_material(material_id: int) -> Material:
    return db.get_or_404(Material, material_id)


@bp.get("/materials/<int:material_id>")
def detail(material_id: int) -> str:
    """A material's versions, and each delegation it went to: which versions it received, who downloaded what."""
    material = _load_material(material_id)
    versions = db.session.scalars(
        select(MaterialVersion)
        .where(MaterialVersion.material_id == material_id)
        .options(joinedload(MaterialVersion.created_by))
        .order_by(MaterialVersion.number.desc())
    ).all()
    requests = {
        info_request.id: info_request
        for info_request in db.session.scalars(
            select(InfoRequest)
            .join(RequestMaterial, RequestMaterial.request_id == InfoRequest.id)
            .where(RequestMaterial.material_id == material_id)
            .options(joinedload(InfoRequest.delegation).joinedload(Delegation.country),
                     joinedload(InfoRequest.delegation).joinedload(Delegation.visit))
        )
    }
    attachments = [attachment for attachment, _ in attachments_with_requests(material_id)]
    return render_template(
        "materials/detail.html",
        material=material,
        versions=versions,
        attachments=attachments,
        requests=requests,
        received={attachment.id: versions_received(list(versions), attachment) for attachment in attachments},
        receipts=downloads_by_version(material_id),
    )


@bp.route("/materials/<int:material_id>/versions/new", methods=["GET", "POST"])
def new_version(material_id: int) -> str | Response | tuple[str, int]:
    """Add a version; say which delegations had received an older one."""
    material = _load_material(material_id)
    current = db.session.scalars(
        select(MaterialVersion).where(MaterialVersion.material_id == material_id)
        .order_by(MaterialVersion.number.desc()).limit(1)
    ).one()
    form = VersionForm(current.is_link)
    if form.validate_on_submit():
        source = form.url.data.strip() if current.is_link else _upload(form)
        if source:
            add_version(material, source, (form.note.data or "").strip(), acting_user(), _now(),
                        announce=form.announce.data)
            db.session.commit()
            holders = delegations_holding(material_id)
            flash(f"Version {current.number + 1} saved. " + (
                f"Delegations that received an earlier version: {', '.join(holders)}." if holders
                else "No delegation had received an earlier version."), "success")
            return redirect(url_for("materials.detail", material_id=material_id, _anchor="deliveries"))
    status = 400 if form.is_submitted() else 200
    return render_template("materials/version_form.html", material=material, current=current, form=form,
                           limit=megabytes(current_app.config["MAX_UPLOAD_BYTES"])), status


def send_version(version: MaterialVersion) -> Response:
    """A file as an attachment under its original name (never shown inline), or a redirect to a link."""
    if version.url is not None:
        return redirect(version.url)
    assert version.stored_name and version.content_type
    path = path_of(version.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=version.content_type,
        as_attachment=True,
        download_name=download_name(version.filename or "material", version.content_type),
        max_age=0,
    )


@bp.get("/materials/versions/<int:version_id>/download")
def download(version_id: int) -> Response:
    """Download any version of a material (staff; delegates download through the portal)."""
    return send_version(db.get_or_404(MaterialVersion, version_id))
