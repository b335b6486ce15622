"""The audit log: append-only in the database itself, what is recorded (exports, imports, views of personal
details, sign-ins to the portal), and the admin page with its filters and CSV download."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, select, update

from tests import factories
from tests.conftest import sign_in
from tests.portal.helpers import sign_in_delegate
from tests.queries import counting_queries
from tracker import audit
from tracker.extensions import db
from tracker.models import AuditAction, AuditEntry, User


def _entries(action: AuditAction | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    return list(db.session.scalars(query if action is None else query.where(AuditEntry.action == action)))


def test_the_database_refuses_to_change_or_delete_an_entry() -> None:
    audit.record(AuditAction.EXPORT, "Exported something", target_kind="export")
    db.session.commit()
    for statement in (update(AuditEntry).values(summary="nothing to see"), delete(AuditEntry)):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    assert [entry.summary for entry in _entries()] == ["Exported something"]


def test_an_entry_keeps_who_acted_as_text_and_the_client_address(client: FlaskClient, staff: User) -> None:
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    client.environ_base["HTTP_X_REQUEST_ID"] = "req-42"
    sign_in(client, staff)
    (entry,) = _entries(AuditAction.SIGN_IN)
    assert (entry.actor_user_id, entry.actor_label, entry.target_kind, entry.target_id) == (
        staff.id, staff.email, "user", staff.id)
    assert (entry.client_address, entry.request_id) == ("198.51.100.7", "req-42")


def test_csv_downloads_from_the_web_and_the_command_line_are_audited(
    client: FlaskClient, runner: FlaskCliRunner, viewer: User
) -> None:
    sign_in(client, viewer)
    assert client.get("/countries/export.csv?year=2025").status_code == 200
    result = runner.invoke(args=["export", "delegates"])
    assert result.exit_code == 0
    web, command = _entries(AuditAction.EXPORT)
    assert web.actor_user_id == viewer.id and web.summary.startswith("Downloaded countries")
    assert command.actor_user_id is None and command.actor_label.startswith("command line")
    assert command.summary == "Exported delegates as CSV: 0 rows"


def test_a_tier_import_from_the_command_line_is_audited(runner: FlaskCliRunner, tmp_path: Path,
                                                        restore_tier_history: None) -> None:
    table = tmp_path / "tiers.csv"
    table.write_text("country,tier\nMoldova,Tier 2\n")
    result = runner.invoke(args=["tiers", "import", str(table), "--year", "2015"])
    assert result.exit_code == 0, result.output
    (entry,) = _entries(AuditAction.IMPORT)
    assert entry.target_kind == "tier history" and "Imported TIP-report tiers" in entry.summary


def test_opening_a_page_with_delegates_addresses_is_audited(client: FlaskClient, staff: User) -> None:
    with_addresses = factories.delegation()
    factories.delegate(with_addresses, email="official@gov.example")
    without = factories.delegation()
    factories.delegate(without, email=None)
    sign_in(client, staff)
    assert client.get(f"/delegations/{without.id}").status_code == 200
    assert client.get(f"/delegations/{with_addresses.id}").status_code == 200
    (entry,) = _entries(AuditAction.PERSONAL_DETAILS_VIEWED)
    assert (entry.actor_user_id, entry.target_kind, entry.target_id) == (staff.id, "delegation", with_addresses.id)
    assert "official@gov.example" not in entry.summary  # the log holds no delegate's address


def test_a_delegate_signing_in_to_the_portal_is_audited_by_id_only(client: FlaskClient) -> None:
    delegate = factories.delegate(factories.delegation(), name="Oksana Melnyk", email="oksana@gov.example")
    sign_in_delegate(client, "oksana@gov.example")
    (entry,) = _entries(AuditAction.SIGN_IN)
    assert (entry.actor_delegate_id, entry.actor_label) == (delegate.id, f"Delegate #{delegate.id}")
    assert "Oksana" not in entry.summary


def _three_entries(admin: User) -> None:
    now = datetime.now(UTC)
    rows = [(AuditAction.EXPORT, "Downloaded visits.csv", "a@centre.example", now - timedelta(days=3)),
            (AuditAction.ROLE_CHANGED, "b@centre.example: Staff → Viewer", admin.email, now - timedelta(days=1)),
            (AuditAction.SIGN_IN_FAILED, "Sign-in refused: unknown email", "intruder@example.net", now)]
    for action, summary, label, at in rows:
        db.session.add(AuditEntry(action=action, summary=summary, actor_label=label, at=at, target_kind="user",
                                  target_id=7 if action is AuditAction.ROLE_CHANGED else None))
    db.session.commit()


def test_the_audit_page_lists_newest_first_and_filters(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)  # itself a sign-in entry, the newest
    _three_entries(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.index("intruder@example.net") < page.index("Staff → Viewer") < page.index("visits.csv")
    assert "Sign-in failed" in client.get("/admin/audit?action=sign_in_failed").get_data(as_text=True)
    assert "visits.csv" not in client.get("/admin/audit?action=sign_in_failed").get_data(as_text=True)
    assert "visits.csv" in client.get("/admin/audit?actor=A@CENTRE").get_data(as_text=True)
    by_target = client.get("/admin/audit?target_kind=user&target_id=7").get_data(as_text=True)
    assert "Staff → Viewer" in by_target and "visits.csv" not in by_target
    day = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    recent = client.get(f"/admin/audit?since={day}").get_data(as_text=True)
    assert "Staff → Viewer" in recent and "visits.csv" not in recent
    old = client.get(f"/admin/audit?until={day}").get_data(as_text=True)
    assert "visits.csv" in old and "Staff → Viewer" not in old
    backwards = client.get(f"/admin/audit?since={day}&until=2000-01-01")
    assert backwards.status_code == 200 and "The end comes before the start." in backwards.get_data(as_text=True)


def test_the_audit_log_downloads_as_csv_and_the_download_is_audited(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)
    _three_entries(admin)
    response = client.get("/admin/audit.csv?action=role_changed")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["at", "action", "actor"]
    assert [row[1:3] for row in rows[1:]] == [["Role changed", admin.email]]
    assert _entries()[-1].summary == "Downloaded audit-log.csv"


def test_the_audit_page_is_for_admins(client: FlaskClient, staff: User) -> None:
    sign_in(client, staff)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 403


def test_the_audit_page_runs_the_same_queries_however_many_entries(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)
    with counting_queries() as few:
        assert client.get("/admin/audit").status_code == 200
    _three_entries(admin)
    with counting_queries() as many:
        assert client.get("/admin/audit").status_code == 200
    assert len(many) == len(few)
