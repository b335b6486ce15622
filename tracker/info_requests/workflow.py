"""The status flow of a request: new → in progress → waiting on delegate → delivered → closed, or
declined / withdrawn with a reason. Finished requests can be reopened."""

from __future__ import annotations

from tracker.models import RequestStatus

_S = RequestStatus

TRANSITIONS: dict[RequestStatus, tuple[RequestStatus, ...]] = {
    _S.NEW: (_S.IN_PROGRESS, _S.WAITING, _S.DELIVERED, _S.DECLINED, _S.WITHDRAWN),
    _S.IN_PROGRESS: (_S.WAITING, _S.DELIVERED, _S.DECLINED, _S.WITHDRAWN),
    _S.WAITING: (_S.IN_PROGRESS, _S.DELIVERED, _S.DECLINED, _S.WITHDRAWN),
    _S.DELIVERED: (_S.CLOSED, _S.IN_PROGRESS),
    _S.CLOSED: (_S.IN_PROGRESS,),
    _S.DECLINED: (_S.IN_PROGRESS,),
    _S.WITHDRAWN: (_S.IN_PROGRESS,),
}


def next_statuses(current: RequestStatus) -> tuple[RequestStatus, ...]:
    return TRANSITIONS[current]


def action_label(current: RequestStatus, target: RequestStatus) -> str:
    """How the choice reads in the status form: reopening is named as such."""
    if target is _S.IN_PROGRESS and not current.is_open:
        return "Reopen (in progress)"
    return target.label
