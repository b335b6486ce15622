"""What the database holds, to prove that a refused request, form or import changed nothing."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from tracker.extensions import db

Fingerprint = dict[str, list[tuple[object, ...]]]


def fingerprint(leave_out: Iterable[str] = ()) -> Fingerprint:
    """Every committed row of every table (but ``leave_out``), in primary-key order."""
    skipped = set(leave_out)
    with db.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(sa.select(table).order_by(*table.primary_key))]
            for table in db.metadata.sorted_tables
            if table.name not in skipped
        }


def differences(before: Fingerprint, after: Fingerprint) -> dict[str, str]:
    """Which tables changed and how many rows they hold before → after, for a readable failure."""
    return {
        name: f"{len(before[name])} → {len(after[name])} rows"
        for name in before
        if before[name] != after[name]
    }
