"""Staff accounts: creation and sign-in checks, shared by the views and the command line."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from tracker.auth.passwords import MINIMUM_LENGTH, hash_password, needs_rehash, verify_password
from tracker.extensions import db
from tracker.models import Role, User


class AccountError(ValueError):
    """Input that cannot make an account; the message is meant for the person who typed it."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(str(error)) from error


def create_user(email: str, name: str, role: Role, password: str) -> User:
    """Add an account (flushed, not committed); refuse a taken email or a short password."""
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise AccountError("A name is required.")
    if len(name) > 120:
        raise AccountError("The name must be at most 120 characters.")
    if len(password) < MINIMUM_LENGTH:
        raise AccountError(f"The password must be at least {MINIMUM_LENGTH} characters.")
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"An account with the email {email} already exists.")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The enabled account these credentials open, or None; unknown email and wrong password look the same."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if not user.is_enabled:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def staff_choices() -> list[tuple[int, str]]:
    """Enabled staff and admins, who can own requests and liaise with delegations."""
    query = (
        select(User.id, User.name)
        .where(User.is_enabled, User.role.in_([Role.STAFF, Role.ADMIN]))
        .order_by(User.name)
    )
    return [(row.id, row.name) for row in db.session.execute(query)]
