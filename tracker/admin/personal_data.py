"""Admin → Personal data: find a delegate, export everything held about them, or erase them (typed confirmation).
Each of these is audited, the search included: its results show delegates' addresses."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, flash, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from tracker import audit, personal_data
from tracker.admin import bp
from tracker.admin.forms import EraseForm
from tracker.auth.access import acting_user, admin_only
from tracker.extensions import db
from tracker.models import AuditAction, Delegate, Delegation

#: Search results shown at most (a search is for one person).
MAX_RESULTS = 50


#: A delegate with what the pages show of their delegation.
WITH_DELEGATION = (joinedload(Delegate.delegation).joinedload(Delegation.country),
                   joinedload(Delegate.delegation).joinedload(Delegation.visit))


def _delegate(delegate_id: int) -> Delegate:
    return db.first_or_404(select(Delegate).where(Delegate.id == delegate_id).options(*WITH_DELEGATION))


@bp.get("/personal-data")
@admin_only
def personal_data_search() -> str:
    """Find a delegate by name or email, to export or erase their personal data."""
    query = request.args.get("q", "").strip()[:200]
    found: list[Delegate] = []
    if query:
        found = list(db.session.scalars(
            select(Delegate)
            .where(or_(Delegate.name.icontains(query, autoescape=True),
                       Delegate.email.icontains(query, autoescape=True)))
            .options(*WITH_DELEGATION)
            .order_by(Delegate.email, Delegate.id)
            .limit(MAX_RESULTS)
        ))
        if found:
            audit.record_read(AuditAction.PERSONAL_DETAILS_VIEWED,
                              f"Searched delegates' personal data: {len(found)} found", target_kind="delegate")
    return render_template("admin/personal_data.html", query=query, found=found, limit=MAX_RESULTS)


@bp.get("/delegates/<int:delegate_id>/export")
@admin_only
def personal_data_export(delegate_id: int) -> Response:
    """Everything held about a delegate, as a JSON file."""
    document = personal_data.export(_delegate(delegate_id), datetime.now(UTC))
    db.session.commit()  # the audit entry
    headers = {"Content-Disposition": f'attachment; filename="delegate-{delegate_id}-personal-data.json"'}
    return Response(document, mimetype="application/json", headers=headers)


@bp.route("/delegates/<int:delegate_id>/erase", methods=["GET", "POST"])
@admin_only
def erase(delegate_id: int) -> str | Response | tuple[str, int]:
    """Erase a delegate: their records stay, anonymised. Confirmed by typing ERASE."""
    delegate = _delegate(delegate_id)
    form = EraseForm()
    if form.validate_on_submit():
        done = personal_data.erase(delegate, acting_user(), datetime.now(UTC))
        db.session.commit()
        flash(f"Erased: {done.delegates} delegate record(s) anonymised, {done.links_and_sessions} portal link(s) "
              f"and session(s) deleted, {done.unsent_mail} unsent message(s) deleted, {done.emptied_mail} sent "
              "message(s) emptied.", "success")
        return redirect(url_for("delegations.detail", delegation_id=delegate.delegation_id, _anchor="delegates"))
    people = personal_data.same_person(delegate)
    page = render_template("admin/erase.html", delegate=delegate, people=people, form=form)
    return (page, 400) if form.is_submitted() else page
