"""What a reminder pass sends, read from a real SMTP server, with the clock moved by ``now``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests import factories
from tests.smtp import SMTPServer
from tracker.extensions import db
from tracker.info_requests.services import change_status, set_reminders
from tracker.models import ContactChannel, ContactLog, InfoRequest, RequestStatus, User
from tracker.reminders.planner import plan
from tracker.reminders.scheduler import run_pass
from tracker.reminders.services import PREVIEW_HOURS, pause, preview, resume

DUE = date(2026, 12, 11)  # a Friday


def at(text: str, zone: str = "UTC") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


def new_subjects(smtp: SMTPServer, moment: datetime) -> list[str]:
    """Run a pass at ``moment`` and return the subjects of what arrived because of it."""
    before = len(smtp.received)
    run_pass(moment)
    return sorted(str(message["Subject"]) for message in smtp.received[before:])


def owner(**preferences: object) -> User:
    """A staff member who gets request reminders only, unless the test says otherwise."""
    return factories.user(role="staff", **{"wants_digest": False, "wants_follow_ups": False, **preferences})


def request_for(user: User, **fields: object) -> InfoRequest:
    delegation = factories.delegation(liaison=user, visit=factories.visit(starts_on=date(2026, 11, 30)))
    values = {"owner_id": user.id, "due_on": DUE, "title": "Draft-law review", **fields}
    return factories.info_request(delegation, **values)


def test_each_request_reminder_at_its_boundary_and_never_twice(smtp: SMTPServer) -> None:
    request_for(owner())
    expected = [
        ("2026-12-07T10:00", []),
        ("2026-12-08T07:59", []),  # due soon, but before working hours
        ("2026-12-08T08:00", ["Due in 3 days: Draft-law review"]),
        ("2026-12-08T12:00", []),
        ("2026-12-10T10:00", []),
        ("2026-12-11T10:00", ["Due today: Draft-law review"]),
        ("2026-12-12T10:00", []),  # Saturday: held until Monday
        ("2026-12-14T08:00", ["Overdue by 3 days: Draft-law review"]),
        ("2026-12-18T10:00", []),
        ("2026-12-21T09:00", ["Overdue by 10 days: Draft-law review"]),
    ]
    for moment, subjects in expected:
        assert new_subjects(smtp, at(moment)) == subjects, moment


def test_admins_hear_of_a_request_from_fourteen_days_overdue(smtp: SMTPServer) -> None:
    staff = owner()
    admin = factories.user(role="admin", wants_digest=False, wants_follow_ups=False)
    request_for(staff)
    run_pass(at("2026-12-24T10:00"))
    assert smtp.to(admin.email) == []
    run_pass(at("2026-12-25T10:00"))
    escalations = smtp.to(admin.email)
    assert [str(m["Subject"]) for m in escalations] == [f"Overdue by 14 days ({staff.name}): Draft-law review"]
    assert "You are an admin" in escalations[0].get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("zone", "moment"),
    [
        ("Asia/Tokyo", "2026-12-10T23:30"),  # UTC+9: already the 11th, 08:30 local
        ("America/Los_Angeles", "2026-12-12T01:00"),  # UTC-8: still the 11th, 17:00 local
    ],
)
def test_due_today_follows_the_owners_zone_not_utc(smtp: SMTPServer, zone: str, moment: str) -> None:
    request_for(owner(time_zone=zone))
    assert new_subjects(smtp, at(moment)) == ["Due today: Draft-law review"]


def test_working_hours_follow_daylight_saving_time(smtp: SMTPServer) -> None:
    # New York leaves daylight saving time on 1 November 2026: 08:00 local is 13:00 UTC from then on.
    user = owner(time_zone="America/New_York")
    request_for(user, due_on=date(2026, 11, 5))  # due soon from Monday 2 November
    assert new_subjects(smtp, at("2026-11-02T12:30")) == []  # 07:30 EST
    assert new_subjects(smtp, at("2026-11-02T13:00")) == ["Due in 3 days: Draft-law review"]


def test_the_digest_comes_at_its_local_time_across_daylight_saving(smtp: SMTPServer) -> None:
    # London leaves summer time on 25 October 2026: Monday 08:00 is 07:00 UTC before, 08:00 UTC after.
    user = owner(time_zone="Europe/London", wants_digest=True, wants_due_soon=False, wants_overdue=False)
    request_for(user, due_on=date(2026, 10, 21))
    assert new_subjects(smtp, at("2026-10-19T06:59")) == []
    assert new_subjects(smtp, at("2026-10-19T07:00")) == ["Your week: 0 overdue, 1 due, 0 follow-ups"]
    assert new_subjects(smtp, at("2026-10-26T07:30")) == []
    assert new_subjects(smtp, at("2026-10-26T08:00")) == ["Your week: 1 overdue, 0 due, 0 follow-ups"]
    assert new_subjects(smtp, at("2026-10-26T09:00")) == []


def test_after_days_of_downtime_only_what_is_still_relevant_goes_once(smtp: SMTPServer) -> None:
    request_for(owner())
    # The scheduler was down from before "due soon" until after the due date: no stale "due soon" or "due today".
    assert new_subjects(smtp, at("2026-12-14T10:00")) == ["Overdue by 3 days: Draft-law review"]
    assert new_subjects(smtp, at("2026-12-14T10:01")) == []


def test_reassigning_moves_reminders_to_the_new_owner(smtp: SMTPServer) -> None:
    first, second = owner(), owner()
    info_request = request_for(first)
    run_pass(at("2026-12-08T10:00"))
    db.session.get_one(InfoRequest, info_request.id).owner_id = second.id
    db.session.commit()
    run_pass(at("2026-12-09T10:00"))
    assert [str(m["Subject"]) for m in smtp.to(second.email)] == ["Due in 2 days: Draft-law review"]
    run_pass(at("2026-12-11T10:00"))
    assert len(smtp.to(first.email)) == 1 and len(smtp.to(second.email)) == 2


@pytest.mark.parametrize(
    "stop",
    [
        lambda r, u: change_status(r, RequestStatus.DELIVERED, u),
        lambda r, u: change_status(r, RequestStatus.WITHDRAWN, u, "The ministry withdrew it"),
        lambda r, u: change_status(r, RequestStatus.WAITING, u),
        lambda r, u: set_reminders(r, None, True, u),
        lambda r, u: set_reminders(r, date(2026, 12, 15), False, u),
    ],
    ids=["delivered", "withdrawn", "waiting", "reminders off", "snoozed"],
)
def test_what_stops_reminders(smtp: SMTPServer, stop: object) -> None:
    user = owner()
    info_request = request_for(user)
    stop(db.session.get_one(InfoRequest, info_request.id), db.session.get_one(User, user.id))  # type: ignore[operator]
    db.session.commit()
    for moment in ("2026-12-08T10:00", "2026-12-11T10:00", "2026-12-14T10:00"):
        assert new_subjects(smtp, at(moment)) == [], moment


def test_a_snooze_defers_reminders_until_it_ends(smtp: SMTPServer) -> None:
    user = owner()
    info_request = request_for(user)
    set_reminders(db.session.get_one(InfoRequest, info_request.id), date(2026, 12, 15), False, user)
    db.session.commit()
    assert new_subjects(smtp, at("2026-12-14T10:00")) == []
    assert new_subjects(smtp, at("2026-12-15T10:00")) == ["Overdue by 4 days: Draft-law review"]


def test_editing_the_due_date_changes_what_is_planned(smtp: SMTPServer) -> None:
    info_request = request_for(owner())
    assert new_subjects(smtp, at("2026-12-08T10:00")) == ["Due in 3 days: Draft-law review"]
    db.session.get_one(InfoRequest, info_request.id).due_on = date(2026, 12, 18)
    db.session.commit()
    assert new_subjects(smtp, at("2026-12-11T10:00")) == []
    assert new_subjects(smtp, at("2026-12-15T10:00")) == ["Due in 3 days: Draft-law review"]


def test_a_global_pause_plans_nothing_until_resumed(smtp: SMTPServer, admin: User) -> None:
    request_for(owner())
    pause("Mail server migration", admin, at("2026-12-10T09:00"))
    db.session.commit()
    assert new_subjects(smtp, at("2026-12-11T10:00")) == []
    resume()
    db.session.commit()
    assert new_subjects(smtp, at("2026-12-11T11:00")) == ["Due today: Draft-law review"]


def test_personal_preferences_turn_kinds_off(smtp: SMTPServer) -> None:
    request_for(owner(wants_due_today=False))
    assert new_subjects(smtp, at("2026-12-11T10:00")) == []


def test_follow_ups_fall_due_after_the_visit_repeat_weekly_and_stop_at_a_contact(smtp: SMTPServer) -> None:
    liaison = owner(wants_follow_ups=True)
    visit = factories.visit(starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 5))
    delegation = factories.delegation(visit=visit, liaison=liaison, country=factories.country("NPL"))
    subject = ["Time to check in with the delegation from Nepal"]
    assert new_subjects(smtp, at("2026-01-16T10:00")) == []
    assert new_subjects(smtp, at("2026-01-19T10:00")) == subject  # 14 days after the visit
    assert new_subjects(smtp, at("2026-01-23T10:00")) == []
    assert new_subjects(smtp, at("2026-01-26T10:00")) == subject  # a week later, still no contact
    db.session.add(ContactLog(delegation_id=delegation.id, contacted_on=date(2026, 1, 27),
                              channel=ContactChannel.EMAIL, summary="Sent the comparative note"))
    db.session.commit()
    assert new_subjects(smtp, at("2026-02-02T10:00")) == []
    assert new_subjects(smtp, at("2026-04-06T10:00")) == subject  # the 90-day check-in (a Sunday, so Monday)


def test_every_mail_has_both_parts_a_link_and_the_reason(smtp: SMTPServer) -> None:
    info_request = request_for(owner())
    run_pass(at("2026-12-11T10:00"))
    (message,) = smtp.received
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"http://127.0.0.1:5000/requests/{info_request.id}"
    assert link in text and f'href="{link}"' in html
    assert "Why you received this: You own this request" in text
    assert "http://127.0.0.1:5000/preferences" in text and "/preferences" in html
    assert message["Message-ID"] and message["Date"] and message["Auto-Submitted"] == "auto-generated"


def test_the_preview_lists_what_each_hour_planned_on_its_own_would(runner) -> None:  # type: ignore[no-untyped-def]
    """The preview reads the database once per UTC day, not once per hour: that changes nothing it lists.

    Compared in order of hour and key: within an hour the planner follows the database's row order, which
    PostgreSQL does not keep from one identical query to the next."""
    moment = at("2026-11-23T10:00")  # a Monday; the next 24 hours cross midnight UTC
    with time_machine.travel(moment, tick=False):  # demo data is relative to the day it is made
        assert runner.invoke(args=["demo-data", "--seed", "7"]).exit_code == 0
    seen: set[str] = set()
    alone = sorted(
        (hour, row["key"], row["subject"], row["text_body"], str(row["draft"]))
        for hour in (moment + timedelta(hours=step) for step in range(PREVIEW_HOURS))
        for row in plan(hour, dry_run=True, also_queued=seen).planned
    )
    assert len(alone) >= 10 and len({row[0].date() for row in alone}) == 2
    shown = preview(moment)
    assert sorted((row["at"], row["key"], row["subject"], row["text_body"], str(row["draft"]))
                  for row in shown.rows) == alone
    assert shown.more == 0


def test_a_dry_run_with_a_limit_lists_that_many_and_counts_the_rest(app: object) -> None:
    for title in ("A", "B", "C"):
        request_for(owner(), title=title)
    moment = at("2026-12-11T10:00")
    everything = plan(moment, dry_run=True)
    seen: set[str] = set()
    limited = plan(moment, dry_run=True, limit=1, also_queued=seen)
    assert len(everything.planned) == 3 and everything.more == 0
    assert [row["key"] for row in limited.planned] == [everything.planned[0]["key"]] and limited.more == 2
    assert seen == {row["key"] for row in everything.planned}  # the next hour of a preview skips all three
    with pytest.raises(ValueError):
        plan(moment, limit=1)
