"""Centre staff accounts, their single-use invitation and reset links, and two-factor recovery codes."""

from __future__ import annotations

import secrets
from datetime import datetime, time

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, CreatedAtMixin, LabelledEnum, enum_column


class Role(LabelledEnum):
    ADMIN = "admin", "Admin"
    STAFF = "staff", "Staff"
    VIEWER = "viewer", "Viewer"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, CreatedAtMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased so that sign-in and uniqueness ignore case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    #: None until an invited person sets a password with their invitation link.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: What the session cookie carries instead of the id; rotating it signs out every session.
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    last_sign_in_at: Mapped[datetime | None]
    #: Base32 TOTP secret; two-factor sign-in is on once ``totp_enabled_at`` is set (a secret alone is an
    #: enrolment not yet confirmed with a code).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(32))
    totp_enabled_at: Mapped[datetime | None]
    #: The 30-second time step of the last code accepted: a code is refused in the step it was used (replay).
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)

    # Reminder preferences (SPEC §4): when and which reminders reach this person.
    #: An IANA zone; None means the centre's zone.
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    work_starts: Mapped[time] = mapped_column(default=time(8, 0))
    work_ends: Mapped[time] = mapped_column(default=time(18, 0))
    #: ISO weekday digits of working days, Monday = 1 ("12345").
    working_days: Mapped[str] = mapped_column(sa.String(7), default="12345")
    wants_due_soon: Mapped[bool] = mapped_column(default=True)
    wants_due_today: Mapped[bool] = mapped_column(default=True)
    wants_overdue: Mapped[bool] = mapped_column(default=True)
    wants_follow_ups: Mapped[bool] = mapped_column(default=True)
    wants_escalations: Mapped[bool] = mapped_column(default=True)
    wants_digest: Mapped[bool] = mapped_column(default=True)
    #: Monday = 0, as Python's ``date.weekday()``.
    digest_weekday: Mapped[int] = mapped_column(default=0)
    digest_time: Mapped[time] = mapped_column(default=time(8, 0))
    #: SHA-256 of the secret in the user's calendar feed URL (tracker/calendar_feed); None: no feed.
    calendar_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in for inactive users
        return self.is_enabled

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def has_accepted(self) -> bool:
        """False while an invitation waits: the person has not set a password yet."""
        return self.password_hash is not None

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()


class AccountLinkPurpose(LabelledEnum):
    INVITATION = "invitation", "Invitation"
    PASSWORD_RESET = "password_reset", "Password reset"


class SingleUseLink(CreatedAtMixin):
    """The columns of a link that works once, until it expires (``tracker.single_use`` spends it)."""

    #: SHA-256 of the token in the link: a copy of the database opens nothing.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: The staff member who issued it, if any.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class AccountLink(SingleUseLink, Base):
    """A single-use link to set a password: an invitation, or a reset asked for on the sign-in page."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[AccountLinkPurpose] = mapped_column(enum_column(AccountLinkPurpose, "account_link_purpose"))

    def __repr__(self) -> str:
        return f"<AccountLink {self.id} {self.purpose} user={self.user_id}>"


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app (a lost phone); stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[datetime | None]
