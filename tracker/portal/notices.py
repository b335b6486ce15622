"""Mail to delegates (and, when a delegate writes, to staff), through the reminders outbox.

Each message is one outbox row whose key names its occurrence, so a retried request or a second scheduler
never doubles it. Delegate mail is written in the delegate's language and carries a fresh sign-in link.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import (
    Country,
    Delegate,
    Delegation,
    InfoRequest,
    LinkPurpose,
    Material,
    MaterialVersion,
    NeedsSummary,
    OutboxMessage,
    PortalLink,
    PortalMail,
    RequestMaterial,
    TimelineEntry,
    User,
)
from tracker.portal.identity import issue_link
from tracker.portal.languages import portal_language
from tracker.reminders.mails import RenderedMail, render_mail
from tracker.reminders.outbox import insert_new, outbox_row, queue_one
from tracker.routing import external_url


def link_url(token: str, next_path: str | None = None) -> str:
    return external_url("portal.link", token=token, **({"next": next_path} if next_path else {}))


#: Why a delegate got a mail (the footer), translated when the mail is rendered.
REASONS = {
    "material": _l("You are a delegate of this delegation and asked to hear when materials are shared."),
    "delivered": _l("You are a delegate of this delegation and asked to hear when requests are delivered."),
    "summary": _l("You are a delegate of this delegation; we would like to be sure we understood you."),
    "rollup": _l("You asked for a monthly summary of your delegation's open requests."),
}


def delegate_mail(delegate: Delegate, template: str, subject: LazyString, **context: Any) -> RenderedMail:
    """Render ``templates/email/portal/<template>`` in the delegate's language; lazy strings (the subject, the
    reason) are translated then."""
    with force_locale(portal_language(delegate.preferred_language)):
        return render_mail(
            f"portal/{template}", str(subject),
            recipient_name=delegate.name,
            preferences_url=external_url("portal.preferences"),
            **context,
        )


def _sign_in_url(delegate: Delegate, now: datetime, next_path: str) -> str:
    assert delegate.email
    token, _link = issue_link(delegate.email, LinkPurpose.NOTIFICATION, now)
    return link_url(token, next_path)


def notified_delegates(delegation_id: int) -> list[Delegate]:
    """The delegation's delegates who have an address and want notifications."""
    return list(db.session.scalars(
        select(Delegate).where(
            Delegate.delegation_id == delegation_id, Delegate.email.is_not(None), Delegate.wants_notifications
        ).order_by(Delegate.id)
    ))


def sign_in_link(link: PortalLink, token: str, delegate_name: str, language: str, now: datetime) -> list[int]:
    """Queue a sign-in link (asked for by the delegate, or an invitation from staff); returns the row's id."""
    invited = link.purpose is LinkPurpose.INVITATION
    with force_locale(language):
        mail = render_mail(
            "portal/invitation" if invited else "portal/sign_in_link",
            _("You are invited to the follow-up portal") if invited else _("Your sign-in link"),
            recipient_name=delegate_name,
            item_url=link_url(token),
            reason=_("An invitation from the centre's staff.") if invited else
            _("Someone (we hope you) asked for a sign-in link with this address."),
            preferences_url=external_url("portal.preferences"),
        )
    kind = PortalMail.INVITATION if invited else PortalMail.PORTAL_LINK
    row = outbox_row(key=f"{kind}:link-{link.id}", kind=kind, to=link.email, mail=mail, expires_at=link.expires_at,
                     now=now)
    return [queue_one(row).id]


def material_shared(attachment: RequestMaterial, info_request: InfoRequest, material: Material,
                    version: MaterialVersion, now: datetime) -> list[str]:
    """Tell the delegation a material (or a new version of one) is in its portal."""
    return _about_request(
        info_request, PortalMail.MATERIAL_SHARED, f"version-{version.id}:request-{info_request.id}", now,
        "material_shared", _l("New material for you: %(title)s", title=material.title), REASONS["material"],
        material_title=material.title, version=version.number, request_title=info_request.title,
    )


def request_delivered(info_request: InfoRequest, now: datetime) -> list[str]:
    """Tell the delegation a request was delivered (once per delivery: reopening and delivering again is new)."""
    assert info_request.delivered_at is not None
    stamp = info_request.delivered_at.strftime("%Y%m%dT%H%M%S")
    return _about_request(
        info_request, PortalMail.REQUEST_DELIVERED, f"request-{info_request.id}:{stamp}", now,
        "request_delivered", _l("Delivered: %(title)s", title=info_request.title), REASONS["delivered"],
        request_title=info_request.title,
    )


def _about_request(info_request: InfoRequest, kind: PortalMail, occurrence: str, now: datetime, template: str,
                   subject: LazyString, reason: LazyString, **context: Any) -> list[str]:
    """One mail per notified delegate, keyed by the occurrence: queued once, however often it is called (and no
    sign-in link is issued for a mail that is queued already)."""
    delegates = notified_delegates(info_request.delegation_id)
    keys = {delegate.id: f"{kind}:{occurrence}:delegate-{delegate.id}" for delegate in delegates}
    queued = set(db.session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(keys.values()))))
    path = f"/portal/requests/{info_request.id}"
    rows = [
        outbox_row(
            key=keys[delegate.id], kind=kind, to=delegate.email or "", now=now, request_id=info_request.id,
            delegation_id=info_request.delegation_id,
            mail=delegate_mail(delegate, template, subject, item_url=_sign_in_url(delegate, now, path),
                               reason=reason, **context),
        )
        for delegate in delegates
        if keys[delegate.id] not in queued
    ]
    return insert_new(rows)


def needs_summary(summary: NeedsSummary, delegates: Iterable[Delegate], now: datetime) -> list[str]:
    """Send "what we heard you ask for" to each delegate with an address (asked of all, whatever their
    notification preference: it is a question, not a notice)."""
    path = f"/portal/heard/{summary.id}"
    rows = [
        outbox_row(
            key=f"{PortalMail.NEEDS_SUMMARY}:summary-{summary.id}:delegate-{delegate.id}",
            kind=PortalMail.NEEDS_SUMMARY, to=delegate.email, now=now, delegation_id=summary.delegation_id,
            mail=delegate_mail(
                delegate, "needs_summary", _l("What we heard you ask for"), items=summary.items,
                item_url=_sign_in_url(delegate, now, path), reason=REASONS["summary"],
            ),
        )
        for delegate in delegates if delegate.email
    ]
    return insert_new(rows)


def delegate_wrote(entry: TimelineEntry, info_request: InfoRequest, delegate: Delegate, now: datetime) -> list[str]:
    """Tell the delegation's liaison (and the request's owner, if someone else) that a delegate wrote."""
    delegation = db.session.get_one(Delegation, info_request.delegation_id)
    country = db.session.scalar(select(Country.name).where(Country.id == delegation.country_id))
    staff = db.session.scalars(
        select(User).where(User.id.in_({delegation.liaison_id, info_request.owner_id}), User.is_enabled)
    ).all()
    rows = [
        outbox_row(
            key=f"{PortalMail.DELEGATE_MESSAGE}:entry-{entry.id}:user-{user.id}",
            kind=PortalMail.DELEGATE_MESSAGE, to=user, now=now, request_id=info_request.id,
            delegation_id=info_request.delegation_id,
            mail=render_mail(
                "portal/delegate_message", f"{delegate.name} ({country}) wrote: {info_request.title}",
                recipient_name=user.name, delegate_name=delegate.name, country=country, summary=entry.summary,
                body=entry.body, item_url=external_url("info_requests.detail", request_id=info_request.id),
                reason="You are the liaison of this delegation or the owner of this request.",
            ),
        )
        for user in staff
    ]
    return insert_new(rows)
