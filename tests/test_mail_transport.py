"""TRACKER_MAIL_URL read in words, and a login to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from tests.smtp import SMTPServer, password_checker
from tracker.mail.compose import UnsafeHeader, compose
from tracker.mail.transport import MailSettings, TemporaryFailure, connect


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.internal", MailSettings("smtp", "relay.internal", 25)),
        ("smtp://me%40centre.org:p%3Ass@mail.centre.org:587?starttls=1",
         MailSettings("smtp", "mail.centre.org", 587, "me@centre.org", "p:ss", starttls=True)),
        ("smtps://mail.centre.org", MailSettings("smtps", "mail.centre.org", 465)),
        ("file:///var/mail/tracker", MailSettings("file", path=Path("/var/mail/tracker"))),
    ],
)
def test_mail_urls(url: str, expected: MailSettings) -> None:
    assert MailSettings.from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [("imap://mail.centre.org", "must start with smtp://"), ("smtp://", "names no mail server host"),
     ("smtp://mail.centre.org:port", "port that is not a number"), ("file://", "needs a folder")],
)
def test_bad_mail_urls_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MailSettings.from_url(url)


def message() -> object:
    return compose(to="someone@centre.example", subject="Hello", text="Hi", html="<p>Hi</p>",
                   message_id="<1@centre.example>", sent_at=datetime.now(UTC))


def test_login_with_the_password_from_the_url(app: Flask) -> None:
    server = SMTPServer(authenticator=password_checker("tracker", "s3cret:pw"), auth_require_tls=False)
    server.start()
    try:
        with pytest.raises(TemporaryFailure, match="refused the login"):
            connect(f"smtp://tracker:wrong@127.0.0.1:{server.port}")
        transport = connect(f"smtp://tracker:s3cret%3Apw@127.0.0.1:{server.port}")
        transport.send(message())  # type: ignore[arg-type]
        transport.close()
    finally:
        server.stop()
    assert [str(m["Subject"]) for m in server.received] == ["Hello"]


def test_an_unreachable_server_is_a_temporary_failure(app: Flask) -> None:
    server = SMTPServer()  # never started: nothing listens on its port
    with pytest.raises(TemporaryFailure, match="cannot reach the mail server"):
        connect(server.url)


def test_addresses_and_headers_are_checked(app: Flask) -> None:
    with pytest.raises(UnsafeHeader):
        compose(to="a@b.example\r\nBcc: x@y.example", subject="Hi", text="", html="", message_id="<1@x>",
                sent_at=datetime.now(UTC))
    with pytest.raises(UnsafeHeader):
        compose(to="not an address", subject="Hi", text="", html="", message_id="<1@x>", sent_at=datetime.now(UTC))


def test_non_ascii_subject_sender_and_body_arrive_intact(app: Flask, smtp: SMTPServer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "MAIL_FROM", "Centre d'études <tracker@centre.example>")
    transport = connect(smtp.url)
    transport.send(compose(to="someone@centre.example", subject="Due today: note for Côte d'Ivoire",
                           text="Délégation: Côte d'Ivoire", html="<p>Délégation</p>", message_id="<2@x>",
                           sent_at=datetime.now(UTC)))
    transport.close()
    (received,) = smtp.received
    assert received["Subject"] == "Due today: note for Côte d'Ivoire"
    assert received["From"].addresses[0].display_name == "Centre d'études"
    assert received.get_body(("plain",)).get_content().strip() == "Délégation: Côte d'Ivoire"
