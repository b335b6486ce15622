"""What delegates read: the few statuses they see (internal states stay internal) and translated labels."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from tracker.models import NeedCategory, RequestKind, RequestStatus, SummaryResponse, Verdict

#: Internal statuses → what the delegation reads. "New" and "in progress" are the same to them.
DELEGATE_STATUS: dict[RequestStatus, tuple[str, LazyString]] = {
    RequestStatus.NEW: ("in_progress", _l("In progress")),
    RequestStatus.IN_PROGRESS: ("in_progress", _l("In progress")),
    RequestStatus.WAITING: ("waiting", _l("Waiting for your reply")),
    RequestStatus.DELIVERED: ("delivered", _l("Delivered")),
    RequestStatus.CLOSED: ("delivered", _l("Delivered")),
    RequestStatus.DECLINED: ("declined", _l("Not possible")),
    RequestStatus.WITHDRAWN: ("withdrawn", _l("Withdrawn")),
}

VERDICTS: dict[Verdict, LazyString] = {
    Verdict.RECEIVED: _l("Received"),
    Verdict.USEFUL: _l("Useful"),
    Verdict.NEED_MORE: _l("Need more"),
}

REQUEST_KINDS: dict[RequestKind, LazyString] = {
    RequestKind.DRAFT_LAW_REVIEW: _l("Draft-law review"),
    RequestKind.COMPARATIVE_ANALYSIS: _l("Comparative analysis"),
    RequestKind.DATA: _l("Data or statistics"),
    RequestKind.TRAINING_MATERIAL: _l("Training material"),
    RequestKind.INTRODUCTION: _l("Introduction"),
    RequestKind.BEST_PRACTICE: _l("Best-practice summary"),
    RequestKind.OTHER: _l("Other"),
}

NEED_CATEGORIES: dict[NeedCategory, LazyString] = {
    NeedCategory.LEGISLATION: _l("Legislation"),
    NeedCategory.PROSECUTION: _l("Prosecution"),
    NeedCategory.PROTECTION: _l("Protection"),
    NeedCategory.PREVENTION: _l("Prevention"),
    NeedCategory.PARTNERSHIP: _l("Partnership"),
    NeedCategory.DATA: _l("Data and research"),
    NeedCategory.OTHER: _l("Other"),
}

SUMMARY_RESPONSES: dict[SummaryResponse, LazyString] = {
    SummaryResponse.PENDING: _l("Waiting for your confirmation"),
    SummaryResponse.CONFIRMED: _l("Confirmed"),
    SummaryResponse.CORRECTED: _l("Corrected"),
}


def delegate_status(status: RequestStatus) -> tuple[str, LazyString]:
    """(css slug, label) of the status a delegate sees."""
    return DELEGATE_STATUS[status]
