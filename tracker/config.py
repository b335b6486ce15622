"""Configuration read from ``TRACKER_*`` environment variables, with safe defaults for development."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: ``instance/`` beside the project: the SQLite database, the generated secret key, mail files.
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", Path(__file__).resolve().parent.parent / "instance"))


def _secret_key() -> str:
    """Use TRACKER_SECRET_KEY, else a key generated once and kept in instance/ so sessions survive restarts."""
    if key := os.environ.get("TRACKER_SECRET_KEY"):
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _time_zone(name: str) -> str:
    """Refuse an unknown zone at start-up rather than at the first date shown."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(f"TRACKER_TIMEZONE={name!r} is not a known IANA time zone") from error
    return name


class Config:
    """Settings for a real deployment; every value can be overridden by the environment."""

    SQLALCHEMY_DATABASE_URI = os.environ.get("TRACKER_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:5000")
    TIMEZONE = _time_zone(os.environ.get("TRACKER_TIMEZONE", "UTC"))
    MAIL_URL = os.environ.get("TRACKER_MAIL_URL", f"file://{INSTANCE_DIR / 'mail'}")
    MAIL_FROM = os.environ.get("TRACKER_MAIL_FROM", "Follow-up tracker <tracker@localhost>")
    UPLOAD_DIR = os.environ.get("TRACKER_UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    SCHEDULER_ENABLED = os.environ.get("TRACKER_SCHEDULER", "on").lower() in {"on", "1", "true", "yes"}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
    REMEMBER_COOKIE_DURATION = 0  # no "remember me": staff sign in per browser session
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    PER_PAGE = 25

    #: Argon2id cost (argon2-cffi's RFC 9106 "low memory" profile: 64 MiB, 3 passes).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST_KIB = 64 * 1024

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = "10 per minute;50 per hour"

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()


class TestConfig(Config):
    """Fast hashing, no scheduler, no rate limits; the database comes from TRACKER_TEST_DATABASE_URL."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    SCHEDULER_ENABLED = False
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 1024

    def __init__(self) -> None:
        """Keep tests away from the developer's instance/ key."""
