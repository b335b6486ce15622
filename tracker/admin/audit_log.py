"""Admin → Audit log: newest first, filtered by action, who, what it concerns and dates (in the centre's zone);
paginated, and downloadable as CSV (the download is itself audited, as every CSV export is)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import render_template
from sqlalchemy import Select, select

from tracker.admin import bp
from tracker.admin.forms import AuditFilterForm
from tracker.auth.access import admin_only
from tracker.clock import centre_zone
from tracker.exports.tables import ROWS_PER_FETCH, Cell
from tracker.exports.web import csv_download
from tracker.extensions import db
from tracker.models import AuditAction, AuditEntry
from tracker.pagination import paginate

CSV_HEADINGS = ("at", "action", "actor", "actor_user_id", "actor_delegate_id", "target_kind", "target_id",
                "summary", "client_address", "request_id")


def _start_of(day: date) -> datetime:
    """Midnight of a day in the centre's zone, as UTC."""
    return datetime.combine(day, time.min, centre_zone()).astimezone(UTC)


#: The audit log's order, newest first, which its CSV download keeps.
LIST_ORDER = (AuditEntry.at.desc(), AuditEntry.id.desc())


def _filtered(filters: AuditFilterForm) -> Select[Any]:
    query = select(AuditEntry)
    if action := filters.value("action"):
        query = query.where(AuditEntry.action == AuditAction(action))
    if actor := filters.value("actor"):
        query = query.where(AuditEntry.actor_label.contains(actor.strip().lower(), autoescape=True))
    if target_kind := filters.value("target_kind"):
        query = query.where(AuditEntry.target_kind == target_kind)
    if target_id := filters.value("target_id"):
        query = query.where(AuditEntry.target_id == target_id)
    if since := filters.value("since"):
        query = query.where(AuditEntry.at >= _start_of(since))
    if until := filters.value("until"):
        query = query.where(AuditEntry.at < _start_of(until + timedelta(days=1)))
    return query


@bp.get("/audit")
@admin_only
def audit_log() -> str:
    """The audit log, newest first."""
    filters = AuditFilterForm()
    page = paginate(_filtered(filters), LIST_ORDER, filters, scalars=True)
    return render_template("admin/audit_log.html", filters=filters, page=page)


@bp.get("/audit.csv")
@admin_only
def audit_log_csv() -> Any:
    """The filtered audit log as CSV, times in ISO 8601 in the centre's zone."""
    query = _filtered(AuditFilterForm()).order_by(*LIST_ORDER)

    def rows() -> Iterator[tuple[Cell, ...]]:
        for entry in db.session.scalars(query, execution_options={"yield_per": ROWS_PER_FETCH}):
            yield (entry.at.astimezone(centre_zone()).isoformat(timespec="seconds"), entry.action.label,
                   entry.actor_label, entry.actor_user_id, entry.actor_delegate_id, entry.target_kind,
                   entry.target_id, entry.summary, entry.client_address, entry.request_id)

    return csv_download("audit-log.csv", CSV_HEADINGS, rows())
