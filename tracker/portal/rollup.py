"""The optional monthly roll-up: each delegate who asked for it gets their delegation's open requests once a month,
in the first week, on a weekday between 09:00 and 17:00 in their country's time zone.

Planned by the reminders planner (``rollup_rows(now, queued)``): one key per delegate and month, so however many
passes or schedulers run, each roll-up is queued once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import OPEN_STATUSES, Country, Delegate, Delegation, InfoRequest, PortalMail
from tracker.portal.notices import REASONS, delegate_mail
from tracker.portal.zones import country_zone
from tracker.reminders.mails import RenderedMail
from tracker.reminders.outbox import outbox_row
from tracker.reminders.schedule import in_working_hours
from tracker.routing import external_url

#: "A civil hour": a weekday, from 09:00 to 17:00 in the delegate's country.
CIVIL_START, CIVIL_END = time(9), time(17)
#: The roll-up goes out in the first days of the month; after that, that month's is dropped.
SEND_WITHIN_DAYS = 7


def is_civil_hour(local: datetime) -> bool:
    """Working hours on a working day (Monday to Friday), in the month's first days."""
    return in_working_hours(local, CIVIL_START, CIVIL_END, "12345") and local.day <= SEND_WITHIN_DAYS


def rollup_key(delegate_id: int, month: date) -> str:
    return f"{PortalMail.MONTHLY_ROLLUP}:delegate-{delegate_id}:{month:%Y-%m}"


def rollup_rows(now: datetime, queued: set[str]) -> list[dict[str, Any]]:
    """Outbox rows for every roll-up due at ``now`` and not queued yet (delegates with no open request get none)."""
    due: list[tuple[Delegate, date, datetime]] = []
    subscribers = db.session.execute(
        select(Delegate, Country.iso2)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(Country, Country.id == Delegation.country_id)
        .where(Delegate.wants_monthly_rollup.is_(True), Delegate.email.is_not(None))
    ).all()
    for delegate, iso2 in subscribers:
        zone = country_zone(iso2, current_app.config["TIMEZONE"])
        local = now.astimezone(zone)
        month = local.date().replace(day=1)
        if is_civil_hour(local) and rollup_key(delegate.id, month) not in queued:
            expires = datetime.combine(month + timedelta(days=SEND_WITHIN_DAYS), time(0), zone)
            due.append((delegate, month, expires))
    if not due:
        return []
    open_requests: dict[int, list[InfoRequest]] = defaultdict(list)
    for info_request in db.session.scalars(
        select(InfoRequest)
        .where(InfoRequest.delegation_id.in_({delegate.delegation_id for delegate, _, _ in due}),
               InfoRequest.status.in_(OPEN_STATUSES))
        .order_by(InfoRequest.due_on, InfoRequest.id)
    ):
        open_requests[info_request.delegation_id].append(info_request)
    return [
        outbox_row(
            key=rollup_key(delegate.id, month), kind=PortalMail.MONTHLY_ROLLUP, to=delegate.email or "", now=now,
            delegation_id=delegate.delegation_id, occurrence_on=month, expires_at=expires,
            mail=_rollup_mail(delegate, open_requests[delegate.delegation_id]),
        )
        for delegate, month, expires in due
        if open_requests[delegate.delegation_id]
    ]


def _rollup_mail(delegate: Delegate, requests: list[InfoRequest]) -> RenderedMail:
    return delegate_mail(
        delegate, "monthly_rollup", _l("Your open requests this month"), requests=requests,
        item_url=external_url("portal.sign_in"), reason=REASONS["rollup"],
    )
