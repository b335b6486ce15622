"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and can be stopped or made to refuse."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    # aiosmtpd's Controller(port=0) does not report the port it got (TRAPS.md): pick one first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Handler:
    #: What arrived, as sent: parsing is left to the test that reads it, so that the server answers as fast as a
    #: real local relay (parsing each message here made it, not the tracker, the limit of bench/run.py's mail rate).
    raw: list[bytes] = field(default_factory=list)
    parsed: list[EmailMessage] = field(default_factory=list)
    #: When set, DATA is answered with this reply instead of "250 OK" (e.g. "451 try later", "554 no").
    reply: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply:
            return self.reply
        self.raw.append(envelope.content)
        return "250 OK"

    @property
    def received(self) -> list[EmailMessage]:
        for content in self.raw[len(self.parsed):]:
            message = message_from_bytes(content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.parsed.append(message)
        return list(self.parsed)


def password_checker(username: str, password: str) -> Any:
    """An aiosmtpd authenticator that accepts one login and refuses every other."""

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (username.encode(), password.encode())
        return AuthResult(success=ok, handled=False)

    return authenticate


class SMTPServer:
    def __init__(self, **smtp_options: Any) -> None:
        self.port = free_port()
        self.handler = Handler()
        self.controller: Controller | None = None
        self.smtp_options = smtp_options

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **self.smtp_options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def subjects(self) -> list[str]:
        return sorted(str(message["Subject"]) for message in self.received)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.received if message["To"] == address]
