"""The weekly digest lists a bounded number of items per section and counts the rest, so a large backlog
makes a readable mail and a quick pass."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from tracker.reminders.mails import DIGEST_ITEMS, digest


def _requests(count: int) -> list[SimpleNamespace]:
    due = date(2026, 11, 2)
    return [SimpleNamespace(id=n, title=f"Report {n}", country="Austria", due_on=due) for n in range(1, count + 1)]


def test_a_long_section_lists_the_first_items_and_counts_the_rest(app: object) -> None:
    mail = digest(recipient_name="Ana", week_of=date(2026, 11, 23), overdue=_requests(DIGEST_ITEMS + 7),
                  due_this_week=_requests(2), follow_ups=[])

    assert mail.subject == f"Your week: {DIGEST_ITEMS + 7} overdue, 2 due, 0 follow-ups"
    for part in (mail.text, mail.html):
        assert f"Overdue ({DIGEST_ITEMS + 7})" in part
        assert f"Report {DIGEST_ITEMS}<" in part or f"Report {DIGEST_ITEMS} (" in part
        assert f"Report {DIGEST_ITEMS + 1} " not in part and f"Report {DIGEST_ITEMS + 1}<" not in part
        assert "And 7 more" in part
        assert part.count("more: see") == 1  # the short section has no such line
        assert "No check-ins due." in part
