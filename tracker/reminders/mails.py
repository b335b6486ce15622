"""The words of each reminder: subject lines in Python, bodies in ``templates/email/<name>.{txt,html}``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import render_template

from tracker.models import MessageKind
from tracker.routing import external_url
from tracker.templating import format_date
from tracker.wording import day_count


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Mail:
    """A reminder composed but not rendered: its subject, its template and the values the template shows (text, so
    that the outbox keeps them as JSON), and the page it links to. Delivery renders it: rendering is most of a
    planner pass's work otherwise, and a first pass over national data plans tens of thousands of reminders."""

    template: str
    subject: str
    context: dict[str, str | None]
    #: The endpoint and values of the page the mail links to, built into a link when rendered.
    link: tuple[str, dict[str, int]]

    def draft(self) -> dict[str, Any]:
        """What the outbox keeps (the subject has a column of its own)."""
        endpoint, values = self.link
        return {"template": self.template, "context": self.context, "link": (endpoint, values)}

    @classmethod
    def from_draft(cls, subject: str, draft: dict[str, Any]) -> Mail:
        endpoint, values = draft["link"]
        return cls(draft["template"], subject, draft["context"], (endpoint, values))

    def render(self) -> RenderedMail:
        endpoint, values = self.link
        return render_mail(self.template, self.subject, item_url=external_url(endpoint, **values), **self.context)


def one_line(subject: str) -> str:
    """A title can never break the Subject header."""
    return " ".join(subject.split())


def render_mail(template: str, subject: str, **context: Any) -> RenderedMail:
    """Both parts from the same context; every mail says why it was sent and links to the preferences."""
    subject = one_line(subject)
    context.setdefault("preferences_url", external_url("reminders.preferences"))
    return RenderedMail(
        subject=subject,
        text=render_template(f"email/{template}.txt", subject=subject, **context),
        html=render_template(f"email/{template}.html", subject=subject, **context),
    )


def request_reminder(
    kind: MessageKind, *, recipient_name: str, request_id: int, title: str, country: str, due_on: date,
    today: date, owner_name: str, escalate_after_days: int = 0,
) -> Mail:
    """Due soon, due today, overdue, and the escalation to admins: one layout, different headline and reason."""
    late = (today - due_on).days
    due = format_date(due_on)
    if kind is MessageKind.DUE_SOON:
        ahead = (due_on - today).days
        subject = f"Due {'tomorrow' if ahead == 1 else 'in ' + day_count(ahead)}: {title}"
        reason = f"You own this request, and it falls due on {due}."
    elif kind is MessageKind.DUE_TODAY:
        subject = f"Due today: {title}"
        reason = f"You own this request, and it falls due today, {due}."
    elif kind is MessageKind.OVERDUE:
        subject = f"Overdue by {day_count(late)}: {title}"
        reason = (
            f"You own this request; it was due on {due} and is still open. "
            "This reminder repeats while it stays overdue."
        )
    else:
        subject = f"Overdue by {day_count(late)} ({owner_name}): {title}"
        reason = f"You are an admin, and this request has been overdue for more than {day_count(escalate_after_days)}."
    return Mail(
        "request_reminder",
        one_line(subject),
        {"recipient_name": recipient_name, "title": title, "country": country, "due": due, "owner_name": owner_name,
         "reason": reason},
        ("info_requests.detail", {"request_id": request_id}),
    )


def follow_up_reminder(
    *, recipient_name: str, delegation_id: int, country: str, visit_title: str, check_in: date,
    last_contact: date | None,
) -> Mail:
    due = format_date(check_in)
    return Mail(
        "follow_up",
        one_line(f"Time to check in with the delegation from {country}"),
        {
            "recipient_name": recipient_name,
            "country": country,
            "visit_title": visit_title,
            "check_in": due,
            "last_contact": format_date(last_contact) if last_contact else None,
            "reason": f"You are the liaison for this delegation; a check-in was due on {due} and no contact has "
            "been logged since. This reminder repeats weekly until one is.",
        },
        ("delegations.detail", {"delegation_id": delegation_id}),
    )


#: Items listed per section of the digest; the rest are counted and left to the dashboard. Rendering every
#: overdue request of a national backlog made one mail of thousands of lines and most of a pass's time.
DIGEST_ITEMS = 25


@dataclass(frozen=True)
class Section:
    """A section of the digest: its first items (``DIGEST_ITEMS`` at most) and how many there are in all."""

    items: list[Any]
    count: int

    @classmethod
    def of(cls, items: list[Any]) -> Section:
        return cls(items[:DIGEST_ITEMS], len(items))


def digest(*, recipient_name: str, week_of: date, overdue: Section, due_this_week: Section,
           follow_ups: Section) -> RenderedMail:
    return render_mail(
        "digest",
        f"Your week: {overdue.count} overdue, {due_this_week.count} due, {follow_ups.count} follow-ups",
        recipient_name=recipient_name,
        week_of=format_date(week_of),
        overdue=overdue,
        due_this_week=due_this_week,
        follow_ups=follow_ups,
        request_url=lambda request_id: external_url("info_requests.detail", request_id=request_id),
        delegation_url=lambda delegation_id: external_url("delegations.detail", delegation_id=delegation_id),
        reason="You get this weekly digest of what you own; change its day and time, or turn it off, in your "
        "reminder preferences.",
        item_url=external_url("dashboard.home"),
    )


def test_message(*, recipient_name: str, sent_by: str) -> RenderedMail:
    return render_mail(
        "test",
        "Test message from the follow-up tracker",
        recipient_name=recipient_name,
        reason=f"{sent_by} sent a test from the admin area to check that mail goes out.",
        item_url=external_url("reminders.health"),
    )
