"""Admin → Users (SPEC §5): every account with its role, state, last sign-in and two-factor sign-in; invite by
email, change a role, deactivate or reactivate. The last active admin cannot be demoted or deactivated, and
nobody demotes or deactivates themselves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.admin import bp
from tracker.auth.access import acting_user, admin_only
from tracker.auth.forms import InviteForm, RoleForm
from tracker.auth.mails import queue_invitation
from tracker.auth.services import AccountError, change_role, invite_user, issue_link, set_enabled
from tracker.extensions import db
from tracker.forms import EmptyForm
from tracker.models import AccountLinkPurpose, Role, User
from tracker.reminders.delivery import deliver_after_response


def _now() -> datetime:
    return datetime.now(UTC)


def _users_page(invite_form: InviteForm) -> str:
    users = db.session.scalars(select(User).order_by(User.is_enabled.desc(), User.name, User.id)).all()
    return render_template(
        "admin/users.html", users=users, invite_form=invite_form,
        role_forms={user.id: RoleForm(formdata=None, role=user.role.value) for user in users},
    )


@bp.get("/users")
@admin_only
def users() -> str:
    """List every account; the invitation form."""
    return _users_page(InviteForm(formdata=None))


@bp.post("/users/invite")
@admin_only
def invite() -> str | Response | tuple[str, int]:
    """Create an account and email its owner a single-use link to choose a password (valid 7 days)."""
    form = InviteForm()
    if form.validate_on_submit():
        now, actor = _now(), acting_user()
        try:
            user, token, link = invite_user(form.email.data or "", form.name.data or "", Role(form.role.data),
                                            actor, now)
        except AccountError as error:
            db.session.rollback()
            form[error.field].errors.append(str(error))
        else:
            outbox_id = queue_invitation(user, token, link, actor, now)
            db.session.commit()
            deliver_after_response([outbox_id])
            flash(f"Invitation sent to {user.email}. The link works once, for 7 days.", "success")
            return redirect(url_for("admin.users"))
    return _users_page(form), 400


@bp.post("/users/<int:user_id>/invitation")
@admin_only
def invite_again(user_id: int) -> Response:
    """Send a fresh invitation to someone who has not chosen a password yet (the old link keeps working)."""
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        if user.has_accepted or not user.is_enabled:
            flash(f"{user.name} has already chosen a password, or the account is deactivated.", "error")
        else:
            now, actor = _now(), acting_user()
            token, link = issue_link(user, AccountLinkPurpose.INVITATION, now, actor)
            outbox_id = queue_invitation(user, token, link, actor, now)
            db.session.commit()
            deliver_after_response([outbox_id])
            flash(f"A new invitation is on its way to {user.email}.", "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
@admin_only
def role(user_id: int) -> Response:
    """Give an account another role."""
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate_on_submit():
        _change(lambda: change_role(user, Role(form.role.data), acting_user()),
                lambda: f"{user.name} is now {user.role.label.lower()}.")
    else:
        flash("Choose one of the roles.", "error")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/deactivate")
@admin_only
def deactivate(user_id: int) -> Response:
    """Deactivate an account: signed out everywhere at once, unable to sign in; their records stay."""
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        _change(lambda: set_enabled(user, False, acting_user()), lambda: f"{user.name} is deactivated and signed out.")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/reactivate")
@admin_only
def reactivate(user_id: int) -> Response:
    """Let a deactivated account sign in again."""
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        _change(lambda: set_enabled(user, True, acting_user()), lambda: f"{user.name} can sign in again.")
    return redirect(url_for("admin.users"))


def _change(change: Callable[[], bool], done: Callable[[], str]) -> None:
    """Apply a change to an account and say how it went (a refusal changes nothing)."""
    try:
        changed = change()
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        if changed:
            flash(done(), "success")
