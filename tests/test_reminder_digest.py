"""The weekly digest lists a bounded number of items per section and counts the rest, so a large backlog
makes a readable mail and a quick pass."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from tests import factories
from tracker.reminders.mails import DIGEST_ITEMS, Section, digest
from tracker.reminders.planner import plan


def _requests(count: int) -> list[SimpleNamespace]:
    due = date(2026, 11, 2)
    return [SimpleNamespace(id=n, title=f"Report {n}", country="Austria", due_on=due) for n in range(1, count + 1)]


def test_a_long_section_lists_the_first_items_and_counts_the_rest(app: object) -> None:
    mail = digest(recipient_name="Ana", week_of=date(2026, 11, 23), overdue=Section.of(_requests(DIGEST_ITEMS + 7)),
                  due_this_week=Section.of(_requests(2)), follow_ups=Section.of([]))

    assert mail.subject == f"Your week: {DIGEST_ITEMS + 7} overdue, 2 due, 0 follow-ups"
    for part in (mail.text, mail.html):
        assert f"Overdue ({DIGEST_ITEMS + 7})" in part
        assert f"Report {DIGEST_ITEMS}<" in part or f"Report {DIGEST_ITEMS} (" in part
        assert f"Report {DIGEST_ITEMS + 1} " not in part and f"Report {DIGEST_ITEMS + 1}<" not in part
        assert "And 7 more" in part
        assert part.count("more: see") == 1  # the short section has no such line
        assert "No check-ins due." in part


def test_a_pass_counts_every_overdue_request_in_the_owners_zone_and_lists_the_oldest(app: object) -> None:
    # Monday 08:00 at UTC+14 is still Sunday in UTC: the owner's today is the day after UTC's.
    user = factories.user(role="staff", time_zone="Pacific/Kiritimati", wants_digest=True, wants_follow_ups=False)
    delegation = factories.delegation(liaison=user, visit=factories.visit(starts_on=date(2026, 9, 1)))
    for day in range(DIGEST_ITEMS + 5):
        factories.info_request(delegation, owner_id=user.id, title=f"Old {day:02}",
                               due_on=date(2026, 9, 1) + timedelta(days=day))
    for title, due in (("Yesterday", date(2026, 11, 22)), ("Today", date(2026, 11, 23)),
                       ("In a week", date(2026, 11, 30)), ("Later", date(2026, 12, 1))):
        factories.info_request(delegation, owner_id=user.id, title=title, due_on=due)

    planned = plan(datetime(2026, 11, 22, 18, tzinfo=UTC), dry_run=True).planned
    (mail,) = [row for row in planned if row["kind"] == "digest"]

    assert mail["subject"] == f"Your week: {DIGEST_ITEMS + 6} overdue, 2 due, 1 follow-ups"  # the visit ended long ago
    text = mail["text_body"]
    assert "Old 00" in text and f"Old {DIGEST_ITEMS - 1:02}" in text and f"Old {DIGEST_ITEMS:02}" not in text
    assert "Yesterday" not in text and "And 6 more" in text  # listed after the 25 oldest, so counted
    assert "Today" in text and "In a week" in text and "Later" not in text
