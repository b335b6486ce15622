"""Materials: one library of files and links, each with versions, attached to requests as internal or shared."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, CreatedAtMixin, LabelledEnum, enum_column, utcnow
from tracker.models.requests import InfoRequest
from tracker.models.users import User
from tracker.models.visits import NO_LAZY_SQL, Delegate


class Material(CreatedAtMixin, Base):
    """A document or link in the centre's library; the same material can be delivered to many delegations."""

    __tablename__ = "materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL)

    def __repr__(self) -> str:
        return f"<Material {self.id} {self.title!r}>"


class MaterialVersion(CreatedAtMixin, Base):
    """One version of a material: an uploaded file (stored under a random name) or a link."""

    __tablename__ = "material_versions"
    __table_args__ = (
        sa.UniqueConstraint("material_id", "number"),
        sa.CheckConstraint("(stored_name IS NULL) <> (url IS NULL)", name="file_or_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(sa.ForeignKey("materials.id", ondelete="CASCADE"))
    #: 1, 2, 3…: delegates always get the highest.
    number: Mapped[int]
    #: Random file name under TRACKER_UPLOAD_DIR; None for a link.
    stored_name: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: The name the file had on the uploader's computer, any script; offered again on download.
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    #: Detected from the content, never taken from the browser.
    content_type: Mapped[str | None] = mapped_column(sa.String(120))
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    #: What changed in this version, for staff.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    material: Mapped[Material] = relationship(lazy=NO_LAZY_SQL)
    created_by: Mapped[User | None] = relationship(lazy=NO_LAZY_SQL)

    def __repr__(self) -> str:
        return f"<MaterialVersion {self.material_id} v{self.number}>"

    @property
    def is_link(self) -> bool:
        return self.url is not None


class Visibility(LabelledEnum):
    INTERNAL = "internal", "Internal (staff only)"
    SHARED = "shared", "Shared with the delegation"


class RequestMaterial(Base):
    """A material attached to a request; a shared one is a delivery the delegation sees in the portal."""

    __tablename__ = "request_materials"
    __table_args__ = (sa.UniqueConstraint("request_id", "material_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("information_requests.id", ondelete="CASCADE"))
    material_id: Mapped[int] = mapped_column(sa.ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility, "visibility"), default=Visibility.INTERNAL)
    #: When it was last made visible to the delegation (None while internal).
    shared_at: Mapped[datetime | None]
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)
    attached_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    request: Mapped[InfoRequest] = relationship(lazy=NO_LAZY_SQL)
    material: Mapped[Material] = relationship(lazy=NO_LAZY_SQL)

    def __repr__(self) -> str:
        return f"<RequestMaterial request={self.request_id} material={self.material_id} {self.visibility}>"

    @property
    def is_shared(self) -> bool:
        return self.visibility is Visibility.SHARED


class MaterialDownload(Base):
    """A receipt: this delegate downloaded (or opened) this version of a delivered material."""

    __tablename__ = "material_downloads"
    __table_args__ = (sa.Index("ix_material_downloads_delivery", "request_material_id", "downloaded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_material_id: Mapped[int] = mapped_column(sa.ForeignKey("request_materials.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("material_versions.id", ondelete="CASCADE"), index=True)
    delegate_id: Mapped[int] = mapped_column(sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True)
    downloaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    version: Mapped[MaterialVersion] = relationship(lazy=NO_LAZY_SQL)
    delegate: Mapped[Delegate] = relationship(lazy=NO_LAZY_SQL)


class Verdict(LabelledEnum):
    RECEIVED = "received", "Received"
    USEFUL = "useful", "Useful"
    NEED_MORE = "need_more", "Need more"


class MaterialFeedback(Base):
    """A delegate's word on a delivered material; one per delegate and delivery, changed in place."""

    __tablename__ = "material_feedback"
    __table_args__ = (sa.UniqueConstraint("request_material_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_material_id: Mapped[int] = mapped_column(sa.ForeignKey("request_materials.id", ondelete="CASCADE"))
    delegate_id: Mapped[int] = mapped_column(sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict, "verdict"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    delegate: Mapped[Delegate] = relationship(lazy=NO_LAZY_SQL)
