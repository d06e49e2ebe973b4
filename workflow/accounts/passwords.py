"""Password hashing (argon2id through argon2-cffi) and the minimum we ask of a password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from workflow.errors import InvalidInput

_HASHER = PasswordHasher()  # argon2id, RFC 9106 "second recommended" parameters
# Verified against when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("yide-timing-equaliser")


def use_hasher(hasher: PasswordHasher) -> None:
    """Replace the hasher (the test suite uses cheap parameters; stored hashes name their own).

    Hashes made with other parameters still verify and are upgraded at the next login.
    """
    global _HASHER, _DUMMY_HASH  # noqa: PLW0603 - one process-wide hasher, set before use
    _HASHER = hasher
    _DUMMY_HASH = hasher.hash("yide-timing-equaliser")


MIN_LENGTH = 10
MAX_LENGTH = 128


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


def check_strength(password: str) -> None:
    """Length over composition rules (NIST SP 800-63B): long enough, not trivially repetitive."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"at most {MAX_LENGTH} characters")
    if len(set(password)) < 4:
        problems.append("more than three distinct characters")
    if problems:
        raise InvalidInput("password needs " + ", ".join(problems), field="password")
