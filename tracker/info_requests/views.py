"""Information requests: list with filters, add from a delegation or a need, detail, edit, status, comments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import contains_eager, joinedload
from werkzeug.wrappers import Response

from tracker.auth.access import acting_user
from tracker.clock import today
from tracker.exports.tables import REQUESTS
from tracker.exports.web import table_download
from tracker.extensions import db
from tracker.forms import VersionedForm
from tracker.info_requests import bp
from tracker.info_requests.forms import (
    DELIVERED,
    LATE,
    ON_TIME,
    OPEN,
    OVERDUE,
    CommentForm,
    RemindersForm,
    RequestFilterForm,
    RequestForm,
    StatusForm,
)
from tracker.info_requests.queries import (
    delivered,
    delivered_late,
    delivered_on_time,
    overdue,
    overdue_on,
    title_contains,
    title_contains_indexed,
    title_index_only,
    trigram_indexed,
)
from tracker.info_requests.services import (
    TransitionError,
    add_comment,
    change_status,
    create_request,
    needs_of,
    readable,
    set_reminders,
    update_request,
)
from tracker.materials.views import request_panel
from tracker.models import OPEN_STATUSES, Delegation, InfoRequest, RequestStatus, TimelineEntry
from tracker.models.requests import OPEN_LITERALS
from tracker.pagination import paginate
from tracker.portal.notices import request_delivered
from tracker.saving import Conflict, commit_or_conflict

#: The requests list's order, which its CSV export keeps.
LIST_ORDER = (InfoRequest.due_on, InfoRequest.id)


def _criteria(filters: RequestFilterForm, *, indexed: bool = False) -> list[ColumnElement[bool]]:
    """The list's filters as WHERE conditions on requests and their delegation, visit and country; ``indexed``:
    with the title filter written to start from the titles' trigram index."""
    scope = filters.scope()
    criteria = scope.criteria()
    if owner := filters.value("owner"):
        criteria.append(InfoRequest.owner_id == int(owner))
    if status := filters.value("status"):
        # The open ones as the partial index of the open requests reads them (see OPEN_LITERALS).
        criteria.append(InfoRequest.status.in_(OPEN_LITERALS) if status == OPEN else InfoRequest.status == status)
    if kind := filters.value("kind"):
        criteria.append(InfoRequest.kind == kind)
    if due_from := filters.value("due_from"):
        criteria.append(InfoRequest.due_on >= due_from)
    if due_to := filters.value("due_to"):
        criteria.append(InfoRequest.due_on <= due_to)
    if text := filters.value("q"):
        kinds, statuses = _kinds_and_statuses(filters)
        # A visit year or a country narrows the list to a twentieth of the requests or fewer: their titles are
        # read one by one from there (SQLite: 40 ms for a year at national scale, whatever the text), as the
        # trigram index would find every title with the text first (142,000 "trafficking": 130 ms).
        few_delegations = scope.year is not None or scope.country_id is not None
        criteria.append(title_contains_indexed(text, kinds, statuses) if indexed and not few_delegations
                        else title_contains(text))
    if delivery := filters.value("delivery"):
        by_delivery = {
            OVERDUE: lambda: overdue(today()),
            DELIVERED: delivered,
            ON_TIME: delivered_on_time,
            LATE: delivered_late,
        }
        criteria.append(by_delivery[delivery]())
    if day := filters.value("overdue_on"):
        criteria.append(overdue_on(day))
    return criteria


def _kinds_and_statuses(filters: RequestFilterForm) -> tuple[set[str], set[str]]:
    """The kinds and statuses the list's filters ask for (none: any), for the titles' trigram index."""
    kind, status = filters.value("kind"), filters.value("status")
    statuses = {open_status.value for open_status in OPEN_STATUSES} if status == OPEN else {status} if status else set()
    return {kind} if kind else set(), statuses


def _joined(query: Select[Any]) -> Select[Any]:
    """``query`` on requests joined to their delegation, its country and its visit."""
    return query.join(InfoRequest.delegation).join(Delegation.country).join(Delegation.visit)


def _bare(filters: RequestFilterForm, criteria: list[ColumnElement[bool]]) -> Select[Any]:
    """The requests meeting ``criteria``, joined only when the scope's filters (country, tier, region, year) need."""
    bare = select(InfoRequest.id).where(*criteria)
    return _joined(bare) if filters.scope().criteria() else bare


@bp.get("/requests/", endpoint="list")
def list_requests() -> str:
    """List requests by due date, filtered by owner, status, kind, due range, delivery and delegation."""
    filters = RequestFilterForm()
    criteria = _criteria(filters)
    query = (
        _joined(select(InfoRequest))
        .options(
            joinedload(InfoRequest.owner),
            contains_eager(InfoRequest.delegation).contains_eager(Delegation.country),
            contains_eager(InfoRequest.delegation).contains_eager(Delegation.visit),
        )
        .where(*criteria)
    )
    counted, indexed = _bare(filters, criteria), None
    if trigram_indexed(text := filters.value("q")):
        # A title filter finds its requests from the titles' trigram index, not in the list's order (see paginate):
        # counted first when the index knows every filter of the list (a common word's count stops at the cap,
        # cheaper than reading its keys), else counted by reading their keys (the count would look them up twice).
        indexed, counted = _bare(filters, _criteria(filters, indexed=True)), None
        kinds, statuses = _kinds_and_statuses(filters)
        if len(criteria) == 1 + bool(kinds) + bool(statuses):
            in_index = title_index_only(text, kinds, statuses)
            counted = indexed if in_index is None else in_index
    page = paginate(query, LIST_ORDER, filters, counted=counted, scalars=True, indexed=indexed)
    return render_template("info_requests/list.html", page=page, filters=filters)


@bp.get("/requests/export.csv")
def export() -> Response:
    """Download every request the list shows with the same filters, as CSV."""
    return table_download("requests", REQUESTS, *_criteria(RequestFilterForm()), order_by=LIST_ORDER)


@bp.route("/delegations/<int:delegation_id>/requests/new", methods=["GET", "POST"])
def add(delegation_id: int) -> str | Response:
    """Log a request for a delegation (from a stated need with ?need=ID); the liaison owns it by default."""
    delegation = db.first_or_404(
        select(Delegation)
        .where(Delegation.id == delegation_id)
        .options(joinedload(Delegation.country), joinedload(Delegation.visit))
    )
    form = RequestForm(needs_of(delegation_id))
    if form.validate_on_submit():
        info_request = create_request(delegation, form.fields(), acting_user())
        db.session.commit()
        flash("Request saved.", "success")
        return redirect(url_for("info_requests.detail", request_id=info_request.id))
    if not form.is_submitted():
        form.owner_id.data = delegation.liaison_id
        need = request.args.get("need", type=int)
        if need in {choice.value for choice in form.need_id.choices}:
            form.need_id.data = need
    return render_template("info_requests/form.html", form=form, delegation=delegation, info_request=None)


def _load_request(request_id: int) -> InfoRequest:
    return db.first_or_404(
        select(InfoRequest)
        .where(InfoRequest.id == request_id)
        .options(
            joinedload(InfoRequest.owner),
            joinedload(InfoRequest.need),
            joinedload(InfoRequest.delegation).joinedload(Delegation.country),
            joinedload(InfoRequest.delegation).joinedload(Delegation.visit),
        )
    )


def _render_detail(
    info_request: InfoRequest, *, status_form: StatusForm | None = None, comment_form: CommentForm | None = None,
    reminders_form: RemindersForm | None = None, conflict: Conflict | None = None,
) -> str:
    """The request page; the forms not given are opened on the request as it is."""
    timeline = db.session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.request_id == info_request.id)
        .options(joinedload(TimelineEntry.actor))
        .order_by(TimelineEntry.created_at.desc(), TimelineEntry.id.desc())
    ).all()
    if status_form is None:
        status_form = StatusForm(info_request, formdata=None)
        status_form.open_on(info_request, readable(info_request))
    if reminders_form is None:
        reminders_form = RemindersForm(formdata=None, obj=info_request)
        reminders_form.open_on(info_request, readable(info_request))
    return render_template(
        "info_requests/detail.html",
        info_request=info_request,
        timeline=timeline,
        status_form=status_form,
        comment_form=comment_form or CommentForm(formdata=None),
        reminders_form=reminders_form,
        conflict=conflict,
        **request_panel(info_request),
    )


def _conflict(form: VersionedForm, request_id: int) -> tuple[InfoRequest, Conflict]:
    """The request as it is now (loaded again: a failed save rolled back) and what changed since the form opened."""
    info_request = _load_request(request_id)
    saved_by = [TimelineEntry.request_id == request_id]
    return info_request, form.conflict_with(info_request, readable(info_request), saved_by)


@bp.get("/requests/<int:request_id>")
def detail(request_id: int) -> str:
    """Show a request with its timeline, status change and comment forms."""
    return _render_detail(_load_request(request_id), comment_form=CommentForm())


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
def edit(request_id: int) -> tuple[str, int] | Response:
    """Edit a request; a save based on an outdated copy is refused with what changed meanwhile."""
    info_request = _load_request(request_id)
    form = RequestForm(needs_of(info_request.delegation_id), obj=info_request)
    conflict = None
    if form.is_submitted() and form.is_stale(info_request):
        info_request, conflict = _conflict(form, request_id)
    elif form.validate_on_submit():
        update_request(info_request, form.fields(), acting_user())
        if commit_or_conflict():
            flash("Request saved.", "success")
            return redirect(url_for("info_requests.detail", request_id=request_id))
        info_request, conflict = _conflict(form, request_id)
    elif not form.is_submitted():
        form.open_on(info_request, readable(info_request))
    page = render_template("info_requests/form.html", form=form, delegation=info_request.delegation,
                           info_request=info_request, conflict=conflict)
    return page, 409 if conflict else 200  # 409 Conflict: refused, the form shown again


@bp.post("/requests/<int:request_id>/status")
def status(request_id: int) -> tuple[str, int] | Response:
    """Change a request's status (declined and withdrawn need a reason)."""
    info_request = _load_request(request_id)
    form = StatusForm(info_request)
    if not form.is_stale(info_request):
        if not form.validate_on_submit():
            return _render_detail(info_request, status_form=form), 400
        try:
            target = RequestStatus(form.status.data)
            change_status(info_request, target, acting_user(), form.reason.data or "")
            if target is RequestStatus.DELIVERED:
                with db.session.no_autoflush:  # a stale save must fail in commit_or_conflict, mail and all
                    request_delivered(info_request, datetime.now(UTC))
        except TransitionError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("info_requests.detail", request_id=request_id))
        if commit_or_conflict():
            flash(f"Status changed to {info_request.status.label}.", "success")
            return redirect(url_for("info_requests.detail", request_id=request_id))
    info_request, conflict = _conflict(form, request_id)
    return _render_detail(info_request, status_form=form, conflict=conflict), 409


@bp.post("/requests/<int:request_id>/comments")
def comment(request_id: int) -> tuple[str, int] | Response:
    """Add a comment to the request's timeline."""
    info_request = _load_request(request_id)
    form = CommentForm()
    if form.validate_on_submit():
        add_comment(info_request, form.body.data, acting_user(),
                    shared_with_delegation=form.shared_with_delegation.data)
        db.session.commit()
        flash("Comment added.", "success")
        return redirect(url_for("info_requests.detail", request_id=request_id, _anchor="timeline"))
    return _render_detail(info_request, comment_form=form), 400


@bp.post("/requests/<int:request_id>/reminders")
def reminders(request_id: int) -> tuple[str, int] | Response:
    """Snooze the request's automatic reminders, or turn them off."""
    info_request = _load_request(request_id)
    form = RemindersForm()
    if not form.is_stale(info_request):
        if not form.validate_on_submit():
            return _render_detail(info_request, reminders_form=form), 400
        set_reminders(info_request, form.snoozed_until.data, form.reminders_off.data, acting_user())
        if commit_or_conflict():
            flash("Reminder settings saved.", "success")
            return redirect(url_for("info_requests.detail", request_id=request_id))
    info_request, conflict = _conflict(form, request_id)
    return _render_detail(info_request, reminders_form=form, conflict=conflict), 409
