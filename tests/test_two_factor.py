"""Two-factor sign-in: enrolment with a QR code, the code as a second step, replays refused, recovery codes,
turning it off, and the setting that requires it of admins."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.html import csrf_token
from tracker.extensions import db
from tracker.models import AuditAction, AuditEntry, RecoveryCode, User

SECRET = re.compile(r'<code class="totp-secret">([A-Z2-7]+)</code>')
RECOVERY = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


def _post(client: FlaskClient, url: str, data: dict[str, str], page: str, prefix: str = "", **kwargs: object):  # type: ignore[no-untyped-def]
    return client.post(url, data={**data, f"{prefix}csrf_token": csrf_token(client.get(page))}, **kwargs)


def _enrol(client: FlaskClient) -> tuple[str, list[str]]:
    """Set up two-factor sign-in as a person would: the QR page, then the app's first code."""
    _post(client, "/account/two-factor/start", {}, page="/account/two-factor")
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page and "style=" not in page
    secret = SECRET.search(page).group(1)  # type: ignore[union-attr]
    done = _post(client, "/account/two-factor/confirm", {"code": pyotp.TOTP(secret).now()}, page="/account/two-factor")
    codes = RECOVERY.findall(done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def _password_step(client: FlaskClient, user: User):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/login"))
    return client.post("/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token})


def _code_step(client: FlaskClient, code: str):  # type: ignore[no-untyped-def]
    return _post(client, "/login/code", {"code": code}, page="/login/code")


def _sign_out(client: FlaskClient) -> None:
    _post(client, "/logout", {}, page="/")


def test_enrolment_then_sign_in_asks_for_the_code_after_the_password(
    client: FlaskClient, staff: User
) -> None:
    sign_in(client, staff)
    assert "Set up two-factor sign-in" in client.get("/account/two-factor").get_data(as_text=True)
    secret, _codes = _enrol(client)
    assert "On since" in client.get("/account").get_data(as_text=True)
    _sign_out(client)

    step = _password_step(client, staff)
    assert step.status_code == 302 and step.headers["Location"].startswith("/login/code")
    assert client.get("/").status_code == 302  # the password alone signs nobody in
    wrong = _code_step(client, "000000")
    assert "That code is not right" in wrong.get_data(as_text=True)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=31)):  # the enrolment's code is spent
        response = _code_step(client, pyotp.TOTP(secret).now())
        assert response.status_code == 302 and response.headers["Location"] == "/"
        assert client.get("/").status_code == 200
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert AuditAction.TWO_FACTOR_ENABLED in actions and actions[-2:] == [AuditAction.SIGN_IN_FAILED,
                                                                          AuditAction.SIGN_IN]


def test_a_code_cannot_be_used_twice_in_its_time_step(app: Flask, staff: User) -> None:
    client = app.test_client()
    sign_in(client, staff)
    secret, _codes = _enrol(client)
    _sign_out(client)
    later = datetime.now(UTC) + timedelta(seconds=40)
    with time_machine.travel(later, tick=False):
        code = pyotp.TOTP(secret).now()
        _password_step(client, staff)
        assert _code_step(client, code).status_code == 302
        _sign_out(client)
        _password_step(client, staff)
        replay = _code_step(client, code)
        assert replay.status_code == 200 and "That code is not right" in replay.get_data(as_text=True)
        assert client.get("/").status_code == 302


def test_a_recovery_code_works_once(client: FlaskClient, staff: User) -> None:
    sign_in(client, staff)
    _secret, codes = _enrol(client)
    _sign_out(client)
    _password_step(client, staff)
    assert _code_step(client, codes[3].upper().replace("-", " ")).status_code == 302
    _sign_out(client)
    _password_step(client, staff)
    assert "That code is not right" in _code_step(client, codes[3]).get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(RecoveryCode.id)).where(RecoveryCode.used_at.is_not(None))) == 1
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert all(code.replace("-", "") not in stored for code in codes)  # hashed, never stored as typed
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.RECOVERY_CODE_USED))


def test_the_code_step_expires_and_needs_the_password_step(client: FlaskClient, staff: User) -> None:
    assert client.get("/login/code").headers["Location"] == "/login"
    sign_in(client, staff)
    secret, _codes = _enrol(client)
    _sign_out(client)
    _password_step(client, staff)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6)):
        response = client.get("/login/code")
        assert response.status_code == 302 and response.headers["Location"] == "/login"
        assert _code_step_refused(client, pyotp.TOTP(secret).now())


def _code_step_refused(client: FlaskClient, code: str) -> bool:
    token = csrf_token(client.get("/login"))
    response = client.post("/login/code", data={"code": code, "csrf_token": token})
    return response.status_code == 302 and response.headers["Location"] == "/login" and \
        client.get("/").status_code == 302


def test_turning_it_off_needs_a_code(client: FlaskClient, staff: User) -> None:
    sign_in(client, staff)
    secret, _codes = _enrol(client)
    refused = _post(client, "/account/two-factor/disable", {"off-code": "123456"}, page="/account/two-factor",
                    prefix="off-", follow_redirects=True)
    assert "two-factor sign-in stays on" in refused.get_data(as_text=True)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=31)):  # forward only: the cookie is signed
        _post(client, "/account/two-factor/disable", {"off-code": pyotp.TOTP(secret).now()},
              page="/account/two-factor", prefix="off-")
        user = db.session.get_one(User, staff.id)
        assert not user.has_two_factor and user.totp_secret is None
        assert db.session.scalar(select(db.func.count(RecoveryCode.id))) == 0
        _sign_out(client)
        assert _password_step(client, staff).headers["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(client: FlaskClient, staff: User) -> None:
    sign_in(client, staff)
    secret, old = _enrol(client)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=31)):
        page = _post(client, "/account/two-factor/recovery-codes", {"renew-code": pyotp.TOTP(secret).now()},
                     page="/account/two-factor", prefix="renew-")
        new = RECOVERY.findall(page.get_data(as_text=True))
        assert len(new) == 10 and not set(new) & set(old)
        _sign_out(client)
        _password_step(client, staff)
        assert "not right" in _code_step(client, old[0]).get_data(as_text=True)
        assert _code_step(client, new[0]).status_code == 302


def test_admins_must_enrol_first_when_the_centre_requires_it(
    client: FlaskClient, app: Flask, admin: User, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REQUIRE_ADMIN_2FA", True)
    colleague = app.test_client()
    sign_in(colleague, staff)
    assert colleague.get("/visits/").status_code == 200  # staff are not concerned
    sign_in(client, admin)
    for url in ("/", "/admin/users", "/visits/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor", url
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "requires two-factor sign-in for admins" in page
    _enrol(client)
    assert client.get("/admin/users").status_code == 200


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.config import Config

    monkeypatch.setenv("TRACKER_SECRET_KEY", "a key, so that no key file is written")
    monkeypatch.delenv("TRACKER_REQUIRE_ADMIN_2FA", raising=False)
    assert Config().REQUIRE_ADMIN_2FA is False
    monkeypatch.setenv("TRACKER_REQUIRE_ADMIN_2FA", "on")
    assert Config().REQUIRE_ADMIN_2FA is True
