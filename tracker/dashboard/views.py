"""The staff home page: what I owe and when, and whom I have not spoken to lately."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.clock import today
from tracker.countries.tier_changes import recent_tier_changes
from tracker.dashboard import bp
from tracker.delegations.queries import last_contact_on
from tracker.extensions import db
from tracker.models import OPEN_STATUSES, Delegation, DelegationStatus, InfoRequest, Visit

#: "Due soon" on the dashboard; "quiet" for a delegation with no logged contact.
DUE_SOON_DAYS = 7
QUIET_DAYS = 90
#: The most rows each dashboard panel shows; the panel links to the full list.
PANEL_ROWS = 10


@bp.get("/")
def home() -> str:
    """Show my overdue and soon-due requests, my quiet delegations and centre-wide counts."""
    day = today()
    mine_open = select(InfoRequest).where(
        InfoRequest.owner_id == current_user.id, InfoRequest.status.in_(OPEN_STATUSES)
    ).options(joinedload(InfoRequest.delegation).joinedload(Delegation.country))
    overdue = db.session.scalars(
        mine_open.where(InfoRequest.due_on < day).order_by(InfoRequest.due_on).limit(PANEL_ROWS)
    ).all()
    due_soon = db.session.scalars(
        mine_open.where(InfoRequest.due_on >= day, InfoRequest.due_on <= day + timedelta(days=DUE_SOON_DAYS))
        .order_by(InfoRequest.due_on)
        .limit(PANEL_ROWS)
    ).all()
    last_contact = last_contact_on()
    quiet = db.session.execute(
        select(Delegation, last_contact.label("last_contact"))
        .join(Delegation.visit)
        .where(
            Delegation.liaison_id == current_user.id,
            Delegation.status == DelegationStatus.ACTIVE,
            func.coalesce(last_contact, Visit.ends_on) < day - timedelta(days=QUIET_DAYS),
        )
        .options(joinedload(Delegation.country), joinedload(Delegation.visit))
        .order_by(func.coalesce(last_contact, Visit.ends_on))
        .limit(PANEL_ROWS)
    ).all()
    centre = db.session.execute(
        select(
            func.count().filter(InfoRequest.status.in_(OPEN_STATUSES)).label("open"),
            func.count().filter(InfoRequest.status.in_(OPEN_STATUSES), InfoRequest.due_on < day).label("overdue"),
        )
    ).one()
    return render_template(
        "dashboard/home.html",
        overdue=overdue,
        due_soon=due_soon,
        quiet=quiet,
        centre=centre,
        yesterday=day - timedelta(days=1),
        due_soon_days=DUE_SOON_DAYS,
        quiet_days=QUIET_DAYS,
        tier_changes=recent_tier_changes(current_user.id, day, PANEL_ROWS),
    )
