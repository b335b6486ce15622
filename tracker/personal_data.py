"""A delegate's personal data (SPEC §8): export everything held about them, or erase it.

A delegate is a person known by their email address: the same person may be a delegate of several delegations,
so both act on every delegate row with the address (or on the one row when it has none).

Erasure keeps the records (requests, questions, feedback, the timeline) and takes the person out of them: the
delegate rows become "Erased delegate #12", portal links and sessions and unsent mail to them are deleted, mail
already sent to them is emptied, and their name and address are replaced wherever they were written in the
rows of their delegations (a timeline line, a mail to the liaison, a note) and their address anywhere at all.
Names are replaced only within their delegations' rows: a short name like "Ana" must not rewrite "Analysis" in
another delegation's notes, and a name shorter than five characters is not searched for at all. The audit log
holds no names or addresses (only ids), so it needs no erasure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from markupsafe import escape
from sqlalchemy import delete, func, or_, select, update

from tracker import audit
from tracker.extensions import db
from tracker.models import (
    AuditAction,
    AuditEntry,
    Delegate,
    Delegation,
    MaterialDownload,
    MaterialFeedback,
    NeedsSummary,
    OutboxMessage,
    OutboxStatus,
    PortalLink,
    PortalSession,
    TimelineEntry,
    User,
)

#: Columns never exported: they would let the reader sign in as the delegate or take over a mail claim.
SECRET_COLUMNS = frozenset({"token_hash", "claim_token"})
#: A shorter name ("Li", "Ana") is too likely to be part of other words to be replaced inside texts.
SHORTEST_NAME_REPLACED = 5


def same_person(delegate: Delegate) -> list[Delegate]:
    """Every delegate row of this person: those with the same address, or the row alone without one."""
    if not delegate.email:
        return [delegate]
    return list(db.session.scalars(select(Delegate).where(Delegate.email == delegate.email).order_by(Delegate.id)))


def _plain(row: Any) -> dict[str, Any]:
    return {column.name: getattr(row, column.key) for column in row.__table__.columns
            if column.name not in SECRET_COLUMNS}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def export(delegate: Delegate, now: datetime) -> str:
    """Everything held about the person, as JSON: their delegate rows, portal links and sessions (without their
    secrets), downloads, feedback, the timeline entries they wrote, their answers to "what we heard", and the
    mail sent to them. Audited."""
    people = same_person(delegate)
    ids = [person.id for person in people]
    emails = sorted({person.email for person in people if person.email})
    sections: dict[str, Iterable[Any]] = {
        "delegate_records": people,
        "portal_links": db.session.scalars(select(PortalLink).where(PortalLink.email.in_(emails))),
        "portal_sessions": db.session.scalars(select(PortalSession).where(PortalSession.email.in_(emails))),
        "downloads": db.session.scalars(select(MaterialDownload).where(MaterialDownload.delegate_id.in_(ids))),
        "material_feedback": db.session.scalars(select(MaterialFeedback).where(MaterialFeedback.delegate_id.in_(ids))),
        "timeline_entries_written": db.session.scalars(select(TimelineEntry).where(TimelineEntry.delegate_id.in_(ids))),
        "what_we_heard_answers": db.session.scalars(select(NeedsSummary).where(NeedsSummary.responded_by_id.in_(ids))),
        "mail_to_them": db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_email.in_(emails))),
    }
    document = {
        "exported_at": now.isoformat(),
        "about": f"Everything the follow-up tracker holds about delegate #{delegate.id}",
        **{name: [_plain(row) for row in rows] for name, rows in sections.items()},
    }
    audit.record(AuditAction.PERSONAL_DATA_EXPORTED, f"Exported the personal data of delegate #{delegate.id}",
                 target_kind="delegate", target_id=delegate.id)
    return json.dumps(document, indent=2, ensure_ascii=False, default=_json_value)


@dataclass(frozen=True)
class Erasure:
    delegates: int
    links_and_sessions: int
    unsent_mail: int
    emptied_mail: int


def erase(delegate: Delegate, actor: User, now: datetime) -> Erasure:
    """Erase the person (in the caller's transaction); see the module's docstring for what that means."""
    people = same_person(delegate)
    ids = [person.id for person in people]
    emails = sorted({person.email for person in people if person.email})
    names = [person.name for person in people if len(person.name) >= SHORTEST_NAME_REPLACED]
    delegation_ids = sorted({person.delegation_id for person in people})
    placeholder = f"Erased delegate #{delegate.id}"

    ended = sum(db.session.execute(delete(model).where(model.email.in_(emails))).rowcount
                for model in (PortalLink, PortalSession))
    to_them = OutboxMessage.recipient_email.in_(emails)
    unsent = db.session.execute(
        delete(OutboxMessage).where(to_them, OutboxMessage.status == OutboxStatus.PENDING)
    ).rowcount
    emptied = db.session.execute(
        update(OutboxMessage).where(to_them).values(
            recipient_email=placeholder, subject=placeholder, draft=None,
            text_body="Erased with the delegate's personal data.",
            html_body="<p>Erased with the delegate's personal data.</p>",
        )
    ).rowcount
    for person in people:
        person.name = f"Erased delegate #{person.id}"
        person.title = person.organisation = ""
        person.email = None
        person.wants_notifications = person.wants_monthly_rollup = False
    db.session.flush()
    _replace_everywhere(names, emails, placeholder, delegation_ids, ids)
    others = ", ".join(f"#{id_}" for id_ in ids if id_ != delegate.id)
    audit.record(AuditAction.DELEGATE_ERASED,
                 f"Erased delegate #{delegate.id}" + (f" and the same person's rows {others}" if others else ""),
                 user=actor, target_kind="delegate", target_id=delegate.id)
    return Erasure(len(people), ended, unsent, emptied)


def _variants(texts: Iterable[str]) -> list[str]:
    """Each text as written, and as HTML-escaped in the HTML part of a mail."""
    return sorted({variant for text in texts for variant in (text, str(escape(text)))}, key=len, reverse=True)


def _replace_everywhere(names: list[str], emails: list[str], placeholder: str, delegation_ids: list[int],
                        delegate_ids: list[int]) -> None:
    """Replace the person's names in the rows of their delegations, and their addresses in every row of every
    table (the audit log aside: it is append-only, and holds neither)."""
    name_variants, email_variants = _variants(names), _variants(emails)
    visit_ids = select(Delegation.visit_id).where(Delegation.id.in_(delegation_ids)).scalar_subquery()
    for table in db.metadata.sorted_tables:
        if table.name == AuditEntry.__tablename__:
            continue
        scope = _rows_of_the_delegations(table, delegation_ids, delegate_ids, visit_ids)
        for column in table.columns:
            if isinstance(column.type, sa.JSON) and scope is not None:
                _replace_in_json(table, column, scope, [*name_variants, *email_variants], placeholder)
            if not isinstance(column.type, sa.String) or isinstance(column.type, sa.Enum):
                continue
            found = [column.contains(email, autoescape=True) for email in email_variants]
            if scope is not None and name_variants:
                found.append(sa.and_(scope, or_(*(column.contains(name, autoescape=True) for name in name_variants))))
            if not found:
                continue
            replaced: Any = column
            for needle in (*name_variants, *email_variants):
                replaced = func.replace(replaced, needle, placeholder)
            db.session.execute(update(table).where(or_(*found)).values({column.name: replaced}))


def _rows_of_the_delegations(table: sa.Table, delegation_ids: list[int], delegate_ids: list[int],
                             visit_ids: Any) -> Any:
    """Which rows of a table belong to the person's delegations (None: the table is not about delegations)."""
    if table.name == Delegation.__tablename__:
        return table.c.id.in_(delegation_ids)
    if table.name == "visits":
        return table.c.id.in_(visit_ids)
    conditions = [table.c[name].in_(ids) for name, ids in (("delegation_id", delegation_ids),
                                                           ("delegate_id", delegate_ids)) if name in table.c]
    return or_(*conditions) if conditions else None


def _replace_in_json(table: sa.Table, column: sa.Column[Any], scope: Any, needles: list[str],
                     placeholder: str) -> None:
    """JSON is read and rewritten in Python: as stored, non-ASCII text may be escaped, so SQL cannot find it."""
    key = table.primary_key.columns.values()[0]
    for row_id, value in db.session.execute(select(key, column).where(scope)).all():
        text = json.dumps(value, ensure_ascii=False)
        cleaned = text
        for needle in needles:
            cleaned = cleaned.replace(json.dumps(needle, ensure_ascii=False)[1:-1], placeholder)
        if cleaned != text:
            db.session.execute(update(table).where(key == row_id).values({column.name: json.loads(cleaned)}))
