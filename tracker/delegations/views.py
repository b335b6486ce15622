"""Delegations: list with filters, add to a visit, detail, edit; delegates, stated needs and contacts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.wrappers import Response

from tracker import audit
from tracker.auth.access import acting_user
from tracker.clock import today
from tracker.countries.services import tier_histories
from tracker.delegations import bp
from tracker.delegations.forms import (
    TIER_FROM_HISTORY,
    ContactForm,
    DelegateForm,
    DelegationFilterForm,
    DelegationForm,
    NeedForm,
)
from tracker.delegations.queries import last_contact_on, no_contact_for, open_request_count
from tracker.delegations.services import (
    DuplicateError,
    create_delegation,
    log_contact,
    readable,
    save_delegate,
    save_need,
    update_delegation,
)
from tracker.exports.tables import DELEGATIONS
from tracker.exports.web import table_download
from tracker.extensions import db
from tracker.models import (
    OPEN_STATUSES,
    AuditAction,
    ContactLog,
    Delegate,
    Delegation,
    InfoRequest,
    StatedNeed,
    TimelineEntry,
    Visit,
)
from tracker.pagination import paginate
from tracker.portal.staff import delegation_panel
from tracker.saving import Conflict, commit_or_conflict

#: How many timeline entries a delegation page shows.
TIMELINE_LENGTH = 100
#: How many earlier delegations and latest contacts the printed brief lists, and how many report years of tiers.
BRIEF_ROWS, BRIEF_TIER_YEARS = 5, 10


#: The delegations list's order, which its CSV export keeps.
LIST_ORDER = (Visit.starts_on.desc(), Delegation.id.desc())


def _criteria(filters: DelegationFilterForm) -> list[ColumnElement[bool]]:
    """The list's filters as WHERE conditions on delegations and their visit and country."""
    criteria = filters.scope().criteria()
    if status := filters.value("status"):
        criteria.append(Delegation.status == status)
    if days := filters.value("no_contact_days"):
        criteria.append(no_contact_for(days, today()))
    return criteria


def _read_in_order(filters: DelegationFilterForm, criteria: list[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    """The list's ``criteria`` written for reading the list in its order (visits newest first), 25 at a time.

    SQLite's planner takes a filter on the status, tier, region or time without contact for a narrow one: it reads
    every delegation that matches (two thirds of them for "closed") and sorts them all, to show 25 (90 ms at
    national scale). Each keeps a large share of the delegations, and a page of them is met soon walking the visits
    newest first, as the unfiltered list does (1 ms): SQLite is told so (``likelihood``). A country or a visit year
    is narrow, and read from its index as the planner chooses. The count, which reads every match anyway, keeps the
    criteria as they are. PostgreSQL weighs them right."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return criteria
    if dialect == "sqlite":
        scope = filters.scope()
        if scope.country_id is not None or scope.year is not None:
            return criteria
        return [func.likelihood(criterion, literal_column("0.9")) for criterion in criteria]
    raise NotImplementedError(f"no delegations list written for {dialect}")


@bp.get("/delegations/", endpoint="list")
def list_delegations() -> str:
    """List delegations, filtered by country, tier at visit, region, visit year, status and time without contact."""
    filters = DelegationFilterForm()
    criteria = _criteria(filters)
    query = (
        select(Delegation, open_request_count().label("open_requests"), last_contact_on().label("last_contact"))
        .join(Delegation.visit)
        .join(Delegation.country)
        .options(contains_eager(Delegation.country), joinedload(Delegation.liaison), contains_eager(Delegation.visit))
        .where(*_read_in_order(filters, criteria))
    )
    # The visit and the country are joined to count only when a filter reads them.
    scope = filters.scope()
    counted = select(Delegation.id).where(*criteria)
    if scope.year is not None or filters.value("no_contact_days"):
        counted = counted.join(Delegation.visit)
    if scope.region is not None:
        counted = counted.join(Delegation.country)
    page = paginate(query, LIST_ORDER, filters, counted=counted)
    return render_template("delegations/list.html", page=page, filters=filters)


@bp.get("/delegations/export.csv")
def export() -> Response:
    """Download every delegation the list shows with the same filters, as CSV."""
    return table_download("delegations", DELEGATIONS, *_criteria(DelegationFilterForm()), order_by=LIST_ORDER)


@bp.route("/visits/<int:visit_id>/delegations/new", methods=["GET", "POST"])
def add(visit_id: int) -> str | Response:
    """Add a delegation to a visit; its tier is taken from the TIP-report history unless chosen."""
    visit = db.get_or_404(Visit, visit_id)
    form = DelegationForm()
    if form.validate_on_submit():
        try:
            delegation = create_delegation(visit, form.fields(), acting_user())
        except DuplicateError as error:
            db.session.rollback()
            form.country_id.errors.append(str(error))
        else:
            db.session.commit()
            flash("Delegation saved. Record its delegates, stated needs and requests.", "success")
            return redirect(url_for("delegations.detail", delegation_id=delegation.id))
    elif not form.is_submitted():
        form.tier.data = TIER_FROM_HISTORY
        form.liaison_id.data = current_user.id  # whoever records the delegation usually follows it up
    return render_template("delegations/form.html", form=form, visit=visit, delegation=None)


def _load_delegation(delegation_id: int) -> Delegation:
    return db.first_or_404(
        select(Delegation)
        .where(Delegation.id == delegation_id)
        .options(joinedload(Delegation.visit), joinedload(Delegation.country), joinedload(Delegation.liaison))
    )


@bp.get("/delegations/<int:delegation_id>")
def detail(delegation_id: int) -> str:
    """Show a delegation: needs, requests, delegates, contacts and the timeline."""
    delegation = _load_delegation(delegation_id)
    delegates = db.session.scalars(delegation.delegates.select()).all()
    needs = db.session.scalars(delegation.needs.select()).all()
    requests = db.session.scalars(
        select(InfoRequest)
        .where(InfoRequest.delegation_id == delegation_id)
        .options(joinedload(InfoRequest.owner))
        .order_by(InfoRequest.due_on, InfoRequest.id)
    ).all()
    contacts = db.session.scalars(delegation.contacts.select().options(joinedload(ContactLog.logged_by))).all()
    if any(delegate.email for delegate in delegates):
        audit.record_read(AuditAction.PERSONAL_DETAILS_VIEWED, f"Opened delegation #{delegation_id}, which lists "
                          "its delegates' email addresses", target_kind="delegation", target_id=delegation_id)
    timeline = db.session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.delegation_id == delegation_id)
        .options(joinedload(TimelineEntry.actor), joinedload(TimelineEntry.request))
        .order_by(TimelineEntry.created_at.desc(), TimelineEntry.id.desc())
        .limit(TIMELINE_LENGTH)
    ).all()
    return render_template(
        "delegations/detail.html",
        delegation=delegation,
        delegates=delegates,
        needs=needs,
        requests=requests,
        contacts=contacts,
        timeline=timeline,
        **delegation_panel(delegation, list(delegates)),
    )


@bp.get("/delegations/<int:delegation_id>/brief")
def brief(delegation_id: int) -> str:
    """A one-page brief to print before meeting the delegation: who they are, what they need, what the centre
    still owes them, their country's tiers, earlier delegations from that country and the latest contacts."""
    delegation = _load_delegation(delegation_id)
    owed = db.session.scalars(
        select(InfoRequest)
        .where(InfoRequest.delegation_id == delegation_id, InfoRequest.status.in_(OPEN_STATUSES))
        .options(joinedload(InfoRequest.owner))
        .order_by(InfoRequest.due_on, InfoRequest.id)
    ).all()
    delivered = db.session.execute(
        select(func.count(), func.max(InfoRequest.delivered_at)).where(
            InfoRequest.delegation_id == delegation_id, InfoRequest.delivered_at.is_not(None)
        )
    ).one()
    earlier = db.session.execute(
        select(Delegation, open_request_count().label("open_requests"), last_contact_on().label("last_contact"))
        .join(Delegation.visit)
        .where(Delegation.country_id == delegation.country_id, Delegation.id != delegation_id)
        .options(contains_eager(Delegation.visit), joinedload(Delegation.liaison))
        .order_by(Visit.starts_on.desc(), Delegation.id.desc())
        .limit(BRIEF_ROWS)
    ).all()
    placements = tier_histories([delegation.country_id])[delegation.country_id]
    return render_template(
        "delegations/brief.html",
        delegation=delegation,
        delegates=db.session.scalars(delegation.delegates.select()).all(),
        needs=db.session.scalars(delegation.needs.select()).all(),
        owed=owed,
        delivered_count=delivered[0],
        last_delivered=delivered[1],
        tiers=sorted(placements.items())[-BRIEF_TIER_YEARS:],
        earlier=earlier,
        contacts=db.session.scalars(
            delegation.contacts.select().options(joinedload(ContactLog.logged_by)).limit(BRIEF_ROWS)
        ).all(),
    )


@bp.route("/delegations/<int:delegation_id>/edit", methods=["GET", "POST"])
def edit(delegation_id: int) -> tuple[str, int] | Response:
    """Edit a delegation, including its tier snapshot; a save based on an outdated copy is refused with what
    changed meanwhile."""
    delegation = _load_delegation(delegation_id)
    form = DelegationForm(obj=delegation)
    conflict = None
    if form.is_submitted() and form.is_stale(delegation):
        conflict = _conflict(form, delegation)
    elif form.validate_on_submit():
        try:
            update_delegation(delegation, form.fields(), delegation.visit, acting_user())
        except DuplicateError as error:
            form.country_id.errors.append(str(error))
        else:
            if commit_or_conflict():
                flash("Delegation saved.", "success")
                return redirect(url_for("delegations.detail", delegation_id=delegation.id))
            delegation = _load_delegation(delegation_id)  # as the other person saved it
            conflict = _conflict(form, delegation)
    elif not form.is_submitted():
        form.open_on(delegation, readable(delegation))
    page = render_template(
        "delegations/form.html", form=form, visit=delegation.visit, delegation=delegation, conflict=conflict
    )
    return page, 409 if conflict else 200  # 409 Conflict: refused, the form shown again


def _conflict(form: DelegationForm, delegation: Delegation) -> Conflict:
    saved_by = [TimelineEntry.delegation_id == delegation.id, TimelineEntry.request_id.is_(None)]
    return form.conflict_with(delegation, readable(delegation), saved_by)


def _child_or_404(model: type[Delegate] | type[StatedNeed], child_id: int, delegation_id: int):  # type: ignore[no-untyped-def]
    """A delegate or need of this delegation; another delegation's id answers 404."""
    return db.first_or_404(select(model).where(model.id == child_id, model.delegation_id == delegation_id))


@bp.route("/delegations/<int:delegation_id>/delegates/new", methods=["GET", "POST"])
@bp.route("/delegations/<int:delegation_id>/delegates/<int:delegate_id>/edit", methods=["GET", "POST"])
def delegate_form(delegation_id: int, delegate_id: int | None = None) -> str | Response:
    """Add or edit a delegate of this delegation."""
    delegation = _load_delegation(delegation_id)
    delegate = _child_or_404(Delegate, delegate_id, delegation_id) if delegate_id else None
    form = DelegateForm(obj=delegate)
    if form.validate_on_submit():
        try:
            save_delegate(delegation, form.fields(), acting_user(), delegate)
        except DuplicateError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash("Delegate saved.", "success")
            return redirect(url_for("delegations.detail", delegation_id=delegation_id, _anchor="delegates"))
    if delegate is not None and delegate.email and request.method == "GET":
        audit.record_read(AuditAction.PERSONAL_DETAILS_VIEWED, f"Opened the form of delegate #{delegate.id}",
                          target_kind="delegate", target_id=delegate.id)
    heading = f"Edit {delegate.name}" if delegate else "Add a delegate"
    return render_template("delegations/child_form.html", form=form, delegation=delegation, heading=heading)


@bp.route("/delegations/<int:delegation_id>/needs/new", methods=["GET", "POST"])
@bp.route("/delegations/<int:delegation_id>/needs/<int:need_id>/edit", methods=["GET", "POST"])
def need_form(delegation_id: int, need_id: int | None = None) -> str | Response:
    """Record or edit what the delegation said it needs."""
    delegation = _load_delegation(delegation_id)
    need = _child_or_404(StatedNeed, need_id, delegation_id) if need_id else None
    form = NeedForm(obj=need)
    if form.validate_on_submit():
        save_need(delegation, form.fields(), acting_user(), need)
        db.session.commit()
        flash("Stated need saved.", "success")
        return redirect(url_for("delegations.detail", delegation_id=delegation_id, _anchor="needs"))
    heading = "Edit stated need" if need else "Record a stated need"
    return render_template("delegations/child_form.html", form=form, delegation=delegation, heading=heading)


@bp.route("/delegations/<int:delegation_id>/contacts/new", methods=["GET", "POST"])
def contact_form(delegation_id: int) -> str | Response:
    """Log a check-in with the delegation (email, call, meeting or note)."""
    delegation = _load_delegation(delegation_id)
    form = ContactForm()
    if form.validate_on_submit():
        log_contact(delegation, form.fields(), acting_user())
        db.session.commit()
        flash("Contact logged.", "success")
        return redirect(url_for("delegations.detail", delegation_id=delegation_id, _anchor="contacts"))
    heading = "Log a contact"
    return render_template("delegations/child_form.html", form=form, delegation=delegation, heading=heading)
