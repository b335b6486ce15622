"""Building a message: text and HTML parts, a stable Message-ID, and no way to smuggle in a header."""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, getaddresses, parseaddr
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app


class UnsafeHeader(ValueError):
    """A header value that would break the message (CR/LF) or an address that is not one."""


def checked_header(value: str) -> str:
    # Some CPython 3.11 builds predate the header-injection fix (CVE-2024-6923): refuse line breaks here.
    if "\r" in value or "\n" in value:
        raise UnsafeHeader("line break in a mail header")
    return value


def checked_address(value: str) -> str:
    """A plain, valid address; parsing quirks of older CPython builds (CVE-2023-27043) never decide it."""
    checked_header(value)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise UnsafeHeader(f"not an email address: {value!r}") from error


def sender_address() -> str:
    """TRACKER_MAIL_FROM, e.g. ``Follow-up tracker <tracker@example.org>``: one address, no line break.

    It is the operator's setting, not user input, so a local name such as ``tracker@localhost`` is allowed.
    """
    configured = checked_header(current_app.config["MAIL_FROM"])
    name, address = parseaddr(configured)
    if len(getaddresses([configured])) != 1 or "@" not in address:
        raise UnsafeHeader(f"TRACKER_MAIL_FROM is not one address: {configured!r}")
    return formataddr((name, address))  # a non-ASCII name is encoded (RFC 2047)


def message_id_for(key: str) -> str:
    """The same occurrence always carries the same Message-ID, so a resend after a crash can be recognised."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{_domain(current_app.config['BASE_URL'])}>"


@functools.cache
def _domain(base_url: str) -> str:
    """Worked out once: the planner may queue tens of thousands of messages in a pass."""
    return urlsplit(base_url).hostname or "localhost"


def compose(
    *, to: str, subject: str, text: str, html: str, message_id: str, sent_at: datetime, sender: str | None = None
) -> Message:
    """The ``email.mime`` classes, not ``EmailMessage``: the modern header registry is several times slower,
    and delivery builds hundreds of these a second. Header safety is checked here, not left to the policy.
    ``sender``: ``sender_address()``, when the caller has it already (delivery works it out once per pass)."""
    message = MIMEMultipart("alternative")
    message["From"] = sender or sender_address()
    message["To"] = checked_address(to)
    subject = checked_header(subject)
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = checked_header(message_id)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies should not answer it
    message.attach(MIMEText(text, "plain", "utf-8"))
    message.attach(MIMEText(html, "html", "utf-8"))
    return message
