"""Argon2id password hashing (argon2-cffi), with the cost taken from the app's configuration."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MINIMUM_LENGTH = 12


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["ARGON2_TIME_COST"],
        memory_cost=current_app.config["ARGON2_MEMORY_COST_KIB"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) still spend the same time, so timing says nothing."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _decoy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _decoy_hash() -> str:
    return _decoy_hash_for(current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST_KIB"])


@cache
def _decoy_hash_for(time_cost: int, memory_cost: int) -> str:
    """Made once per cost setting: verifying against it costs what verifying a real hash costs."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost).hash("decoy password never used")
