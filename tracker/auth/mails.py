"""Mail about staff accounts (an invitation, a password reset), queued in the outbox and sent right after the
response: never from inside a request, never lost if the mail server is down (the scheduler retries)."""

from __future__ import annotations

from datetime import datetime

from tracker.models import AccountLink, AccountMail, User
from tracker.reminders.mails import RenderedMail, render_mail
from tracker.reminders.outbox import outbox_row, queue_one
from tracker.routing import external_url


def queue_invitation(user: User, token: str, link: AccountLink, invited_by: User, now: datetime) -> int:
    """Queue the invitation to set a password; returns the outbox row's id."""
    mail = render_mail(
        "account/invitation", "You are invited to the follow-up tracker",
        recipient_name=user.name, invited_by=invited_by.name, role=user.role.label.lower(),
        item_url=external_url("auth.set_password", account_token=token), expires_at=link.expires_at,
    )
    return _queue(AccountMail.STAFF_INVITATION, user, link, mail, now, invited_by)


def queue_reset(user: User, token: str, link: AccountLink, now: datetime) -> int:
    """Queue a password-reset link; returns the outbox row's id."""
    mail = render_mail(
        "account/password_reset", "Reset your password for the follow-up tracker",
        recipient_name=user.name, item_url=external_url("auth.set_password", account_token=token),
        expires_at=link.expires_at,
    )
    return _queue(AccountMail.PASSWORD_RESET, user, link, mail, now)


def _queue(kind: AccountMail, user: User, link: AccountLink, mail: RenderedMail, now: datetime,
           queued_by: User | None = None) -> int:
    row = outbox_row(key=f"{kind}:link-{link.id}", kind=kind, to=user, mail=mail, expires_at=link.expires_at,
                     now=now, queued_by=queued_by)
    return queue_one(row).id
