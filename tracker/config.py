"""Configuration read from ``TRACKER_*`` environment variables, with safe defaults for development.

Values are read when the app is built, not when this module is imported, so that a ``.env`` file (loaded
by the ``tracker`` command before it builds the app) is honoured.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _time_zone(name: str) -> str:
    """Refuse an unknown zone at start-up rather than at the first date shown."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"TRACKER_TIMEZONE={name!r} is not a known IANA time zone") from error
    return name


def _megabytes(value: str) -> int:
    """TRACKER_MAX_UPLOAD_MB: a whole number of megabytes, refused at start-up if it is not one."""
    try:
        megabytes = int(value)
    except ValueError:
        megabytes = 0
    if not 1 <= megabytes <= 2048:
        raise RuntimeError(f"TRACKER_MAX_UPLOAD_MB={value!r} must be a whole number of megabytes from 1 to 2048")
    return megabytes


def _minutes(value: str) -> int:
    """TRACKER_IDLE_MINUTES: a whole number of minutes from 1 to one day, refused at start-up otherwise."""
    minutes = int(value) if value.strip().isdigit() else 0
    if not 1 <= minutes <= 1440:
        raise RuntimeError(f"TRACKER_IDLE_MINUTES={value!r} must be a whole number of minutes from 1 to 1440")
    return minutes


def _switch(value: str) -> bool:
    return value.strip().lower() in {"on", "1", "true", "yes"}


class Config:
    """Settings for a real deployment; every value can be overridden by the environment."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 0  # no "remember me": staff sign in per browser session
    REMEMBER_COOKIE_SAMESITE = "Lax"  # Flask-Login's default is none; Secure follows the session cookie's
    PER_PAGE = 25

    #: Argon2id cost: OWASP's first recommended setting (19 MiB, 2 passes, 1 lane). A sign-in's hash is held in
    #: the web worker's memory while it runs; 64 MiB (RFC 9106's "low memory" profile) took the worker past
    #: SPEC §7's 150 MB. Hashes made with other settings are remade at the next sign-in (``needs_rehash``).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = "10 per minute;50 per hour"
    #: Per account (the email tried), counted in the database: this many failed sign-ins in this many minutes
    #: and the next attempt is answered 429, whatever the client's address.
    SIGN_IN_FAILURE_LIMIT = 10
    SIGN_IN_FAILURE_MINUTES = 15
    #: Asking for a password-reset link, per client address (each account also gets at most 3 an hour).
    PASSWORD_RESET_RATE_LIMIT = "5 per minute;20 per hour"
    #: Asking for (and using) portal sign-in links, per client address; each address is also throttled in the database.
    PORTAL_LINK_RATE_LIMIT = "5 per minute;30 per hour"

    def __init__(self) -> None:
        env = os.environ.get
        #: The SQLite database, the generated secret key, mail files and the demo admin's sign-in.
        self.INSTANCE_DIR = Path(env("TRACKER_INSTANCE_DIR") or PROJECT_DIR / "instance")
        self.SQLALCHEMY_DATABASE_URI = env("TRACKER_DATABASE_URL") or f"sqlite:///{self.INSTANCE_DIR / 'tracker.db'}"
        # Without a public address, the one `make run` serves (PORT), so that links in mail work locally.
        self.BASE_URL = env("TRACKER_BASE_URL") or f"http://127.0.0.1:{env('PORT') or 5000}"
        self.TIMEZONE = _time_zone(env("TRACKER_TIMEZONE") or "UTC")
        self.MAIL_URL = env("TRACKER_MAIL_URL") or f"file://{self.INSTANCE_DIR / 'mail'}"
        self.MAIL_FROM = env("TRACKER_MAIL_FROM") or "Follow-up tracker <tracker@localhost>"
        self.UPLOAD_DIR = env("TRACKER_UPLOAD_DIR") or str(self.INSTANCE_DIR / "uploads")
        #: The largest material a person may upload; a request may be a little larger (the form around the file).
        self.MAX_UPLOAD_BYTES = _megabytes(env("TRACKER_MAX_UPLOAD_MB") or "25") * 1024 * 1024
        self.MAX_CONTENT_LENGTH = self.MAX_UPLOAD_BYTES + 256 * 1024
        self.SCHEDULER_ENABLED = _switch(env("TRACKER_SCHEDULER") or "on")
        #: The benchmark's query counts and statement replay (tracker/bench.py); off unless `make bench` asks.
        self.BENCH = _switch(env("TRACKER_BENCH") or "off")
        #: A staff session unused for this long is signed out at its next request.
        self.IDLE_MINUTES = _minutes(env("TRACKER_IDLE_MINUTES") or "30")
        #: When on, an admin without two-factor sign-in must set it up before doing anything else.
        self.REQUIRE_ADMIN_2FA = _switch(env("TRACKER_REQUIRE_ADMIN_2FA") or "off")
        self.SESSION_COOKIE_SECURE = self.REMEMBER_COOKIE_SECURE = self.BASE_URL.startswith("https://")
        self.SECRET_KEY = env("TRACKER_SECRET_KEY") or self._kept_secret_key()

    def _kept_secret_key(self) -> str:
        """A key generated once and kept in instance/, so sessions survive restarts."""
        path = self.INSTANCE_DIR / "secret_key"
        if not path.exists():
            self.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32))
        return path.read_text().strip()


class TestConfig(Config):
    """Fast hashing, no scheduler, a sign-in limit no test reaches by accident; the tests set the database."""

    __test__ = False  # not a pytest test class
    TESTING = True
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 1024
    SIGN_IN_RATE_LIMIT = "10000 per minute"
    PORTAL_LINK_RATE_LIMIT = "10000 per minute"
    PASSWORD_RESET_RATE_LIMIT = "10000 per minute"

    def __init__(self) -> None:
        super().__init__()
        self.SCHEDULER_ENABLED = False
        # Tests move the clock by days and years; the idle sign-out has its own test, which sets the limit.
        self.IDLE_MINUTES = 60 * 24 * 365 * 20

    def _kept_secret_key(self) -> str:
        return "test-secret-key"
