"""Reminder screens: my preferences, follow-ups across the centre, and the admin's scheduler health, policy and
mail log."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from tracker.auth.access import acting_user, admin_only
from tracker.clock import today
from tracker.exports.tables import MAIL
from tracker.exports.web import csv_download, table_download
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.models import Delegation, OutboxMessage, OutboxStatus
from tracker.pagination import paginate
from tracker.reminders import bp, services
from tracker.reminders.followups import (
    FOLLOW_UP_HEADINGS,
    first_needing_attention,
    follow_up_rows,
    needing_attention,
)
from tracker.reminders.forms import (
    FollowUpFilterForm,
    MailFilterForm,
    PauseForm,
    PolicyForm,
    PreferencesForm,
    TestMailForm,
)
from tracker.reminders.outbox import stored_mail
from tracker.reminders.policy import cadences, current_policy
from tracker.reminders.scheduler import heartbeat, is_late

#: Rows of each list on the Follow-ups page, the longest-waiting first; the CSV has them all.
FOLLOW_UPS_SHOWN = 50


def _now() -> datetime:
    return datetime.now(UTC)


@bp.route("/preferences", methods=["GET", "POST"])
def preferences() -> str | Response:
    """My time zone, working hours and which reminders I get."""
    user = acting_user()
    form = PreferencesForm(current_app.config["TIMEZONE"])
    if form.validate_on_submit():
        form.save_to(user)
        db.session.commit()
        flash("Your reminder preferences are saved.", "success")
        return redirect(url_for("reminders.preferences"))
    if not form.is_submitted():
        form.load(user)
    return render_template("reminders/preferences.html", form=form)


def _follow_up_criteria(filters: FollowUpFilterForm) -> list[ColumnElement[bool]]:
    return [Delegation.liaison_id == int(liaison)] if (liaison := filters.value("liaison")) else []


@bp.get("/follow-ups")
def follow_ups() -> str:
    """Check-ins due and delegations we are losing touch with, across the centre or for one liaison."""
    filters = FollowUpFilterForm()
    day = today()
    lists = first_needing_attention(day, FOLLOW_UPS_SHOWN, *_follow_up_criteria(filters))
    return render_template("reminders/follow_ups.html", filters=filters, lists=lists, as_of=day)


@bp.get("/follow-ups/export.csv")
def follow_ups_export() -> Response:
    """Download both lists of the Follow-ups page, with the same filter, as one CSV."""
    criteria = _follow_up_criteria(FollowUpFilterForm())
    day = today()
    rows = follow_up_rows(day, *needing_attention(day, *criteria))
    return csv_download(f"follow-ups-{day.isoformat()}.csv", FOLLOW_UP_HEADINGS, rows)


@bp.get("/admin/reminders")
@admin_only
def health() -> str:
    """Is the scheduler running, what is queued or failed, and what will go out in the next day."""
    now = _now()
    lease = heartbeat()
    return render_template(
        "reminders/health.html",
        lease=lease,
        late=is_late(lease, now),
        policy=current_policy(),
        counts=services.outbox_counts(),
        upcoming=services.preview(now),
        pause_form=PauseForm(),
        test_form=TestMailForm(to=current_user.email),
        resume_form=EmptyForm(),
    )


@bp.post("/admin/reminders/pause")
@admin_only
def pause() -> str | Response:
    form = PauseForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or "Say why reminders are paused.", "error")
        return redirect(url_for("reminders.health"))
    services.pause(form.reason.data, acting_user(), _now())
    db.session.commit()
    flash("Reminders are paused. Nothing will be planned or sent until you resume them.", "success")
    return redirect(url_for("reminders.health"))


@bp.post("/admin/reminders/resume")
@admin_only
def resume() -> Response:
    if EmptyForm().validate_on_submit():
        services.resume()
        db.session.commit()
        flash("Reminders are running again; the next pass sends what is still relevant.", "success")
    return redirect(url_for("reminders.health"))


@bp.post("/admin/reminders/test")
@admin_only
def test_mail() -> Response:
    """Send a message now, through the outbox and the configured mail server, and say what happened."""
    form = TestMailForm()
    if not form.validate_on_submit():
        flash("Give a valid email address for the test.", "error")
        return redirect(url_for("reminders.health"))
    message, report = services.send_test(form.to.data.strip(), acting_user(), _now())
    if report.sent:
        flash(f"Test message sent to {message.recipient_email}.", "success")
    else:
        flash(f"The test message could not be sent: {message.last_error}. It is in the mail log.", "error")
    return redirect(url_for("reminders.health"))


@bp.route("/admin/reminders/policy", methods=["GET", "POST"])
@admin_only
def policy() -> str | Response:
    """The centre's reminder rules and follow-up cadences by tier."""
    policy = current_policy()
    form = PolicyForm()
    if form.validate_on_submit():
        form.populate_obj(policy)
        services.save_cadences(form.cadences())
        db.session.commit()
        flash("Reminder policy saved; it applies from the next pass.", "success")
        return redirect(url_for("reminders.policy"))
    if not form.is_submitted():
        form.load(policy, cadences())
    return render_template("reminders/policy.html", form=form)


def _mail_criteria(filters: MailFilterForm) -> list[ColumnElement[bool]]:
    criteria = []
    if status := filters.value("status"):
        criteria.append(OutboxMessage.status == OutboxStatus(status))
    if kind := filters.value("kind"):
        criteria.append(OutboxMessage.kind == kind)
    if recipient := filters.value("recipient"):
        criteria.append(OutboxMessage.recipient_email.contains(recipient.strip().lower(), autoescape=True))
    return criteria


@bp.get("/admin/mail")
@admin_only
def mail_log() -> str:
    """Every message in the outbox, newest first, filtered by status, kind and recipient."""
    filters = MailFilterForm()
    query = select(OutboxMessage).where(*_mail_criteria(filters))
    page = paginate(query, (OutboxMessage.created_at.desc(), OutboxMessage.id.desc()), filters, scalars=True)
    return render_template("reminders/mail_log.html", filters=filters, page=page)


@bp.get("/admin/mail/export.csv")
@admin_only
def mail_export() -> Response:
    """Download every message the mail log lists with the same filters, as CSV (times in UTC)."""
    return table_download("mail-log", MAIL, *_mail_criteria(MailFilterForm()))


@bp.get("/admin/mail/<int:message_id>")
@admin_only
def mail_detail(message_id: int) -> str:
    message = db.get_or_404(OutboxMessage, message_id, options=[joinedload(OutboxMessage.queued_by)])
    text = None if message.holds_a_password_link else stored_mail(message).text
    return render_template("reminders/mail_detail.html", message=message, text=text, form=EmptyForm())


@bp.post("/admin/mail/<int:message_id>/retry")
@admin_only
def mail_retry(message_id: int) -> Response:
    message = db.get_or_404(OutboxMessage, message_id)
    if EmptyForm().validate_on_submit():
        if message.status is OutboxStatus.FAILED:
            services.retry(message, _now())
            db.session.commit()
            flash("The message is queued again; the next pass sends it.", "success")
        else:
            flash("Only a failed message can be retried.", "error")
    return redirect(url_for("reminders.mail_detail", message_id=message_id))


@bp.post("/admin/mail/<int:message_id>/resend")
@admin_only
def mail_resend(message_id: int) -> Response:
    message = db.get_or_404(OutboxMessage, message_id)
    if EmptyForm().validate_on_submit():
        if message.status is OutboxStatus.SENT:
            copy = services.resend(message, acting_user(), _now())
            db.session.commit()
            flash("A copy is queued; the next pass sends it.", "success")
            return redirect(url_for("reminders.mail_detail", message_id=copy.id))
        flash("Only a sent message can be resent.", "error")
    return redirect(url_for("reminders.mail_detail", message_id=message_id))
