"""Where mail goes: ``smtp://`` (optionally STARTTLS and login), ``smtps://``, or ``file://`` (one .eml per message).

The standard library does this right where the Flask mail extensions do not (TRAPS.md): every connection has a
timeout and TLS verifies certificates with the system's trust store.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from functools import cache
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

#: Seconds to wait for the mail server before treating the attempt as a temporary failure.
SMTP_TIMEOUT = 20


class TemporaryFailure(Exception):
    """The server is unreachable or said "try later" (4xx): keep the message and retry."""


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): mark it failed, for a person to look at."""


@dataclass(frozen=True)
class MailSettings:
    scheme: str
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = ""
    starttls: bool = False
    path: Path | None = None

    @classmethod
    def from_url(cls, url: str) -> MailSettings:
        """Read TRACKER_MAIL_URL; a mistake is reported in words, with the password left out."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            if not parts.path:
                raise ValueError("TRACKER_MAIL_URL file:// needs a folder, e.g. file:///var/lib/tracker/mail")
            return cls(scheme="file", path=Path(unquote(parts.path)))
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("TRACKER_MAIL_URL must start with smtp://, smtps:// or file://")
        if not parts.hostname:
            raise ValueError("TRACKER_MAIL_URL names no mail server host")
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
        except ValueError as error:
            raise ValueError("TRACKER_MAIL_URL has a port that is not a number") from error
        options = parse_qs(parts.query)
        starttls = options.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes", "on")
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=port,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            starttls=starttls,
        )


class Transport(Protocol):
    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


class FileTransport:
    """Development and demo sink: each message becomes a file a person can open in a mail program."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder

    def send(self, message: Message) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        final = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        partial = final.with_suffix(".part")
        partial.write_bytes(message.as_bytes())
        partial.rename(final)  # a reader never sees half a message

    def close(self) -> None:
        pass


class SMTPTransport:
    """One connection reused for a whole batch; SMTP errors sorted into temporary and permanent ones."""

    def __init__(self, connection: smtplib.SMTP) -> None:
        self.connection = connection

    def send(self, message: Message) -> None:
        try:
            refused = self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise _by_code(min(codes), f"recipient refused: {error.recipients}") from error
        except smtplib.SMTPResponseException as error:
            raise _by_code(error.smtp_code, _reply_text(error)) from error
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"connection to the mail server failed: {error}") from error
        if refused:
            raise PermanentFailure(f"recipient refused: {refused}")

    def close(self) -> None:
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()


def _by_code(code: int, text: str) -> Exception:
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)


def _reply_text(error: smtplib.SMTPResponseException) -> str:
    message = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
    return f"{error.smtp_code} {message}"


@cache
def _our_name() -> str:
    """The name we greet the mail server with (EHLO): smtplib looks it up in DNS for every connection otherwise."""
    return socket.getfqdn()


def connect(url: str) -> Transport:
    """Connect once for a batch (raising TemporaryFailure if the server cannot be reached); close when done."""
    settings = MailSettings.from_url(url)
    if settings.scheme == "file":
        assert settings.path is not None
        return FileTransport(settings.path)
    context = ssl.create_default_context()
    try:
        if settings.scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=SMTP_TIMEOUT, context=context, local_hostname=_our_name()
            )
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT,
                                      local_hostname=_our_name())
            if settings.starttls:
                connection.starttls(context=context)
        if settings.username:
            connection.login(settings.username, settings.password)
    except smtplib.SMTPAuthenticationError as error:
        raise TemporaryFailure(f"the mail server refused the login: {_reply_text(error)}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise TemporaryFailure(f"cannot reach the mail server {settings.host}:{settings.port}: {error}") from error
    return SMTPTransport(connection)
