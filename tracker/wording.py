"""How the timeline words each kind of event: one place, shared by the services and the demo data."""

from __future__ import annotations

from datetime import date

from tracker.models import ContactChannel, NeedCategory, RequestStatus, Tier, Verdict
from tracker.templating import format_date


def delegation_added(country: str, visit_title: str) -> str:
    return f"Delegation from {country} added to {visit_title}"


def delegate_saved(name: str, is_new: bool) -> str:
    return f"Delegate {name} {'added' if is_new else 'updated'}"


def need_saved(category: NeedCategory, is_new: bool) -> str:
    return f"Stated need ({category.label}) {'recorded' if is_new else 'updated'}"


def contact_logged(channel: ContactChannel, contacted_on: date) -> str:
    return f"{channel.label} contact on {format_date(contacted_on)} logged"


def request_logged(title: str, owner: str, due_on: date) -> str:
    return f"Request “{title}” logged for {owner}, due {format_date(due_on)}"


def status_changed(before: RequestStatus, after: RequestStatus) -> str:
    return f"Status: {before.label} → {after.label}"


def day_count(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def due_moved_after_waiting(before: date, after: date, days: int) -> str:
    return f"Due on: {format_date(before)} → {format_date(after)} ({day_count(days)} waiting on the delegate)"


def reminder_settings(snoozed_until: date | None, reminders_off: bool) -> str:
    if reminders_off:
        return "Automatic reminders turned off"
    if snoozed_until:
        return f"Reminders snoozed until {format_date(snoozed_until)}"
    return "Automatic reminders on"


def tier_moved(country: str, before: Tier, after: Tier, report_year: int) -> str:
    return f"{country} moved from {before.label} to {after.label} in the {report_year} report"


def material_attached(title: str, version: int, shared: bool, reused: bool) -> str:
    how = "reused from the library" if reused else "attached"
    return f"Material “{title}” (version {version}) {how}, {'shared with the delegation' if shared else 'internal'}"


def material_visibility(title: str, shared: bool) -> str:
    return f"Material “{title}” {'shared with the delegation' if shared else 'made internal'}"


def material_new_version(title: str, version: int) -> str:
    return f"Material “{title}”: version {version} added"


def delegate_requested(delegate: str, subject: str) -> str:
    return f"{delegate} (delegate) asked in the portal for “{subject}”"


def delegate_wrote(delegate: str) -> str:
    return f"{delegate} (delegate) wrote in the portal"


def feedback_given(delegate: str, title: str, verdict: Verdict) -> str:
    return f"{delegate} (delegate) on “{title}”: {verdict.label}"


def portal_invitation(delegate: str) -> str:
    return f"{delegate} invited to the portal"


def summary_sent(items: int) -> str:
    return f"“What we heard you ask for” sent to the delegates ({items} items)"


def summary_answered(delegate: str, corrected: bool) -> str:
    return f"{delegate} (delegate) {'corrected' if corrected else 'confirmed'} “what we heard you ask for”"
