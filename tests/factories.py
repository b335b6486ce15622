"""Small factories with sensible defaults; each commits, so every client, CLI run and browser sees the rows."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from tracker.auth.passwords import hash_password
from tracker.auth.services import issue_link
from tracker.extensions import db
from tracker.models import (
    AccountLinkPurpose,
    Country,
    Delegate,
    Delegation,
    InfoRequest,
    Material,
    MaterialVersion,
    NeedCategory,
    NeedsSummary,
    OutboxMessage,
    RequestKind,
    RequestMaterial,
    Role,
    StatedNeed,
    User,
    Visibility,
    Visit,
)

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def _save(obj: Any) -> Any:
    """Commit, load the row back and detach it: the object stays readable whatever later sessions do."""
    db.session.add(obj)
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


def country(iso3: str = "MDA") -> Country:
    found = db.session.scalar(select(Country).where(Country.iso3 == iso3))
    assert found is not None, f"no reference country {iso3}"
    db.session.expunge(found)
    return found


def user(role: str = "staff", **fields: Any) -> User:
    n = next(_sequence)
    values = {"email": f"{role}{n}@centre.example", "name": f"{role.title()} Person {n}", "role": Role(role)}
    values.update(fields)
    return _save(User(password_hash=hash_password(PASSWORD), **values))


def invitation(role: str = "staff", **fields: Any) -> tuple[User, str]:
    """An invited account without a password, and the token of its 7-day link to choose one."""
    n = next(_sequence)
    values = {"email": f"invited{n}@centre.example", "name": f"Invited Person {n}", "role": Role(role)}
    values.update(fields)
    invited = User(**values)
    db.session.add(invited)
    db.session.flush()
    token, _link = issue_link(invited, AccountLinkPurpose.INVITATION, datetime.now(UTC))
    return _save(invited), token


def visit(**fields: Any) -> Visit:
    n = next(_sequence)
    start = fields.pop("starts_on", date(2025, 3, 10))
    values = {"title": f"Spring exchange {n}", "starts_on": start, "ends_on": start + timedelta(days=4)}
    values.update(fields)
    return _save(Visit(**values))


def delegation(**fields: Any) -> Delegation:
    """A delegation; ``visit``, ``country`` and ``liaison`` may be given as objects or as ``*_id``."""
    for name in ("visit", "country", "liaison"):
        if name in fields:
            fields[f"{name}_id"] = fields.pop(name).id
    values: dict[str, Any] = {}
    if "visit_id" not in fields:
        values["visit_id"] = visit().id
    if "country_id" not in fields:
        values["country_id"] = country().id
    if "liaison_id" not in fields:
        values["liaison_id"] = user().id
    values.update(fields)
    return _save(Delegation(**values))


def delegate(delegation_: Delegation, **fields: Any) -> Delegate:
    n = next(_sequence)
    values = {"delegation_id": delegation_.id, "name": f"Delegate {n}", "email": f"delegate{n}@ministry.example"}
    values.update(fields)
    return _save(Delegate(**values))


def need(delegation_: Delegation, **fields: Any) -> StatedNeed:
    values = {"delegation_id": delegation_.id, "category": NeedCategory.LEGISLATION, "description": "Draft law"}
    values.update(fields)
    return _save(StatedNeed(**values))


def info_request(delegation_: Delegation | None = None, **fields: Any) -> InfoRequest:
    delegation_ = delegation_ or delegation()
    n = next(_sequence)
    values: dict[str, Any] = {
        "delegation_id": delegation_.id,
        "kind": RequestKind.DRAFT_LAW_REVIEW,
        "title": f"Review of the draft law {n}",
        "due_on": date(2025, 4, 30),
    }
    if "owner_id" not in fields:
        values["owner_id"] = delegation_.liaison_id
    values.update(fields)
    return _save(InfoRequest(**values))


def outbox_message(**fields: Any) -> OutboxMessage:
    n = next(_sequence)
    values: dict[str, Any] = {
        "key": f"test:{n}",
        "kind": "test",
        "recipient_email": f"someone{n}@centre.example",
        "subject": f"Test message {n}",
        "text_body": "Hello",
        "html_body": "<p>Hello</p>",
        "message_id": f"<test-{n}@centre.example>",
    }
    values.update(fields)
    return _save(OutboxMessage(**values))


def material(info_request_: InfoRequest, *, shared: bool = True, url: str = "https://example.org/report",
             **fields: Any) -> RequestMaterial:
    """A link material (no file on disk needed) attached to a request, shared unless told otherwise."""
    n = next(_sequence)
    library_item = _save(Material(title=fields.pop("title", f"Comparative study {n}"), **fields))
    _save(MaterialVersion(material_id=library_item.id, number=1, url=url))
    return _save(RequestMaterial(
        request_id=info_request_.id,
        material_id=library_item.id,
        visibility=Visibility.SHARED if shared else Visibility.INTERNAL,
        shared_at=datetime.now(UTC) if shared else None,
    ))


def needs_summary(delegation_: Delegation, **fields: Any) -> NeedsSummary:
    values: dict[str, Any] = {"delegation_id": delegation_.id,
                              "items": [{"section": "need", "category": "data", "text": "Statistics"}]}
    values.update(fields)
    return _save(NeedsSummary(**values))
