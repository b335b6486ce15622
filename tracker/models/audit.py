"""The audit log: who signed in (or failed to), changed an account, exported, imported, erased or viewed
personal details. Append-only: the app has no path that changes or deletes an entry, and a database trigger
refuses UPDATE and DELETE on the table (created by the migration, for SQLite and PostgreSQL alike).

Ids are plain numbers, not foreign keys: the log outlives what it names, and a foreign key's ``SET NULL``
would be an update. The actor's label is kept as text for the same reason. No entry holds a delegate's
name or address (erasure cannot reach this table), only their id.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.models.base import Base, LabelledEnum, enum_column, utcnow


class AuditAction(LabelledEnum):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGN_OUT = "sign_out", "Signed out"
    IDLE_SIGN_OUT = "idle_sign_out", "Signed out after inactivity"
    TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor sign-in turned on"
    TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-factor sign-in turned off"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    USER_INVITED = "user_invited", "User invited"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    ROLE_CHANGED = "role_changed", "Role changed"
    USER_DEACTIVATED = "user_deactivated", "User deactivated"
    USER_REACTIVATED = "user_reactivated", "User reactivated"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset asked for"
    PASSWORD_RESET = "password_reset", "Password reset"
    EXPORT = "export", "Export"
    IMPORT = "import", "Import"
    PERSONAL_DETAILS_VIEWED = "personal_details_viewed", "Personal details viewed"
    PERSONAL_DATA_EXPORTED = "personal_data_exported", "Personal data exported"
    DELEGATE_ERASED = "delegate_erased", "Delegate erased"


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        sa.Index("ix_audit_entries_at", "at"),
        # The per-account sign-in throttle counts recent failures for one email.
        sa.Index("ix_audit_entries_action_actor_at", "action", "actor_label", "at"),
        sa.Index("ix_audit_entries_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, "audit_action"))
    #: The staff member who acted, if any (None: the command line, the system, a delegate or a stranger).
    actor_user_id: Mapped[int | None]
    actor_delegate_id: Mapped[int | None]
    #: Who acted, as text that survives renames: a staff member's email, "command line", "Delegate #12", or
    #: for a failed sign-in the email that was tried.
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    #: What was acted on: "user", "delegate", "delegation", "tier history", "csv"…
    target_kind: Mapped[str | None] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(500))
    client_address: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} by {self.actor_label!r}>"
