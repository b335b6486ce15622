"""Visits: list, add, detail, edit."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from tracker.delegations.queries import delegations_of_visit, open_request_count
from tracker.exports.tables import VISITS
from tracker.exports.web import table_download
from tracker.extensions import db
from tracker.models import Delegation, Visit
from tracker.pagination import paginate
from tracker.saving import commit_or_conflict
from tracker.visits import bp
from tracker.visits.forms import VisitFilterForm, VisitForm
from tracker.visits.services import readable, save_visit

#: The visits list's order, which its CSV export keeps.
LIST_ORDER = (Visit.starts_on.desc(), Visit.id.desc())


def _criteria(filters: VisitFilterForm) -> list[ColumnElement[bool]]:
    criteria = []
    if text := filters.value("q"):
        criteria.append(
            or_(
                Visit.title.icontains(text, autoescape=True),
                Visit.host_programme.icontains(text, autoescape=True),
                Visit.location.icontains(text, autoescape=True),
            )
        )
    if year := filters.value("year"):
        criteria += [Visit.starts_on >= date(year, 1, 1), Visit.starts_on < date(year + 1, 1, 1)]
    return criteria


@bp.get("/", endpoint="list")
def list_visits() -> str:
    """List visits, newest first, filtered by text and year."""
    filters = VisitFilterForm()
    query = select(Visit, delegations_of_visit().label("delegations")).options(joinedload(Visit.host))
    page = paginate(query.where(*_criteria(filters)), LIST_ORDER, filters)
    return render_template("visits/list.html", page=page, filters=filters)


@bp.get("/export.csv")
def export() -> Response:
    """Download every visit the list shows with the same filters, as CSV."""
    return table_download("visits", VISITS, *_criteria(VisitFilterForm()), order_by=LIST_ORDER)


@bp.route("/new", methods=["GET", "POST"])
def add() -> str | Response:
    """Record a new visit."""
    form = VisitForm()
    if form.validate_on_submit():
        visit = save_visit(form.fields())
        db.session.commit()
        flash("Visit saved. Add the delegations it received.", "success")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    return render_template("visits/form.html", form=form, visit=None)


@bp.get("/<int:visit_id>")
def detail(visit_id: int) -> str:
    """Show a visit with its delegations and how many of their requests are still open."""
    visit = db.first_or_404(select(Visit).where(Visit.id == visit_id).options(joinedload(Visit.host)))
    delegations = db.session.execute(
        select(Delegation, open_request_count().label("open_requests"))
        .where(Delegation.visit_id == visit_id)
        .options(joinedload(Delegation.country), joinedload(Delegation.liaison))
        .order_by(Delegation.id)
    ).all()
    return render_template("visits/detail.html", visit=visit, delegations=delegations)


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
def edit(visit_id: int) -> tuple[str, int] | Response:
    """Edit a visit; a save based on an outdated copy is refused with what changed meanwhile."""
    visit = db.get_or_404(Visit, visit_id)
    form = VisitForm(obj=visit)
    conflict = None
    if form.is_submitted() and form.is_stale(visit):
        conflict = form.conflict_with(visit, readable(visit))
    elif form.validate_on_submit():
        save_visit(form.fields(), visit)
        if commit_or_conflict():
            flash("Visit saved.", "success")
            return redirect(url_for("visits.detail", visit_id=visit.id))
        conflict = form.conflict_with(visit, readable(visit))  # the failed save was rolled back: values reload
    elif not form.is_submitted():
        form.open_on(visit, readable(visit))
    page = render_template("visits/form.html", form=form, visit=visit, conflict=conflict)
    return page, 409 if conflict else 200  # 409 Conflict: refused, the form shown again
