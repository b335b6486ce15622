"""Staff sign-in (password, then a code when two-factor sign-in is on), sign-out, and setting a password from an
emailed link (an invitation or a reset)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from tracker import audit
from tracker.auth import bp
from tracker.auth.access import open_to_viewers, public
from tracker.auth.forms import CodeForm, ForgotPasswordForm, NewPasswordForm, SignInForm
from tracker.auth.mails import queue_reset
from tracker.auth.services import (
    AccountError,
    authenticate,
    pending_link,
    record_failure,
    reset_link_for,
    set_password_with_link,
    signed_in,
    too_many_failures,
)
from tracker.auth.session_rules import SEEN_AT
from tracker.auth.two_factor import second_factor
from tracker.extensions import db, limiter, login_manager
from tracker.forms import EmptyForm
from tracker.models import AccountLinkPurpose, AuditAction, User
from tracker.reminders.delivery import deliver_after_response
from tracker.routing import local_path

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"

WRONG_CREDENTIALS = "That email and password do not match an active account."
#: Between the password and the code, the session holds only this: which account, since when.
PENDING = "pending_sign_in"
#: How long the code step waits after the password step.
PENDING_LIFETIME = timedelta(minutes=5)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.session_token == session_token))


def _now() -> datetime:
    return datetime.now(UTC)


def _safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site (no open redirect)."""
    return local_path(target) or url_for("dashboard.home")


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]  # type: ignore[no-any-return]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def login() -> str | Response:
    """Sign a staff member in with email and password (then a code, if they use two-factor sign-in)."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = SignInForm()
    if form.validate_on_submit():
        now, email = _now(), form.email.data or ""
        if too_many_failures(email, now):
            abort(429)
        user = authenticate(email, form.password.data or "")
        db.session.commit()  # keeps a failure (the throttle counts it) or a password rehash
        if user is None:
            flash(WRONG_CREDENTIALS, "error")
        elif user.has_two_factor:
            session[PENDING] = {"user_id": user.id, "at": now.timestamp()}
            return redirect(url_for("auth.login_code", next=request.args.get("next")))
        else:
            return _complete_sign_in(user, now)
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def login_code() -> str | Response:
    """The second step: a code from the authenticator app, or a recovery code."""
    now = _now()
    user = _pending_user(now)
    if user is None:
        flash("Sign in with your email and password first (the code step waits 5 minutes).", "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if too_many_failures(user.email, now):
            abort(429)
        if how := second_factor(user, form.code.data or "", now):
            return _complete_sign_in(user, now, how)
        record_failure(user.email, "wrong two-factor code", user)
        db.session.commit()
        form.code.errors.append("That code is not right. Check the time on your phone, or use a recovery code.")
    return render_template("auth/code.html", form=form)


def _pending_user(now: datetime) -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or now.timestamp() - pending.get("at", 0) > PENDING_LIFETIME.total_seconds():
        return None
    user = db.session.get(User, pending.get("user_id"))
    return user if user is not None and user.is_enabled and user.has_two_factor else None


def _complete_sign_in(user: User, now: datetime, how: str | None = None) -> Response:
    session.pop(PENDING, None)
    signed_in(user, now, second_factor=how)
    db.session.commit()
    login_user(user)
    session[SEEN_AT] = now.timestamp()
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@open_to_viewers
def logout() -> Response:
    """Sign out, and end every other session of this account too."""
    if EmptyForm().validate_on_submit():
        audit.record(AuditAction.SIGN_OUT, "Signed out", target_kind="user", target_id=current_user.id)
        current_user.rotate_session_token()
        db.session.commit()
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password() -> str | Response:
    """Ask for a password-reset link; the answer is the same whether the address has an account or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        now = _now()
        if found := reset_link_for(form.email.data or "", now):
            user, token, link = found
            outbox_id = queue_reset(user, token, link, now)
            db.session.commit()
            deliver_after_response([outbox_id])
        flash("If this address belongs to an account, a link to choose a new password is on its way. It works "
              "once, for an hour. Check your spam folder if it does not arrive.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/account/set-password/<account_token>", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def set_password(account_token: str) -> str | Response | tuple[str, int]:
    """Choose a password from an invitation or reset link. Opening the link changes nothing (mail scanners open
    links); saving the form spends it."""
    now = _now()
    found = pending_link(account_token, now)
    if found is None:
        return render_template("auth/link_spent.html"), 410
    link, user = found
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            done = set_password_with_link(account_token, form.password.data or "", now)
        except AccountError as error:
            db.session.rollback()
            form.password.errors.append(str(error))
        else:
            if done is None:
                db.session.rollback()
                return render_template("auth/link_spent.html"), 410
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash("Your password is saved. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    invitation = link.purpose is AccountLinkPurpose.INVITATION
    page = render_template("auth/set_password.html", form=form, user=user, invitation=invitation)
    return (page, 400) if form.is_submitted() else page
