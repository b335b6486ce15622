"""Staff accounts: creation, invitations, sign-in checks and throttling, passwords, roles and deactivation, shared
by the views and the command line. Services flush and write the audit log; the caller commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from tracker import audit, single_use
from tracker.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from tracker.extensions import db
from tracker.models import AccountLink, AccountLinkPurpose, AuditAction, AuditEntry, Role, User
from tracker.single_use import spend_link, usable_link

#: How long a link to set a password works: an invitation waits in an inbox; a reset is used at once.
LINK_LIFETIME = {
    AccountLinkPurpose.INVITATION: timedelta(days=7),
    AccountLinkPurpose.PASSWORD_RESET: timedelta(hours=1),
}
#: At most this many reset links per account per hour: nobody can flood a colleague's inbox.
RESETS_PER_HOUR = 3


class AccountError(ValueError):
    """Input that cannot make or change an account; the message is meant for the person who typed it, and
    ``field`` names what they should correct (a form shows the message beside that field)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(str(error), "email") from error


def check_password(password: str, *, email: str, name: str) -> None:
    if problem := password_problem(password, email=email, name=name):
        raise AccountError(problem, "password")


def _new_account(email: str, name: str, role: Role) -> User:
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise AccountError("A name is required.", "name")
    if len(name) > 120:
        raise AccountError("The name must be at most 120 characters.", "name")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"An account with the email {email} already exists.", "email")
    return User(email=email, name=name, role=role)


def create_user(email: str, name: str, role: Role, password: str) -> User:
    """Add an account with a password (flushed, not committed); refuse a taken email or a weak password."""
    user = _new_account(email, name, role)
    check_password(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def invite_user(email: str, name: str, role: Role, actor: User, now: datetime) -> tuple[User, str, AccountLink]:
    """Add an account without a password and a 7-day link to set one; the caller mails the link."""
    user = _new_account(email, name, role)
    db.session.add(user)
    db.session.flush()
    token, link = issue_link(user, AccountLinkPurpose.INVITATION, now, actor)
    audit.record(AuditAction.USER_INVITED, f"Invited {user.email} as {role.label.lower()}", user=actor,
                 target_kind="user", target_id=user.id)
    return user, token, link


def issue_link(user: User, purpose: AccountLinkPurpose, now: datetime,
               created_by: User | None = None) -> tuple[str, AccountLink]:
    return single_use.issue_link(AccountLink, LINK_LIFETIME[purpose], now, created_by, user_id=user.id,
                                 purpose=purpose)


def reset_link_for(email: str, now: datetime) -> tuple[User, str, AccountLink] | None:
    """A password-reset link for the active account with this address, unless it has had too many this hour."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower(), User.is_enabled))
    if user is None:
        return None
    recent = single_use.links_since(AccountLink, now - timedelta(hours=1), AccountLink.user_id == user.id,
                                    AccountLink.purpose == AccountLinkPurpose.PASSWORD_RESET)
    if recent >= RESETS_PER_HOUR:
        return None
    token, link = issue_link(user, AccountLinkPurpose.PASSWORD_RESET, now)
    audit.record(AuditAction.PASSWORD_RESET_REQUESTED, "A reset link was sent", label=user.email,
                 target_kind="user", target_id=user.id)
    return user, token, link


def pending_link(token: str, now: datetime) -> tuple[AccountLink, User] | None:
    """The usable link a token names and its account, for the page that asks for the new password."""
    link = usable_link(AccountLink, token, now)
    if link is None:
        return None
    user = db.session.get_one(User, link.user_id)
    return (link, user) if user.is_enabled else None


def set_password_with_link(token: str, password: str, now: datetime) -> User | None:
    """Spend the link and set the password; None if the link no longer works. Every session ends."""
    found = pending_link(token, now)
    if found is None:
        return None
    link, user = found
    check_password(password, email=user.email, name=user.name)
    if spend_link(AccountLink, token, now, AccountLink.id) is None:
        return None  # spent by a click racing this one
    _set_password(user, password)
    invited = link.purpose is AccountLinkPurpose.INVITATION
    audit.record(
        AuditAction.INVITATION_ACCEPTED if invited else AuditAction.PASSWORD_RESET,
        "Password set from the invitation link" if invited else "Password reset with an emailed link",
        user=user, target_kind="user", target_id=user.id,
    )
    return user


def change_password(user: User, current: str, new: str) -> None:
    """The signed-in user's own change: the current password first; other sessions end."""
    if not verify_password(user.password_hash, current):
        raise AccountError("The current password is not right.", "current")
    check_password(new, email=user.email, name=user.name)
    _set_password(user, new)
    audit.record(AuditAction.PASSWORD_CHANGED, "Changed their password", user=user, target_kind="user",
                 target_id=user.id)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.rotate_session_token()


def too_many_failures(email: str, now: datetime) -> bool:
    """The per-account throttle, counted in the database (the audit log's failed sign-ins for this email), so
    that it holds across web workers; unknown emails are counted the same, so it says nothing about them."""
    window = timedelta(minutes=current_app.config["SIGN_IN_FAILURE_MINUTES"])
    failures = select(func.count(AuditEntry.id)).where(
        AuditEntry.action == AuditAction.SIGN_IN_FAILED,
        AuditEntry.actor_label == _attempted(email),
        AuditEntry.at > now - window,
    )
    return (db.session.scalar(failures) or 0) >= current_app.config["SIGN_IN_FAILURE_LIMIT"]


def _attempted(email: str) -> str:
    return email.strip().lower()[:254]


def authenticate(email: str, password: str) -> User | None:
    """The enabled account these credentials open, or None (recorded as a failure); unknown email and wrong
    password look the same and take the same time."""
    user = db.session.scalar(select(User).where(User.email == _attempted(email)))
    if not verify_password(user.password_hash if user else None, password) or user is None:
        record_failure(email, "unknown email" if user is None else "wrong password", user)
        return None
    if not user.is_enabled:
        record_failure(email, "account deactivated", user)
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_failure(email: str, reason: str, user: User | None) -> None:
    audit.record(AuditAction.SIGN_IN_FAILED, f"Sign-in refused: {reason}", label=_attempted(email),
                 user=None, target_kind="user" if user else None, target_id=user.id if user else None)


def signed_in(user: User, now: datetime, *, second_factor: str | None = None) -> None:
    user.last_sign_in_at = now
    summary = f"Signed in with {second_factor}" if second_factor else "Signed in with a password"
    audit.record(AuditAction.SIGN_IN, summary, user=user, target_kind="user", target_id=user.id)


def _active_admins() -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN, User.is_enabled)) or 0


def _keep_an_admin(user: User, actor: User, change: str) -> None:
    if user.id == actor.id:
        raise AccountError(f"You cannot {change} your own account; ask another admin.")
    if user.is_admin and user.is_enabled and _active_admins() <= 1:
        raise AccountError(f"{user.name} is the last active admin: make someone else an admin first.")


def change_role(user: User, role: Role, actor: User) -> bool:
    """Give an account another role; False when it already has it."""
    if user.role is role:
        return False
    if user.role is Role.ADMIN:
        _keep_an_admin(user, actor, "demote")
    elif user.id == actor.id:
        raise AccountError("You cannot change your own role.")
    audit.record(AuditAction.ROLE_CHANGED, f"{user.email}: {user.role.label} → {role.label}", user=actor,
                 target_kind="user", target_id=user.id)
    user.role = role
    return True


def set_enabled(user: User, enabled: bool, actor: User) -> bool:
    """Deactivate (signed out everywhere at once: the session token rotates) or reactivate an account."""
    if user.is_enabled is enabled:
        return False
    if not enabled:
        _keep_an_admin(user, actor, "deactivate")
        user.rotate_session_token()
    user.is_enabled = enabled
    action = AuditAction.USER_REACTIVATED if enabled else AuditAction.USER_DEACTIVATED
    audit.record(action, f"{'Reactivated' if enabled else 'Deactivated'} {user.email}", user=actor,
                 target_kind="user", target_id=user.id)
    return True


def staff_choices() -> list[tuple[int, str]]:
    """Enabled staff and admins, who can own requests and liaise with delegations."""
    query = (
        select(User.id, User.name)
        .where(User.is_enabled, User.role.in_([Role.STAFF, Role.ADMIN]))
        .order_by(User.name)
    )
    return [(row.id, row.name) for row in db.session.execute(query)]
