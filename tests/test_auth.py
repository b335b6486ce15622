"""Staff sign-in: the form, the answers, sessions that end, and the command that creates accounts."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, extract_parameters
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tests.html import csrf_token
from tracker.config import Config
from tracker.extensions import db
from tracker.models import Role, User

WRONG = "That email and password do not match an active account."


def _post_login(client: FlaskClient, email: str, password: str, url: str = "/login"):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/login"))
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def test_sign_in_form_has_labelled_email_and_password_and_a_sign_in_button(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert 'name="email"' in page and 'name="password"' in page and 'name="csrf_token"' in page
    assert 'value="Sign in"' in page


def test_staff_signs_in_and_reaches_the_dashboard(client: FlaskClient, staff: User) -> None:
    response = _post_login(client, staff.email.upper(), factories.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Dashboard" in client.get("/").get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_answer(client: FlaskClient, staff: User) -> None:
    unknown = _post_login(client, "nobody@centre.example", factories.PASSWORD).get_data(as_text=True)
    wrong = _post_login(client, staff.email, "not the password").get_data(as_text=True)
    assert WRONG in unknown and WRONG in wrong
    assert client.get("/").status_code == 302


def test_disabled_account_cannot_sign_in(client: FlaskClient) -> None:
    user = factories.user(is_enabled=False)
    assert WRONG in _post_login(client, user.email, factories.PASSWORD).get_data(as_text=True)


def test_sign_in_without_csrf_token_is_refused(client: FlaskClient, staff: User) -> None:
    response = client.post("/login", data={"email": staff.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_is_followed_only_within_the_site(client: FlaskClient, staff: User) -> None:
    response = _post_login(client, staff.email, factories.PASSWORD, "/login?next=/visits/")
    assert response.headers["Location"] == "/visits/"
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = _post_login(client, staff.email, factories.PASSWORD, f"/login?next={target}")
        assert response.headers["Location"] == "/", target
        client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})


def test_sign_out_ends_every_session_of_the_account(app: Flask, staff: User) -> None:
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, staff)
    sign_in(phone, staff)
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop.get("/"))})
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302


def test_password_is_stored_as_argon2id(staff: User) -> None:
    assert staff.password_hash.startswith("$argon2id$")


def test_the_production_cost_is_one_owasp_recommends() -> None:
    """OWASP's Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1 (or an equivalent trade)."""
    assert (Config.ARGON2_MEMORY_COST_KIB, Config.ARGON2_TIME_COST, Config.ARGON2_PARALLELISM) == (19 * 1024, 2, 1)


def test_a_hash_of_other_settings_is_remade_at_sign_in(app: Flask, client: FlaskClient, staff: User) -> None:
    config = app.config
    old = PasswordHasher(time_cost=config["ARGON2_TIME_COST"] + 1, memory_cost=config["ARGON2_MEMORY_COST_KIB"],
                         parallelism=4).hash(factories.PASSWORD)  # fmt: skip
    staff.password_hash = old
    staff_id, email = staff.id, staff.email
    db.session.commit()
    assert _post_login(client, email, factories.PASSWORD).status_code == 302
    remade = db.session.scalar(select(User.password_hash).where(User.id == staff_id))
    assert remade != old
    parameters = extract_parameters(remade)
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"], config["ARGON2_PARALLELISM"]
    )
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/"))})
    assert _post_login(client, email, factories.PASSWORD).status_code == 302  # the new hash opens it


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_lax(client: FlaskClient, staff: User) -> None:
    response = _post_login(client, staff.email, factories.PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_users_create_makes_an_admin_who_can_sign_in(runner: FlaskCliRunner, client: FlaskClient) -> None:
    result = runner.invoke(
        args=["users", "create", "--email", "Lead@Centre.example", "--name", "Centre Lead", "--role", "admin",
              "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "lead@centre.example"))
    assert user is not None and user.role is Role.ADMIN
    assert _post_login(client, "lead@centre.example", "a long enough password").status_code == 302


def test_users_create_refuses_bad_input_and_changes_nothing(runner: FlaskCliRunner, staff: User) -> None:
    cases = [
        (["--email", "not-an-email", "--name", "X"], "a long enough password\n", "email"),
        (["--email", "new@centre.example", "--name", "X"], "short\n", "at least 12"),
        (["--email", staff.email, "--name", "X"], "a long enough password\n", "already exists"),
        (["--email", "new@centre.example", "--name", "   "], "a long enough password\n", "name is required"),
    ]
    for options, password, message in cases:
        result = runner.invoke(args=["users", "create", *options, "--password-stdin"], input=password)
        assert result.exit_code != 0 and message in result.output, result.output
    assert db.session.scalar(select(db.func.count(User.id))) == 1
    result = runner.invoke(args=["users", "create", "--email", "x@centre.example", "--name", "X", "--role", "owner"])
    assert result.exit_code == 2 and "owner" in result.output


def test_sign_in_attempts_are_rate_limited(app: Flask, staff: User, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.extensions import limiter

    monkeypatch.setitem(app.config, "SIGN_IN_RATE_LIMIT", Config.SIGN_IN_RATE_LIMIT)
    limiter.reset()
    client = app.test_client()
    try:
        statuses = [_post_login(client, staff.email, "wrong password").status_code for _ in range(11)]
        even_the_right_password = _post_login(client, staff.email, factories.PASSWORD)
    finally:
        limiter.reset()
    assert statuses == [200] * 10 + [429]
    assert even_the_right_password.status_code == 429
    assert "Too many attempts" in even_the_right_password.get_data(as_text=True)
