"""Staff screens for the portal: invite a delegate, revoke a delegate's sessions, send "what we heard", and the
delegate activity page (questions, feedback, confirmations) that is the liaison's queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from tracker.auth.access import acting_user
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.models import Delegate, Delegation, NeedsSummary, TimelineEntry, TimelineKind
from tracker.portal import services, staff_bp
from tracker.portal.identity import open_sessions, revoke_sessions
from tracker.reminders.delivery import deliver

#: Timeline kinds written by delegates in the portal.
DELEGATE_KINDS = (TimelineKind.DELEGATE_ASKED, TimelineKind.FEEDBACK, TimelineKind.PORTAL)
ACTIVITY_LENGTH = 100


def _now() -> datetime:
    return datetime.now(UTC)


def delegation_panel(delegation: Delegation, delegates: list[Delegate]) -> dict[str, Any]:
    """What the delegation page's Portal section shows: open sessions per delegate and the latest summary."""
    emails = [delegate.email for delegate in delegates if delegate.email]
    summary = db.session.scalars(
        select(NeedsSummary).where(NeedsSummary.delegation_id == delegation.id)
        .options(joinedload(NeedsSummary.responded_by), joinedload(NeedsSummary.sent_by))
        .order_by(NeedsSummary.created_at.desc()).limit(1)
    ).first()
    return {"portal_sessions": open_sessions(emails, _now()), "latest_summary": summary}


def _delegate_of(delegation_id: int, delegate_id: int) -> Delegate:
    return db.first_or_404(select(Delegate).where(Delegate.id == delegate_id, Delegate.delegation_id == delegation_id))


def _back(delegation_id: int) -> Response:
    return redirect(url_for("delegations.detail", delegation_id=delegation_id, _anchor="portal"))


@staff_bp.post("/delegations/<int:delegation_id>/delegates/<int:delegate_id>/invite")
def invite(delegation_id: int, delegate_id: int) -> Response:
    """Email a delegate an invitation to the portal (a sign-in link valid 7 days)."""
    delegate = _delegate_of(delegation_id, delegate_id)
    if EmptyForm().validate_on_submit():
        if not delegate.email:
            flash(f"{delegate.name} has no email address: add one to invite them.", "error")
            return _back(delegation_id)
        outbox_ids = services.invite(delegate, acting_user(), _now())
        db.session.commit()
        report = deliver(_now(), only=outbox_ids)
        if report.sent:
            flash(f"Invitation sent to {delegate.email}.", "success")
        else:
            flash(f"The invitation to {delegate.email} is queued; the mail server did not take it yet "
                  "(see the mail log).", "error")
    return _back(delegation_id)


@staff_bp.post("/delegations/<int:delegation_id>/delegates/<int:delegate_id>/revoke")
def revoke(delegation_id: int, delegate_id: int) -> Response:
    """Sign a delegate out of the portal on every device."""
    delegate = _delegate_of(delegation_id, delegate_id)
    if EmptyForm().validate_on_submit() and delegate.email:
        ended = revoke_sessions(delegate.email, acting_user(), _now())
        db.session.commit()
        flash(f"{delegate.name} is signed out of the portal ({ended} session{'s' if ended != 1 else ''} ended).",
              "success")
    return _back(delegation_id)


@staff_bp.post("/delegations/<int:delegation_id>/heard")
def send_heard(delegation_id: int) -> Response:
    """Send the delegation "what we heard you ask for": its stated needs and requests, to confirm or correct."""
    delegation = db.get_or_404(Delegation, delegation_id)
    if EmptyForm().validate_on_submit():
        has_address = select(Delegate.id).where(Delegate.delegation_id == delegation_id, Delegate.email.is_not(None))
        if db.session.scalar(has_address.limit(1)) is None:
            flash("No delegate of this delegation has an email address: add one first.", "error")
            return _back(delegation_id)
        summary = services.send_summary(delegation, acting_user(), _now())
        if not summary.items:
            db.session.rollback()
            flash("Record the delegation's stated needs or requests first: the list would be empty.", "error")
            return _back(delegation_id)
        db.session.commit()
        flash("“What we heard you ask for” is on its way to the delegates.", "success")
    return _back(delegation_id)


@staff_bp.get("/delegate-activity")
def activity() -> str:
    """What delegates wrote or did in the portal, newest first: mine (as liaison) or the whole centre's."""
    everyone = request.args.get("who") == "all"
    query = (
        select(TimelineEntry)
        .join(Delegation, Delegation.id == TimelineEntry.delegation_id)
        .where(TimelineEntry.kind.in_(DELEGATE_KINDS), TimelineEntry.delegate_id.is_not(None))
        .options(joinedload(TimelineEntry.request),
                 joinedload(TimelineEntry.delegate).joinedload(Delegate.delegation).joinedload(Delegation.country))
        .order_by(TimelineEntry.created_at.desc(), TimelineEntry.id.desc())
        .limit(ACTIVITY_LENGTH)
    )
    if not everyone:
        query = query.where(Delegation.liaison_id == current_user.id)
    return render_template("portal/staff_activity.html", entries=db.session.scalars(query).unique().all(),
                           everyone=everyone)
