"""Staff accounts: invitations and password resets by email (a real SMTP server), the password policy, the
per-account sign-in throttle, the admin's Users page, changing one's password, and idle sessions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.html import csrf_token
from tests.queries import counting_queries
from tests.smtp import SMTPServer
from tracker.auth.passwords import password_problem, verify_password
from tracker.auth.services import AccountError, change_role, set_enabled
from tracker.config import Config
from tracker.extensions import db
from tracker.models import AuditAction, AuditEntry, OutboxMessage, Role, User

LINK = re.compile(r"http://\S+/account/set-password/[\w-]+")
NEW_PASSWORD = "plum orchard lantern ferry"
WRONG = "That email and password do not match an active account."


def _post(client: FlaskClient, url: str, data: dict[str, str], page: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get(page or url))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def _login(client: FlaskClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return _post(client, "/login", {"email": email, "password": password})


def _actions() -> list[AuditAction]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _link_in(message: object) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[attr-defined]
    match = LINK.search(body)
    assert match, body
    return match.group(0).removeprefix("http://127.0.0.1:5000")


# -- invitations -------------------------------------------------------------------------------------------------


def test_an_admin_invites_staff_who_choose_a_password_from_the_mail_and_sign_in(
    client: FlaskClient, app: Flask, admin: User, smtp: SMTPServer
) -> None:
    sign_in(client, admin)
    response = _post(client, "/admin/users/invite", {"email": " Nadia.Kova@Centre.example ", "name": "Nadia Kova",
                                                     "role": "staff"}, page="/admin/users", follow_redirects=True)
    assert "Invitation sent to nadia.kova@centre.example" in response.get_data(as_text=True)

    (message,) = smtp.to("nadia.kova@centre.example")  # sent right after the response, not at the next pass
    assert message["Subject"] == "You are invited to the follow-up tracker"
    link = _link_in(message)
    invited = db.session.scalar(select(User).where(User.email == "nadia.kova@centre.example"))
    assert invited is not None and invited.password_hash is None and invited.role is Role.STAFF

    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200  # a mail scanner opening the link…
    page = newcomer.get(link)  # …does not spend it
    assert "Welcome, Nadia Kova" in page.get_data(as_text=True)
    weak = newcomer.post(link, data={"password": "password1234", "confirm": "password1234",
                                     "csrf_token": csrf_token(page)})
    assert weak.status_code == 400 and "too easy to guess" in weak.get_data(as_text=True)
    done = newcomer.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                     "csrf_token": csrf_token(page)})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert newcomer.get(link).status_code == 410  # used once

    assert _login(newcomer, "nadia.kova@centre.example", NEW_PASSWORD).status_code == 302
    assert "Dashboard" in newcomer.get("/").get_data(as_text=True)
    assert _actions() == [AuditAction.SIGN_IN, AuditAction.USER_INVITED, AuditAction.INVITATION_ACCEPTED,
                          AuditAction.SIGN_IN]


def test_an_invited_account_cannot_sign_in_before_choosing_a_password(client: FlaskClient) -> None:
    invited, _token = factories.invitation()
    for password in ("", "decoy password never used", factories.PASSWORD):
        assert not verify_password(invited.password_hash, password)
    assert WRONG in _login(client, invited.email, "decoy password never used").get_data(as_text=True)


def test_an_invitation_expires_after_seven_days(client: FlaskClient) -> None:
    _invited, token = factories.invitation()
    with time_machine.travel(datetime.now(UTC) + timedelta(days=7, minutes=1)):
        assert client.get(f"/account/set-password/{token}").status_code == 410


def test_an_invitation_to_a_taken_address_or_without_a_name_is_refused(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)
    for data, message in [({"email": admin.email, "name": "Someone", "role": "staff"}, "already exists"),
                          ({"email": "not an address", "name": "Someone", "role": "staff"}, "@-sign"),
                          ({"email": "new@centre.example", "name": "   ", "role": "staff"}, "required"),
                          ({"email": "new@centre.example", "name": "Someone", "role": "owner"}, "Not a valid choice")]:
        response = _post(client, "/admin/users/invite", data, page="/admin/users")
        assert response.status_code == 400 and message in response.get_data(as_text=True), data
    assert db.session.scalar(select(db.func.count(User.id))) == 1


def test_an_admin_sends_an_invitation_again(client: FlaskClient, admin: User, smtp: SMTPServer) -> None:
    invited, first_token = factories.invitation()
    sign_in(client, admin)
    _post(client, f"/admin/users/{invited.id}/invitation", {}, page="/admin/users", follow_redirects=True)
    (message,) = smtp.to(invited.email)
    assert client.get(_link_in(message)).status_code == 200
    assert client.get(f"/account/set-password/{first_token}").status_code == 200  # the first still works


# -- password resets ---------------------------------------------------------------------------------------------


def _ask_for_reset(client: FlaskClient, email: str) -> str:
    response = _post(client, "/forgot-password", {"email": email}, follow_redirects=True)
    return response.get_data(as_text=True)


def test_a_forgotten_password_is_reset_from_the_mail_and_other_sessions_end(
    client: FlaskClient, app: Flask, staff: User, smtp: SMTPServer
) -> None:
    laptop = app.test_client()
    sign_in(laptop, staff)
    assert "Forgot your password?" in client.get("/login").get_data(as_text=True)
    known = _ask_for_reset(client, staff.email.upper())
    unknown = _ask_for_reset(client, "nobody@centre.example")
    strip = re.compile(r'value="[^"]*"')  # CSRF tokens differ
    assert "a link to choose a new password is on its way" in known
    assert strip.sub("", known) == strip.sub("", unknown)

    (message,) = smtp.received
    assert message["To"] == staff.email
    link = _link_in(message)
    page = client.get(link)
    assert "Choose a new password" in page.get_data(as_text=True)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": csrf_token(page)})

    assert laptop.get("/").status_code == 302  # signed out everywhere
    assert WRONG in _login(client, staff.email, factories.PASSWORD).get_data(as_text=True)
    assert _login(client, staff.email, NEW_PASSWORD).status_code == 302
    assert AuditAction.PASSWORD_RESET in _actions()


def test_a_reset_link_works_for_an_hour_and_at_most_three_are_sent_an_hour(
    client: FlaskClient, staff: User, smtp: SMTPServer
) -> None:
    for _ in range(5):
        _ask_for_reset(client, staff.email)
    assert len(smtp.received) == 3
    link = _link_in(smtp.received[0])
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=61)):
        assert client.get(link).status_code == 410
        assert "ask for a new link" in client.get(link).get_data(as_text=True)


def test_the_mail_log_does_not_show_the_link_of_a_reset(client: FlaskClient, admin: User, staff: User,
                                                        smtp: SMTPServer) -> None:
    _ask_for_reset(client, staff.email)
    path = _link_in(smtp.received[0])
    message_id = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == "password_reset"))
    sign_in(client, admin)
    page = client.get(f"/admin/mail/{message_id}").get_data(as_text=True)
    assert "Reset your password" in page and path not in page and "Not shown" in page


def test_a_deactivated_account_gets_no_reset_link(client: FlaskClient, smtp: SMTPServer) -> None:
    gone = factories.user(is_enabled=False)
    assert "on its way" in _ask_for_reset(client, gone.email)
    assert smtp.received == []


def test_a_mismatched_confirmation_changes_nothing(client: FlaskClient) -> None:
    invited, token = factories.invitation()
    url = f"/account/set-password/{token}"
    response = client.post(url, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x",
                                      "csrf_token": csrf_token(client.get(url))})
    assert response.status_code == 400 and "not the same" in response.get_data(as_text=True)
    assert db.session.get(User, invited.id).password_hash is None  # type: ignore[union-attr]
    assert client.get(url).status_code == 200


# -- the password policy -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short pass", "at least 12 characters"),
        ("x" * 257, "at most 256 characters"),
        ("password1234", "too easy to guess"),
        ("qwerty123456", "too easy to guess"),
        ("P@ssw0rd2024", "too easy to guess"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("maria.lopez.2026!", "must not contain your name"),
        ("harbour Lopez quiet", "must not contain your name"),
        ("MariaLopez-harbour", "must not contain your name"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password: str, problem: str) -> None:
    found = password_problem(password, email="maria.lopez@centre.example", name="María López")
    assert found is not None and problem in found


@pytest.mark.parametrize("password", [NEW_PASSWORD, "Quiet-Harbor-47-tulip", "ünïcödé pässphrase", "x9#Lm2$vQ7pR"])
def test_strong_passwords_are_accepted(password: str) -> None:
    assert password_problem(password, email="maria.lopez@centre.example", name="María López") is None


def test_the_command_line_applies_the_same_policy(runner: FlaskCliRunner) -> None:
    for password, message in [("password1234\n", "too easy to guess"),
                              ("Centre Lead harbour\n", "must not contain your name")]:
        result = runner.invoke(args=["users", "create", "--email", "lead@centre.example", "--name", "Centre Lead",
                                     "--password-stdin"], input=password)
        assert result.exit_code == 1 and message in result.output, result.output
    assert db.session.scalar(select(db.func.count(User.id))) == 0


# -- throttling --------------------------------------------------------------------------------------------------


def test_failed_sign_ins_are_throttled_per_account_across_client_addresses(
    app: Flask, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURE_LIMIT", 3)
    clients = [app.test_client() for _ in range(4)]
    for number, client in enumerate(clients, start=1):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number}"
    statuses = [_login(client, staff.email, "wrong password").status_code for client in clients[:3]]
    blocked = _login(clients[3], staff.email, factories.PASSWORD)  # the right password, from a fresh address
    assert statuses == [200, 200, 200]
    assert blocked.status_code == 429 and "Too many attempts" in blocked.get_data(as_text=True)

    unknown = [_login(clients[0], "nobody@centre.example", "wrong password").status_code for _ in range(4)]
    assert unknown == [200, 200, 200, 429]  # an unknown address answers the same way
    failures = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.SIGN_IN_FAILED)).all()
    assert {entry.actor_label for entry in failures} == {staff.email, "nobody@centre.example"}
    assert {entry.client_address for entry in failures} >= {"192.0.2.1", "192.0.2.2", "192.0.2.3"}
    assert all("wrong password" not in entry.summary or entry.target_id == staff.id for entry in failures)

    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=16)):
        assert _login(app.test_client(), staff.email, factories.PASSWORD).status_code == 302


# -- the admin's Users page --------------------------------------------------------------------------------------


def test_the_users_page_shows_role_state_last_sign_in_and_two_factor(client: FlaskClient, admin: User) -> None:
    factories.user(name="Viktor Deact", is_enabled=False)
    factories.invitation(name="Ines Invited")
    factories.user(name="Tara Totp", totp_secret="JBSWY3DPEHPK3PXP", totp_enabled_at=datetime.now(UTC))
    sign_in(client, admin)
    page = client.get("/admin/users").get_data(as_text=True).split("<tbody>", 1)[1]
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in ("Viktor Deact", "Ines Invited",
                                                                            "Tara Totp", admin.name)}
    assert "Deactivated" in rows["Viktor Deact"] and "Reactivate" in rows["Viktor Deact"]
    assert "Invited" in rows["Ines Invited"] and "Send the invitation again" in rows["Ines Invited"]
    assert "Active" in rows["Tara Totp"] and ">On<" in rows["Tara Totp"] and "Deactivate" in rows["Tara Totp"]
    assert "(you)" in rows[admin.name] and "Deactivate" not in rows[admin.name]
    assert re.search(r"\d{1,2} \w{3} \d{4} \d\d:\d\d", rows[admin.name])  # signed in just now


def test_deactivating_signs_the_person_out_at_once_and_reactivating_lets_them_back(
    client: FlaskClient, app: Flask, admin: User, staff: User
) -> None:
    colleague = app.test_client()
    sign_in(colleague, staff)
    sign_in(client, admin)
    _post(client, f"/admin/users/{staff.id}/deactivate", {}, page="/admin/users")
    assert colleague.get("/").status_code == 302
    assert WRONG in _login(colleague, staff.email, factories.PASSWORD).get_data(as_text=True)
    _post(client, f"/admin/users/{staff.id}/reactivate", {}, page="/admin/users")
    assert _login(colleague, staff.email, factories.PASSWORD).status_code == 302
    assert _actions().count(AuditAction.USER_DEACTIVATED) == 1 and AuditAction.USER_REACTIVATED in _actions()


def test_an_admin_changes_a_role_but_not_their_own(client: FlaskClient, admin: User, staff: User) -> None:
    sign_in(client, admin)
    _post(client, f"/admin/users/{staff.id}/role", {"role": "viewer"}, page="/admin/users")
    assert db.session.get(User, staff.id).role is Role.VIEWER  # type: ignore[union-attr]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.ROLE_CHANGED))
    assert entry is not None and entry.summary.endswith("Staff → Viewer") and entry.actor_user_id == admin.id

    response = _post(client, f"/admin/users/{admin.id}/role", {"role": "staff"}, page="/admin/users",
                     follow_redirects=True)
    assert "You cannot demote your own account" in response.get_data(as_text=True)
    response = _post(client, f"/admin/users/{admin.id}/deactivate", {}, page="/admin/users", follow_redirects=True)
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).role is Role.ADMIN  # type: ignore[union-attr]


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(admin: User, staff: User) -> None:
    other_admin = factories.user(role="admin")
    assert set_enabled(db.session.get_one(User, other_admin.id), False, db.session.get_one(User, admin.id))
    last, actor = db.session.get_one(User, admin.id), db.session.get_one(User, staff.id)
    for attempt in (lambda: change_role(last, Role.STAFF, actor), lambda: set_enabled(last, False, actor)):
        with pytest.raises(AccountError, match="last active admin"):
            attempt()


def test_staff_and_viewers_cannot_reach_the_users_page(client: FlaskClient, staff: User) -> None:
    sign_in(client, staff)
    assert client.get("/admin/users").status_code == 403
    assert _post(client, f"/admin/users/{staff.id}/role", {"role": "admin"}, page="/").status_code == 403


# -- my account --------------------------------------------------------------------------------------------------


def test_changing_my_password_keeps_me_signed_in_and_signs_out_my_other_sessions(
    client: FlaskClient, app: Flask, viewer: User
) -> None:
    phone = app.test_client()
    sign_in(phone, viewer)
    sign_in(client, viewer)
    wrong = _post(client, "/account/password", {"current": "not it at all", "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert wrong.status_code == 400 and "current password is not right" in wrong.get_data(as_text=True)
    weak = _post(client, "/account/password", {"current": factories.PASSWORD, "password": "password1234",
                                               "confirm": "password1234"})
    assert weak.status_code == 400 and "too easy to guess" in weak.get_data(as_text=True)
    done = _post(client, "/account/password", {"current": factories.PASSWORD, "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert _login(phone, viewer.email, NEW_PASSWORD).status_code == 302


# -- idle sessions -----------------------------------------------------------------------------------------------


def test_a_session_left_idle_for_thirty_minutes_is_signed_out(
    client: FlaskClient, app: Flask, staff: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IDLE_MINUTES", 30)  # the default (the test configuration lifts it)
    sign_in(client, staff)
    start = datetime.now(UTC)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200  # activity keeps the session going…
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        assert client.get("/visits/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=89), tick=False):  # …31 minutes without it ends it
        response = client.get("/visits/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 30 minutes without activity" in page
    assert _actions()[-1] is AuditAction.IDLE_SIGN_OUT


def test_the_idle_limit_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_SECRET_KEY", "a key, so that no key file is written")
    monkeypatch.delenv("TRACKER_IDLE_MINUTES", raising=False)
    assert Config().IDLE_MINUTES == 30
    monkeypatch.setenv("TRACKER_IDLE_MINUTES", "45")
    assert Config().IDLE_MINUTES == 45
    for wrong in ("0", "soon", "2000"):
        monkeypatch.setenv("TRACKER_IDLE_MINUTES", wrong)
        with pytest.raises(RuntimeError, match="TRACKER_IDLE_MINUTES"):
            Config()


def test_the_users_page_runs_the_same_queries_however_many_users(client: FlaskClient, admin: User) -> None:
    sign_in(client, admin)
    with counting_queries() as few:
        assert client.get("/admin/users").status_code == 200
    for role in ("staff", "viewer", "admin", "staff"):
        factories.user(role=role)
    factories.invitation()
    with counting_queries() as many:
        assert client.get("/admin/users").status_code == 200
    assert len(many) == len(few)
