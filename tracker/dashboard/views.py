"""The staff home page: what I owe and when, whom I have not spoken to lately, and how the centre follows through."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.clock import today
from tracker.countries.tier_changes import recent_tier_changes
from tracker.dashboard import bp
from tracker.delegations.scope import DelegationScope
from tracker.extensions import db
from tracker.health.charts import HealthCharts, Links
from tracker.health.figures import QUIET_DAYS, Dimension, follow_up_health
from tracker.models import OPEN_STATUSES, Delegation, InfoRequest
from tracker.reminders.followups import first_needing_attention

#: "Due soon" on the dashboard.
DUE_SOON_DAYS = 7
#: The most rows each dashboard panel shows; the panel links to the full list.
PANEL_ROWS = 10


@bp.get("/")
def home() -> str:
    """Show my overdue and soon-due requests, my follow-ups due, delegations I am losing touch with, and the
    centre's follow-up health in figures and two charts."""
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
    follow_ups = first_needing_attention(day, PANEL_ROWS, Delegation.liaison_id == current_user.id)
    health = follow_up_health(DelegationScope(), Dimension.TIER, day)
    return render_template(
        "dashboard/home.html",
        overdue=overdue,
        due_soon=due_soon,
        follow_ups_due=follow_ups.due,
        follow_ups_count=follow_ups.due_count,
        quiet=follow_ups.quiet,
        quiet_count=follow_ups.quiet_count,
        open_requests=health.total.open,
        health=health,
        charts=HealthCharts(health),
        links=Links(health),
        quiet_days=QUIET_DAYS,
        due_soon_days=DUE_SOON_DAYS,
        as_of=day,
        tier_changes=recent_tier_changes(current_user.id, day, PANEL_ROWS),
    )
