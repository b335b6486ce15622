"""Writing the audit log (SPEC §8): one entry per sign-in, account change, export, import, erasure, or view of a
delegate's personal details. Entries are only ever added; the database refuses to change or delete them."""

from __future__ import annotations

import getpass
from typing import Any

from flask import Response, g, has_request_context, request
from flask_login import current_user

from tracker.extensions import db
from tracker.models import AuditAction, AuditEntry, User
from tracker.models.base import utcnow
from tracker.request_ids import request_id


def command_line_user() -> str:
    """Who acted when a command was run rather than a page used: the operating-system account, if known."""
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):  # no such user in the password database (a container's arbitrary uid)
        return "command line"


def record(
    action: AuditAction,
    summary: str,
    *,
    user: User | None = None,
    label: str | None = None,
    delegate_id: int | None = None,
    target_kind: str | None = None,
    target_id: int | None = None,
) -> AuditEntry:
    """Add an entry (saved by the caller's commit). The actor is ``user``; else ``label`` (the email a failed
    sign-in tried, "Delegate #12" with ``delegate_id``); else the signed-in user; else the command line."""
    entry = AuditEntry(**_values(action, summary, user, label, delegate_id, target_kind, target_id))
    db.session.add(entry)
    return entry


def record_read(action: AuditAction, summary: str, *, target_kind: str, target_id: int | None = None) -> None:
    """Record a read (an export, a page of personal details). In a request the entry joins the request's own
    transaction and ``commit_recorded_reads`` commits it once the response is made, whether the page then succeeds
    or fails: no second connection (which waited on the request's own write lock on SQLite, and took a second
    connection from the pool per request), and the page's loaded objects are not expired by a commit half-way
    through. Outside a request (the command line) it is committed at once."""
    record(action, summary, target_kind=target_kind, target_id=target_id)
    if has_request_context():
        g.audited_read = True
    else:
        db.session.commit()


def commit_recorded_reads(response: Response) -> Response:
    """After every request: commit the reads ``record_read`` recorded (a GET commits nothing otherwise), unless
    the request's transaction itself failed."""
    if g.pop("audited_read", False) and db.session.is_active:
        db.session.commit()
    return response


def _values(action: AuditAction, summary: str, user: User | None, label: str | None, delegate_id: int | None,
            target_kind: str | None, target_id: int | None) -> dict[str, Any]:
    in_request = has_request_context()
    if user is None and label is None and in_request and current_user.is_authenticated:
        user = current_user._get_current_object()
    return {
        "at": utcnow(),
        "action": action,
        "summary": summary[:500],
        "actor_user_id": user.id if user else None,
        "actor_delegate_id": delegate_id,
        "actor_label": (user.email if user else label or command_line_user())[:254],
        "target_kind": target_kind,
        "target_id": target_id,
        "client_address": (request.remote_addr or "")[:64] or None if in_request else None,
        "request_id": request_id()[:64] if in_request else None,
    }


