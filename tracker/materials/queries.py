"""Reading materials: the current version of each, a request's attachments, and who received what."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import (
    Material,
    MaterialDownload,
    MaterialFeedback,
    MaterialVersion,
    RequestMaterial,
    Visibility,
)


def current_versions() -> Any:
    """(material_id, number) of each material's highest version, to join against."""
    return (
        select(MaterialVersion.material_id, func.max(MaterialVersion.number).label("number"))
        .group_by(MaterialVersion.material_id)
        .subquery()
    )


def with_current_version(query: Select[Any]) -> Select[Any]:
    """Add the material's current version to a query that selects from ``Material``."""
    latest = current_versions()
    return query.join(latest, latest.c.material_id == Material.id).join(
        MaterialVersion,
        (MaterialVersion.material_id == Material.id) & (MaterialVersion.number == latest.c.number),
    )


@dataclass
class Delivery:
    """An attachment as a page shows it: the material, its current version, receipts and feedback."""

    attachment: RequestMaterial
    material: Material
    version: MaterialVersion
    downloads: list[MaterialDownload] = field(default_factory=list)
    feedback: list[MaterialFeedback] = field(default_factory=list)


def deliveries(*criteria: Any, shared_only: bool = False, with_receipts: bool = False) -> list[Delivery]:
    """Attachments matching ``criteria``, in three queries at most whatever their number."""
    query = with_current_version(
        select(RequestMaterial, Material, MaterialVersion).join(Material, Material.id == RequestMaterial.material_id)
    ).where(*criteria)
    if shared_only:
        query = query.where(RequestMaterial.visibility == Visibility.SHARED)
    rows = db.session.execute(query.order_by(RequestMaterial.attached_at, RequestMaterial.id)).all()
    found = [Delivery(attachment, material, version) for attachment, material, version in rows]
    if with_receipts and found:
        by_id = {delivery.attachment.id: delivery for delivery in found}
        _add_receipts(by_id)
    return found


def _add_receipts(by_id: dict[int, Delivery]) -> None:
    downloads = db.session.scalars(
        select(MaterialDownload)
        .where(MaterialDownload.request_material_id.in_(by_id))
        .options(joinedload(MaterialDownload.delegate), joinedload(MaterialDownload.version))
        .order_by(MaterialDownload.downloaded_at.desc())
    )
    for download in downloads:
        by_id[download.request_material_id].downloads.append(download)
    feedback = db.session.scalars(
        select(MaterialFeedback)
        .where(MaterialFeedback.request_material_id.in_(by_id))
        .options(joinedload(MaterialFeedback.delegate))
        .order_by(MaterialFeedback.updated_at.desc())
    )
    for item in feedback:
        by_id[item.request_material_id].feedback.append(item)


def versions_received(versions: list[MaterialVersion], attachment: RequestMaterial) -> list[int]:
    """The version numbers a delegation received: each one that was current while the attachment was shared.

    Sharing is tracked from ``shared_at`` (the last time it was shared); a material made internal again is
    counted as not received from then on.
    """
    if not attachment.is_shared or attachment.shared_at is None:
        return []
    ordered = sorted(versions, key=lambda version: version.number)
    received = []
    for version, successor in zip(ordered, [*ordered[1:], None]):
        if successor is None or successor.created_at > attachment.shared_at:
            received.append(version.number)
    return received


def downloads_by_version(material_id: int) -> dict[int, list[MaterialDownload]]:
    """Every receipt of a material, by delivery: who downloaded which version, when."""
    grouped: dict[int, list[MaterialDownload]] = defaultdict(list)
    receipts = db.session.scalars(
        select(MaterialDownload)
        .join(RequestMaterial, RequestMaterial.id == MaterialDownload.request_material_id)
        .where(RequestMaterial.material_id == material_id)
        .options(joinedload(MaterialDownload.delegate), joinedload(MaterialDownload.version))
        .order_by(MaterialDownload.downloaded_at.desc())
    )
    for receipt in receipts:
        grouped[receipt.request_material_id].append(receipt)
    return grouped
