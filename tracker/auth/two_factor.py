"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238, by pyotp) and single-use recovery codes.

Enrolment stores a secret, shows it as a QR code (drawn as SVG by qrcode, so no image library and no script),
and turns two-factor sign-in on only once a code from the app is confirmed. A code is accepted one 30-second
step either side of now (clock drift), and never twice in the same step or an earlier one (a code seen over
a shoulder or replayed is refused). Recovery codes are random, stored as SHA-256 hashes, each used once.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
import qrcode
import qrcode.image.svg
from markupsafe import Markup
from sqlalchemy import delete, select, update

from tracker import audit
from tracker.extensions import db
from tracker.models import AuditAction, RecoveryCode, User
from tracker.single_use import token_hash

ISSUER = "Follow-up tracker"
RECOVERY_CODE_COUNT = 10
#: Steps either side of now whose code is accepted: 30 seconds of clock drift, and time to type.
DRIFT_STEPS = 1
#: Recovery codes are shown in groups of five characters from this alphabet (no 0/O, 1/l confusion).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def start_enrolment(user: User) -> None:
    """A new secret, not yet in force: sign-in asks for codes only after one is confirmed."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = None
    user.totp_last_step = None


def provisioning_uri(user: User) -> str:
    assert user.totp_secret
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG (a path with a fill attribute: nothing the CSP forbids)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1))


def verify_code(user: User, code: str, now: datetime) -> bool:
    """Check a code from the app; accepting it marks its time step used, so it cannot be replayed."""
    code = "".join(code.split())
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(user: User, code: str, now: datetime) -> list[str] | None:
    """Turn two-factor sign-in on with a first code; the recovery codes to show once, or None if the code
    is wrong."""
    if user.has_two_factor or not verify_code(user, code, now):
        return None
    user.totp_enabled_at = now
    audit.record(AuditAction.TWO_FACTOR_ENABLED, "Turned on two-factor sign-in", user=user, target_kind="user",
                 target_id=user.id)
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes; the plain codes are returned to be shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=token_hash(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def use_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Spend one recovery code (one conditional UPDATE: it cannot be used twice, even by racing requests)."""
    plain = "".join(character for character in code.lower() if character.isalnum())
    if len(plain) != 10:
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == token_hash(plain),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .returning(RecoveryCode.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if spent is None:
        return False
    audit.record(AuditAction.RECOVERY_CODE_USED, f"Used a recovery code ({remaining_codes(user)} left)", user=user,
                 target_kind="user", target_id=user.id)
    return True


def remaining_codes(user: User) -> int:
    query = select(db.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id,
                                                          RecoveryCode.used_at.is_(None))
    return db.session.scalar(query) or 0


def second_factor(user: User, code: str, now: datetime) -> str | None:
    """What a sign-in's second step was passed with ("an authenticator code", "a recovery code"), or None."""
    if verify_code(user, code, now):
        return "an authenticator code"
    if use_recovery_code(user, code, now):
        return "a recovery code"
    return None


def disable(user: User, code: str, now: datetime) -> bool:
    """Turn two-factor sign-in off, with a current code or a recovery code as proof."""
    if not user.has_two_factor or second_factor(user, code, now) is None:
        return False
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(AuditAction.TWO_FACTOR_DISABLED, "Turned off two-factor sign-in", user=user, target_kind="user",
                 target_id=user.id)
    return True
