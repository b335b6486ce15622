"""The signed-in person's own account: their password and two-factor sign-in. Open to every role (a viewer
changes their own password too)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import flash, redirect, render_template, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from tracker.auth import bp, two_factor
from tracker.auth.access import acting_user, open_to_viewers
from tracker.auth.forms import ChangePasswordForm, CodeForm
from tracker.auth.services import AccountError, change_password
from tracker.extensions import db
from tracker.forms import EmptyForm

#: The two code forms of the managing page, told apart (and their fields' ids) by a prefix.
RENEW, OFF = "renew", "off"


def _now() -> datetime:
    return datetime.now(UTC)


@bp.get("/account")
def account() -> str:
    """My account: name, role, password, two-factor sign-in."""
    user = acting_user()
    return render_template("account/index.html", user=user, codes_left=two_factor.remaining_codes(user))


@bp.route("/account/password", methods=["GET", "POST"])
@open_to_viewers
def password() -> str | Response | tuple[str, int]:
    """Change my password; every other session of mine ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = acting_user()
        try:
            change_password(user, form.current.data or "", form.password.data or "")
        except AccountError as error:
            db.session.rollback()
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)  # this browser carries the new session token; the others are signed out
            flash("Your password is changed. You are signed out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    page = render_template("account/password.html", form=form)
    return (page, 400) if form.is_submitted() else page


@bp.get("/account/two-factor", endpoint="two_factor")
def two_factor_page() -> str:
    """Two-factor sign-in: set it up (QR code, secret, first code), or turn it off."""
    user = acting_user()
    enrolling = user.totp_secret is not None and not user.has_two_factor
    uri = two_factor.provisioning_uri(user) if enrolling else None
    return render_template(
        "account/two_factor.html", user=user, uri=uri, qr_code=two_factor.qr_code_svg(uri) if uri else None,
        start_form=EmptyForm(), code_form=CodeForm(formdata=None), renew_form=CodeForm(formdata=None, prefix=RENEW),
        off_form=CodeForm(formdata=None, prefix=OFF), codes_left=two_factor.remaining_codes(user),
    )


@bp.post("/account/two-factor/start")
@open_to_viewers
def two_factor_start() -> Response:
    """Make a new secret for the authenticator app (not in force until a code confirms it)."""
    user = acting_user()
    if EmptyForm().validate_on_submit() and not user.has_two_factor:
        two_factor.start_enrolment(user)
        db.session.commit()
    return redirect(url_for("auth.two_factor"))


@bp.post("/account/two-factor/confirm")
@open_to_viewers
def two_factor_confirm() -> str | Response:
    """Turn two-factor sign-in on with a first code; show the recovery codes, once."""
    user, form = acting_user(), CodeForm()
    if form.validate_on_submit() and user.totp_secret and not user.has_two_factor:
        codes = two_factor.confirm_enrolment(user, form.code.data or "", _now())
        if codes is not None:
            db.session.commit()
            return render_template("account/recovery_codes.html", codes=codes, enabled=True)
        flash("That code is not right. Check that the phone's clock is set automatically, and try the next code.",
              "error")
    return redirect(url_for("auth.two_factor"))


@bp.post("/account/two-factor/disable")
@open_to_viewers
def two_factor_disable() -> Response:
    """Turn two-factor sign-in off, with a current code or a recovery code."""
    form = CodeForm(prefix=OFF)
    if form.validate_on_submit():
        if two_factor.disable(acting_user(), form.code.data or "", _now()):
            db.session.commit()
            flash("Two-factor sign-in is off.", "success")
            return redirect(url_for("auth.account"))
        db.session.rollback()
        flash("That code is not right: two-factor sign-in stays on.", "error")
    return redirect(url_for("auth.two_factor"))


@bp.post("/account/two-factor/recovery-codes")
@open_to_viewers
def recovery_codes() -> str | Response:
    """New recovery codes (the old ones stop working), with a current code as proof."""
    user, form = acting_user(), CodeForm(prefix=RENEW)
    if form.validate_on_submit() and user.has_two_factor:
        if two_factor.verify_code(user, form.code.data or "", _now()):
            codes = two_factor.new_recovery_codes(user)
            db.session.commit()
            return render_template("account/recovery_codes.html", codes=codes, enabled=False)
        flash("That code is not right: your recovery codes are unchanged.", "error")
    return redirect(url_for("auth.two_factor"))
