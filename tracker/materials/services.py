"""The rules of materials: a library of files and links with versions, attached to requests as internal or shared.
Every change lands in the request's timeline; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from tracker import wording
from tracker.extensions import db
from tracker.materials.storage import StoredFile
from tracker.models import (
    Country,
    Delegation,
    InfoRequest,
    Material,
    MaterialVersion,
    RequestMaterial,
    TimelineKind,
    User,
    Visibility,
    Visit,
)
from tracker.portal import notices
from tracker.timeline import record


class AlreadyAttached(ValueError):
    """The request has this material already."""


@dataclass(frozen=True)
class UploadedFile:
    """A stored upload and the name it had on the uploader's computer."""

    stored: StoredFile
    filename: str


@dataclass(frozen=True)
class NewMaterial:
    title: str
    description: str
    visibility: Visibility


def _version_values(source: UploadedFile | str) -> dict[str, object]:
    """A version's columns for a file (an ``UploadedFile``) or a link (a URL)."""
    if isinstance(source, str):
        return {"url": source}
    stored = source.stored
    return {
        "stored_name": stored.stored_name,
        "filename": source.filename,
        "content_type": stored.file_type.mime_type,
        "size_bytes": stored.size_bytes,
        "sha256": stored.sha256,
    }


def create_material(
    info_request: InfoRequest, fields: NewMaterial, source: UploadedFile | str, actor: User, now: datetime
) -> RequestMaterial:
    """Add a material to the library, with its first version, and attach it to the request."""
    material = Material(title=fields.title, description=fields.description, created_by_id=actor.id, created_at=now)
    db.session.add(material)
    db.session.flush()
    version = MaterialVersion(
        material_id=material.id, number=1, created_by_id=actor.id, created_at=now, **_version_values(source)
    )
    db.session.add(version)
    return _attach(info_request, material, version, fields.visibility, actor, now, reused=False)


def attach_from_library(
    info_request: InfoRequest, material: Material, visibility: Visibility, actor: User, now: datetime
) -> RequestMaterial:
    """Deliver a material already in the library (made for another delegation, say) to this request too."""
    taken = select(RequestMaterial.id).where(
        RequestMaterial.request_id == info_request.id, RequestMaterial.material_id == material.id
    )
    if db.session.scalar(taken) is not None:
        raise AlreadyAttached("This request has that material already.")
    version = current_version(material.id)
    return _attach(info_request, material, version, visibility, actor, now, reused=True)


def _attach(
    info_request: InfoRequest, material: Material, version: MaterialVersion, visibility: Visibility, actor: User,
    now: datetime, *, reused: bool,
) -> RequestMaterial:
    attachment = RequestMaterial(
        request_id=info_request.id,
        material_id=material.id,
        visibility=visibility,
        shared_at=now if visibility is Visibility.SHARED else None,
        attached_at=now,
        attached_by_id=actor.id,
    )
    db.session.add(attachment)
    db.session.flush()
    shared = visibility is Visibility.SHARED
    summary = wording.material_attached(material.title, version.number, shared, reused)
    record(TimelineKind.MATERIAL, summary, delegation_id=info_request.delegation_id, request_id=info_request.id,
           actor=actor)
    if shared:
        notices.material_shared(attachment, info_request, material, version, now)
    return attachment


def set_visibility(
    attachment: RequestMaterial, info_request: InfoRequest, material: Material, visibility: Visibility, actor: User,
    now: datetime,
) -> bool:
    """Share a material with the delegation or make it internal again; False if it already was."""
    if attachment.visibility is visibility:
        return False
    attachment.visibility = visibility
    shared = visibility is Visibility.SHARED
    attachment.shared_at = now if shared else None
    record(TimelineKind.MATERIAL, wording.material_visibility(material.title, shared),
           delegation_id=info_request.delegation_id, request_id=info_request.id, actor=actor)
    if shared:
        notices.material_shared(attachment, info_request, material, current_version(material.id), now)
    return True


def add_version(
    material: Material, source: UploadedFile | str, note: str, actor: User, now: datetime, *, announce: bool
) -> MaterialVersion:
    """Add the next version; every request that has the material gets a timeline line, and delegations that
    have it shared hear of it when ``announce``."""
    number = (db.session.scalar(
        select(func.max(MaterialVersion.number)).where(MaterialVersion.material_id == material.id)
    ) or 0) + 1
    version = MaterialVersion(
        material_id=material.id, number=number, note=note, created_by_id=actor.id, created_at=now,
        **_version_values(source),
    )
    db.session.add(version)
    db.session.flush()
    for attachment, info_request in attachments_with_requests(material.id):
        record(TimelineKind.MATERIAL, wording.material_new_version(material.title, number),
               delegation_id=info_request.delegation_id, request_id=info_request.id, actor=actor)
        if announce and attachment.is_shared:
            notices.material_shared(attachment, info_request, material, version, now)
    return version


def current_version(material_id: int) -> MaterialVersion:
    return db.session.scalars(
        select(MaterialVersion)
        .where(MaterialVersion.material_id == material_id)
        .order_by(MaterialVersion.number.desc())
        .limit(1)
    ).one()


def attachments_with_requests(material_id: int) -> list[tuple[RequestMaterial, InfoRequest]]:
    rows = db.session.execute(
        select(RequestMaterial, InfoRequest)
        .join(InfoRequest, InfoRequest.id == RequestMaterial.request_id)
        .where(RequestMaterial.material_id == material_id)
        .order_by(RequestMaterial.id)
    ).all()
    return [(attachment, info_request) for attachment, info_request in rows]



def delegations_holding(material_id: int) -> list[str]:
    """The delegations that have the material shared, as "Country (visit)": who received its older versions."""
    rows = db.session.execute(
        select(Country.name, Visit.title)
        .select_from(RequestMaterial)
        .join(InfoRequest, InfoRequest.id == RequestMaterial.request_id)
        .join(Delegation, Delegation.id == InfoRequest.delegation_id)
        .join(Country, Country.id == Delegation.country_id)
        .join(Visit, Visit.id == Delegation.visit_id)
        .where(RequestMaterial.material_id == material_id, RequestMaterial.visibility == Visibility.SHARED)
        .distinct()
        .order_by(Country.name, Visit.title)
    )
    return [f"{country} ({visit})" for country, visit in rows]
