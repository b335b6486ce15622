"""What delegates do in the portal, and what staff do for them; every change lands in the timeline, callers commit.

A delegate's question becomes a new request owned by the delegation's liaison, or a message on one of their
requests; either way it is in the liaison's queue (the request list, the delegate activity page) and by email.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from tracker import wording
from tracker.clock import today
from tracker.extensions import db
from tracker.models import (
    Delegate,
    Delegation,
    InfoRequest,
    LinkPurpose,
    MaterialDownload,
    MaterialFeedback,
    MaterialVersion,
    NeedsSummary,
    Priority,
    RequestKind,
    RequestMaterial,
    StatedNeed,
    SummaryResponse,
    TimelineKind,
    User,
    Verdict,
)
from tracker.portal import notices
from tracker.portal.identity import issue_link
from tracker.portal.languages import portal_language
from tracker.timeline import record

#: A request asked for in the portal is due this many days later, until its owner sets the real date.
NEW_REQUEST_DUE_DAYS = 30


def ask(delegate: Delegate, about: InfoRequest | None, subject: str, message: str, now: datetime) -> InfoRequest:
    """A new request (``about`` None) for the delegation's liaison, or a message on one of its requests."""
    if about is None:
        delegation = db.session.get_one(Delegation, delegate.delegation_id)
        about = InfoRequest(
            delegation_id=delegation.id, kind=RequestKind.OTHER, title=subject, description=message,
            owner_id=delegation.liaison_id, due_on=today() + timedelta(days=NEW_REQUEST_DUE_DAYS),
            priority=Priority.NORMAL, created_at=now,
        )
        db.session.add(about)
        db.session.flush()
        summary = wording.delegate_requested(delegate.name, subject)
    else:
        summary = wording.delegate_wrote(delegate.name)
    entry = record(TimelineKind.DELEGATE_ASKED, summary, delegation_id=about.delegation_id, request_id=about.id,
                   body=message, actor=None, delegate_id=delegate.id, shared_with_delegation=True)
    db.session.flush()
    notices.delegate_wrote(entry, about, delegate, now)
    return about


def record_download(delegate: Delegate, attachment: RequestMaterial, version: MaterialVersion, now: datetime) -> None:
    db.session.add(MaterialDownload(request_material_id=attachment.id, version_id=version.id, delegate_id=delegate.id,
                                    downloaded_at=now))


def give_feedback(delegate: Delegate, attachment: RequestMaterial, info_request: InfoRequest, title: str,
                  verdict: Verdict, comment: str, now: datetime) -> None:
    """One feedback per delegate and material, changed in place; "need more" reaches the liaison by email."""
    feedback = db.session.scalar(select(MaterialFeedback).where(
        MaterialFeedback.request_material_id == attachment.id, MaterialFeedback.delegate_id == delegate.id))
    if feedback is None:
        feedback = MaterialFeedback(request_material_id=attachment.id, delegate_id=delegate.id)
        db.session.add(feedback)
    feedback.verdict, feedback.comment, feedback.updated_at = verdict, comment, now
    entry = record(TimelineKind.FEEDBACK, wording.feedback_given(delegate.name, title, verdict), body=comment,
                   delegation_id=info_request.delegation_id, request_id=info_request.id, actor=None,
                   delegate_id=delegate.id)
    if verdict is Verdict.NEED_MORE:
        db.session.flush()
        notices.delegate_wrote(entry, info_request, delegate, now)


def save_preferences(email: str, language: str, wants_notifications: bool, wants_monthly_rollup: bool) -> None:
    """A person's preferences apply to every delegation that lists their address."""
    db.session.execute(
        update(Delegate).where(Delegate.email == email).values(
            preferred_language=language, wants_notifications=wants_notifications,
            wants_monthly_rollup=wants_monthly_rollup)
        .execution_options(synchronize_session=False)
    )


def invite(delegate: Delegate, actor: User, now: datetime) -> list[int]:
    """Email a delegate a 7-day sign-in link; returns the outbox ids, to send at once."""
    assert delegate.email
    token, link = issue_link(delegate.email, LinkPurpose.INVITATION, now, created_by=actor)
    record(TimelineKind.PORTAL, wording.portal_invitation(delegate.name), delegation_id=delegate.delegation_id,
           actor=actor)
    return notices.sign_in_link(link, token, delegate.name, portal_language(delegate.preferred_language), now)


def summary_items(delegation_id: int) -> list[dict[str, Any]]:
    """The delegation's stated needs and requests, as the delegation will read them."""
    needs = db.session.scalars(select(StatedNeed).where(StatedNeed.delegation_id == delegation_id)
                               .order_by(StatedNeed.id))
    requests = db.session.scalars(select(InfoRequest).where(InfoRequest.delegation_id == delegation_id)
                                  .order_by(InfoRequest.id))
    return [
        *({"section": "need", "category": need.category.value, "text": need.description} for need in needs),
        *({"section": "request", "category": request.kind.value, "text": request.title} for request in requests),
    ]


def send_summary(delegation: Delegation, actor: User, now: datetime) -> NeedsSummary:
    """Send "what we heard you ask for" to every delegate with an address."""
    summary = NeedsSummary(delegation_id=delegation.id, items=summary_items(delegation.id), sent_by_id=actor.id,
                           created_at=now)
    db.session.add(summary)
    db.session.flush()
    delegates = db.session.scalars(delegation.delegates.select()).all()
    notices.needs_summary(summary, delegates, now)
    record(TimelineKind.PORTAL, wording.summary_sent(len(summary.items)), delegation_id=delegation.id, actor=actor)
    return summary


def respond_to_summary(summary: NeedsSummary, delegate: Delegate, correction: str, now: datetime) -> None:
    """The delegation confirms the list (no correction) or corrects it; the liaison sees it in the timeline."""
    summary.response = SummaryResponse.CORRECTED if correction else SummaryResponse.CONFIRMED
    summary.correction, summary.responded_at, summary.responded_by_id = correction, now, delegate.id
    record(TimelineKind.PORTAL, wording.summary_answered(delegate.name, bool(correction)), body=correction,
           delegation_id=summary.delegation_id, actor=None, delegate_id=delegate.id)
