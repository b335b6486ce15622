"""The timeline: an append-only record of who did what to a delegation and its requests."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.extensions import db
from tracker.models import TimelineEntry, TimelineKind, User


def record(
    kind: TimelineKind,
    summary: str,
    *,
    delegation_id: int,
    request_id: int | None = None,
    body: str = "",
    actor: User | None,
    delegate_id: int | None = None,
    shared_with_delegation: bool = False,
) -> TimelineEntry:
    """Add one entry (saved by the caller's commit); ``actor`` None means the system or, with ``delegate_id``,
    a delegate in the portal did it. Shared entries are shown to the delegation in the portal."""
    entry = TimelineEntry(
        kind=kind,
        summary=summary[:500],
        body=body,
        delegation_id=delegation_id,
        request_id=request_id,
        actor_id=actor.id if actor else None,
        delegate_id=delegate_id,
        shared_with_delegation=shared_with_delegation,
    )
    db.session.add(entry)
    return entry


def describe_changes(before: dict[str, str], after: dict[str, str], long_texts: Iterable[str] = ()) -> str:
    """A readable line such as "Due on: 3 Apr 2026 → 10 Apr 2026; Owner: Ana → Ben; Notes edited" (empty if
    nothing changed); the ``long_texts`` are named rather than quoted."""
    changed = [name for name in after if before.get(name) != after[name]]
    quoted = [f"{name}: {before[name] or '—'} → {after[name] or '—'}" for name in changed if name not in long_texts]
    return "; ".join([*quoted, *(f"{name} edited" for name in changed if name in long_texts)])
