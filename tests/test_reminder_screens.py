"""The reminder screens: preferences, snoozing a request, follow-ups, and the admin's scheduler, policy and mail log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import time_machine
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.html import csrf_token
from tests.smtp import SMTPServer
from tests.test_reminder_planner import owner, request_for
from tracker.extensions import db
from tracker.models import (
    ContactChannel,
    ContactLog,
    Delegation,
    FollowUpCadence,
    InfoRequest,
    OutboxMessage,
    OutboxStatus,
    ReminderPolicy,
    RequestStatus,
    Tier,
    TimelineEntry,
    User,
)
from tracker.reminders.scheduler import Lease, heartbeat, is_late, scheduled_pass

VALID_PREFERENCES = {
    "time_zone": "Asia/Manila", "work_starts": "09:00", "work_ends": "17:30", "working_days": ["1", "2", "3", "4"],
    "wants_due_soon": "y", "wants_overdue": "y", "digest_weekday": "4", "digest_time": "16:00",
}  # fmt: skip


def post_form(client: FlaskClient, url: str, data: dict[str, object], page: str | None = None):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(page or url))
    return client.post(url, data={**data, "csrf_token": token})


def test_preferences_are_saved_and_read_back(signed_in: FlaskClient, staff: User) -> None:
    response = post_form(signed_in, "/preferences", VALID_PREFERENCES)
    assert response.status_code == 302
    user = db.session.get_one(User, staff.id)
    assert (user.time_zone, user.work_starts, user.work_ends, user.working_days) == (
        "Asia/Manila", time(9), time(17, 30), "1234")
    assert (user.wants_due_soon, user.wants_due_today, user.wants_digest) == (True, False, False)
    assert (user.digest_weekday, user.digest_time) == (4, time(16))
    page = signed_in.get("/preferences").get_data(as_text=True)
    assert '<option selected value="Asia/Manila">' in page


def test_a_working_day_sent_twice_counts_once(signed_in: FlaskClient, staff: User) -> None:
    """Found by tests/test_hostile_input.py on PostgreSQL: eight days overflowed the column."""
    response = post_form(signed_in, "/preferences", {**VALID_PREFERENCES, "working_days": ["1"] * 8 + ["2"]})
    assert response.status_code == 302
    assert db.session.get_one(User, staff.id).working_days == "12"


def test_bad_preferences_are_refused_and_change_nothing(signed_in: FlaskClient, staff: User) -> None:
    for bad in ({"work_ends": "08:00"}, {"working_days": []}, {"time_zone": "Mars/Olympus"},
                {"digest_weekday": "9"}, {"work_starts": "25:00"}):
        response = post_form(signed_in, "/preferences", {**VALID_PREFERENCES, **bad})
        assert response.status_code == 200 and "Please correct" in response.get_data(as_text=True), bad
    assert db.session.get_one(User, staff.id).time_zone is None


def test_snoozing_a_request_is_recorded_and_validated(signed_in: FlaskClient, staff: User) -> None:
    info_request = request_for(staff)
    url = f"/requests/{info_request.id}/reminders"
    with time_machine.travel(datetime(2026, 12, 9, 10, tzinfo=UTC), tick=False):
        page = f"/requests/{info_request.id}"
        refused = post_form(signed_in, url, {"snoozed_until": "2026-12-01", "version": info_request.version}, page)
        assert refused.status_code == 400 and "after today" in refused.get_data(as_text=True)
        post_form(signed_in, url, {"snoozed_until": "2026-12-15", "version": info_request.version}, page)
        page = signed_in.get(f"/requests/{info_request.id}").get_data(as_text=True)
    assert "Snoozed until 15 Dec 2026" in page and "Reminders snoozed until 15 Dec 2026" in page
    assert db.session.get_one(InfoRequest, info_request.id).snoozed_until == date(2026, 12, 15)


def test_waiting_on_the_delegate_moves_the_due_date_by_the_days_waited(signed_in: FlaskClient, staff: User) -> None:
    info_request = request_for(staff, status=RequestStatus.IN_PROGRESS)
    page = f"/requests/{info_request.id}"

    def set_status(status: str) -> None:
        version = str(db.session.get_one(InfoRequest, info_request.id).version)
        post_form(signed_in, f"{page}/status", {"status": status, "version": version}, page=page)
        db.session.expire_all()

    with time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=UTC), tick=False):
        set_status("waiting")
    with time_machine.travel(datetime(2026, 12, 6, 10, tzinfo=UTC), tick=False):
        set_status("in_progress")
    assert db.session.get_one(InfoRequest, info_request.id).due_on == date(2026, 12, 16)
    summaries = db.session.scalars(select(TimelineEntry.summary).where(TimelineEntry.request_id == info_request.id))
    assert "Due on: 11 Dec 2026 → 16 Dec 2026 (5 days waiting on the delegate)" in list(summaries)


def test_follow_ups_page_and_dashboard_list_due_check_ins_and_losing_touch(
    signed_in: FlaskClient, staff: User
) -> None:
    # The clock only moves forward here: a session signed "in the future" would be refused as tampered with.
    recent = factories.visit(starts_on=date(2026, 11, 25), ends_on=date(2026, 11, 29))
    old = factories.visit(starts_on=date(2025, 1, 6), ends_on=date(2025, 1, 10))
    factories.delegation(visit=recent, liaison=staff, country=factories.country("NPL"))
    quiet = factories.delegation(visit=old, liaison=staff, country=factories.country("KEN"), tier=Tier.TIER_3)
    db.session.add(ContactLog(delegation_id=quiet.id, contacted_on=date(2026, 8, 31), channel=ContactChannel.CALL,
                              summary="Call"))
    db.session.commit()
    with time_machine.travel(datetime(2026, 12, 23, 10, tzinfo=UTC), tick=False):
        follow_ups = signed_in.get("/follow-ups").get_data(as_text=True)
        home = signed_in.get("/").get_data(as_text=True)
    due_part, quiet_part = follow_ups.split("Losing touch")
    assert "Nepal" in due_part and "13 Dec 2026" in due_part  # 14 days after the visit ended
    assert "Kenya" in quiet_part and "114" in quiet_part and "(max 60)" in quiet_part  # Tier 3: 60 days
    assert "My follow-ups due" in home and "Nepal" in home and "114 days without contact" in home


def test_the_policy_form_saves_offsets_and_cadences_and_refuses_nonsense(
    client: FlaskClient, admin: User
) -> None:
    sign_in(client, admin)
    page = client.get("/admin/reminders/policy").get_data(as_text=True)
    assert 'value="14, 90, 180"' in page
    data = {"due_soon_days": "5", "overdue_repeat_days": "3", "escalate_after_days": "21",
            "follow_up_offsets": "30,7, 120", "follow_up_repeat_days": "7"}
    for tier in Tier:
        data[f"ideal_{tier.value}"], data[f"max_{tier.value}"] = "40", "80"
    assert post_form(client, "/admin/reminders/policy", data).status_code == 302
    policy = db.session.get_one(ReminderPolicy, 1)
    assert (policy.due_soon_days, policy.offsets) == (5, [7, 30, 120])
    assert db.session.get_one(FollowUpCadence, Tier.TIER_3).max_days == 80
    for bad in ({"follow_up_offsets": "14, soon"}, {"follow_up_offsets": "14, 14"}, {"due_soon_days": "0"},
                {"max_tier_3": "10"}):
        response = post_form(client, "/admin/reminders/policy", {**data, **bad})
        assert response.status_code == 200 and "Please correct" in response.get_data(as_text=True), bad
    db.session.expire_all()
    assert db.session.get_one(ReminderPolicy, 1).offsets == [7, 30, 120]


def test_pausing_shows_the_reason_to_everyone_and_needs_one(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)
    refused = post_form(client, "/admin/reminders/pause", {"reason": "  "}, page="/admin/reminders")
    assert refused.status_code == 302 and db.session.scalar(select(ReminderPolicy.paused)) in (None, False)
    post_form(client, "/admin/reminders/pause", {"reason": "Moving mail servers"}, page="/admin/reminders")
    other = factories.user(role="staff")
    colleague = client.application.test_client()
    sign_in(colleague, other)
    assert "reminders are paused by" in colleague.get("/").get_data(as_text=True).lower()
    assert "Moving mail servers" in colleague.get("/requests/").get_data(as_text=True)
    post_form(client, "/admin/reminders/resume", {}, page="/admin/reminders")
    assert "Moving mail servers" not in colleague.get("/").get_data(as_text=True)


def test_test_send_arrives_and_is_logged(client: FlaskClient, admin: User, smtp: SMTPServer) -> None:
    sign_in(client, admin)
    response = post_form(client, "/admin/reminders/test", {"to": "lead@centre.example"}, page="/admin/reminders")
    assert response.status_code == 302
    assert [m["To"] for m in smtp.received] == ["lead@centre.example"]
    assert "Test message sent" in client.get("/admin/reminders").get_data(as_text=True)
    log = client.get("/admin/mail?status=sent").get_data(as_text=True)
    assert "Test message from the follow-up tracker" in log
    refused = post_form(client, "/admin/reminders/test", {"to": "not an address"}, page="/admin/reminders")
    assert refused.status_code == 302 and len(smtp.received) == 1


def test_mail_log_filters_retries_a_failed_message_and_resends_a_sent_one(
    client: FlaskClient, admin: User
) -> None:
    sign_in(client, admin)
    failed = factories.outbox_message(status=OutboxStatus.FAILED, last_error="554 rejected", subject="Failed one")
    sent = factories.outbox_message(status=OutboxStatus.SENT, subject="Sent one")
    listing = client.get("/admin/mail?status=failed").get_data(as_text=True)
    assert "Failed one" in listing and "Sent one" not in listing
    assert client.get("/admin/mail?status=bogus").status_code == 200  # an invalid filter is shown, not applied

    post_form(client, f"/admin/mail/{failed.id}/retry", {}, page=f"/admin/mail/{failed.id}")
    assert db.session.get_one(OutboxMessage, failed.id).status is OutboxStatus.PENDING
    response = post_form(client, f"/admin/mail/{sent.id}/resend", {}, page=f"/admin/mail/{sent.id}")
    copy = db.session.scalars(select(OutboxMessage).where(OutboxMessage.resend_of_id == sent.id)).one()
    assert response.headers["Location"].endswith(f"/admin/mail/{copy.id}")
    assert (copy.status, copy.subject, copy.queued_by_id) == (OutboxStatus.PENDING, "Sent one", admin.id)
    assert db.session.get_one(OutboxMessage, sent.id).status is OutboxStatus.SENT
    again = post_form(client, f"/admin/mail/{copy.id}/retry", {}, page=f"/admin/mail/{copy.id}")
    assert again.status_code == 302 and db.session.get_one(OutboxMessage, copy.id).status is OutboxStatus.PENDING


def test_health_page_shows_the_heartbeat_counts_and_the_next_day(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)
    request_for(owner(), due_on=date(2026, 12, 10))
    with time_machine.travel(datetime(2026, 12, 9, 7, tzinfo=UTC), tick=False):
        page = client.get("/admin/reminders").get_data(as_text=True)
        home = client.get("/").get_data(as_text=True)
    assert "No reminder pass has finished in the last 10 minutes" in page
    assert "Due tomorrow: Draft-law review" in page  # at 08:00, its owner's working hours
    assert "the scheduler has not run in the last 10 minutes" in home


def test_the_lease_lets_one_process_run_passes_and_records_a_heartbeat(app, smtp: SMTPServer) -> None:  # type: ignore[no-untyped-def]
    first, second = Lease(), Lease()
    now = datetime.now(UTC)
    assert first.acquire(now) and not second.acquire(now)
    assert first.acquire(now + timedelta(minutes=1))  # renewing is fine
    assert second.acquire(now + timedelta(minutes=5))  # the first holder stopped renewing
    scheduled_pass(app, second)
    lease = heartbeat()
    assert lease and lease.holder == second.holder and lease.last_summary.startswith("planned 0, sent 0")
    assert not is_late(lease, datetime.now(UTC))


def test_reminders_run_prints_what_it_did_and_refuses_a_bad_moment(
    runner: FlaskCliRunner, smtp: SMTPServer
) -> None:
    request_for(owner(), due_on=date(2026, 12, 7))
    result = runner.invoke(args=["reminders", "run", "--now", "2026-12-07T10:00"])
    assert result.exit_code == 0, result.output
    assert "planned  due_today" in result.output and "sent     due_today" in result.output
    assert "Planned 1, sent 1, deferred 0, failed 0" in result.output
    again = runner.invoke(args=["reminders", "run", "--now", "2026-12-07T10:00"])
    assert "Planned 0, sent 0" in again.output and len(smtp.received) == 1
    bad = runner.invoke(args=["reminders", "run", "--now", "next tuesday"])
    assert bad.exit_code == 2 and "not an ISO-8601 date and time" in bad.output


def test_mail_log_labels_and_filters_the_portals_mail_too(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)
    factories.outbox_message(kind="portal_link", subject="Your sign-in link")
    factories.outbox_message(kind="due_today", subject="Due today: a review")
    page = client.get("/admin/mail?kind=portal_link").get_data(as_text=True)
    assert "Portal sign-in link" in page and "Your sign-in link" in page and "Due today: a review" not in page


def test_the_preview_lists_the_portals_roll_up_beside_reminders(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)
    staff = owner()
    info_request = request_for(staff, due_on=date(2026, 12, 20))
    factories.delegate(db.session.get_one(Delegation, info_request.delegation_id), wants_monthly_rollup=True)
    # Tuesday 1 December, 10:00 in Moldova: a civil hour in the month's first days.
    with time_machine.travel(datetime(2026, 12, 1, 8, tzinfo=UTC), tick=False):
        page = client.get("/admin/reminders")
    assert page.status_code == 200
    assert "Monthly roll-up" in page.get_data(as_text=True)
