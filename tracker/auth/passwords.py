"""Passwords: Argon2id hashing (argon2-cffi) with the cost from the app's configuration (see ``ARGON2_*`` in
tracker/config.py), and the policy a new password must meet.

The policy follows NIST SP 800-63B: a minimum length and a check against passwords attackers try first, no
rules about character classes. The check is zxcvbn's estimate of how many guesses a password takes, which
matches it against its bundled list of the 30,000 most common passwords (and English words, names, keyboard
patterns, repeats, dates, with l33t substitutions), so "P@ssw0rd2024" and "qwerty123456" are refused as
well as the exact entries.
"""

from __future__ import annotations

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MINIMUM_LENGTH = 12
#: Long passphrases are welcome; a limit keeps a megabyte "password" from costing a hash of it.
MAXIMUM_LENGTH = 256
#: zxcvbn reads at most this many characters (its own limit, against slow estimates of long inputs).
ESTIMATED_LENGTH = 72
#: zxcvbn's score 3: more than 10^8 guesses ("safely unguessable" against throttled online attacks, with
#: moderate protection if the hashes leak).
MINIMUM_SCORE = 3
#: Parts of a name or address shorter than this are too common to forbid inside a password.
SHORTEST_PERSONAL_WORD = 4


def password_problem(password: str, *, email: str, name: str) -> str | None:
    """Why this password is not good enough for the account of ``email`` and ``name``, or None."""
    if len(password) < MINIMUM_LENGTH:
        return f"The password must be at least {MINIMUM_LENGTH} characters."
    if len(password) > MAXIMUM_LENGTH:
        return f"The password must be at most {MAXIMUM_LENGTH} characters."
    personal = _personal_words(email, name)
    if any(word in password.casefold() for word in personal):
        return "The password must not contain your name or the part of your email address before the @."
    # Imported here: its word lists take 11 MB, which a web worker then holds only once someone sets a password.
    from zxcvbn import zxcvbn

    estimate = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=personal)
    if estimate["score"] < MINIMUM_SCORE:
        warning = estimate["feedback"]["warning"] or "It follows a pattern that is quick to guess."
        return f"This password is too easy to guess. {warning} A few unrelated words make a strong password."
    return None


def _personal_words(email: str, name: str) -> list[str]:
    local_part = email.partition("@")[0].casefold()
    words = [local_part, name.casefold().replace(" ", ""), *re.split(r"[\W_]+", f"{name} {local_part}".casefold())]
    return sorted({word for word in words if len(word) >= SHORTEST_PERSONAL_WORD})


def _hasher() -> PasswordHasher:
    return _hasher_for(*_cost())


def _cost() -> tuple[int, int, int]:
    config = current_app.config
    return config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST_KIB"], config["ARGON2_PARALLELISM"]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) still spend the same time, so timing says nothing."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _decoy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _decoy_hash() -> str:
    return _decoy_hash_for(*_cost())


@cache
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


@cache
def _decoy_hash_for(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """Made once per cost setting: verifying against it costs what verifying a real hash costs."""
    return _hasher_for(time_cost, memory_cost, parallelism).hash("decoy password never used")
