"""Passwords: the rule a new one must meet, hashing, signing in with one, and changing it
(which signs the person out of their other browsers)."""

from __future__ import annotations

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from cpweek.auth.models import User, UserSession
from cpweek.auth.services.accounts import find_user_by_email
from cpweek.auth.services.sessions import end_sessions
from cpweek.errors import DomainError
from cpweek.timezones import utcnow

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128

# The passwords most often found in breach lists that also pass the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "12345678910",
        "0123456789",
        "1q2w3e4r5t",
        "qwertyuiop",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou12",
        "qwerty1234",
        "abcdefghij",
        "1qaz2wsx3edc",
        "letmein123",
        "welcome123",
        "football12",
        "sunshine12",
        "princess12",
        "monkey1234",
        "administrator",
        "changeme123",
        "coproduction",
        "coproductionweek",
    }
)


class WeakPassword(DomainError):
    field = "password"


class WrongPassword(DomainError):
    field = "current_password"


def password_problems(password: str, email: str = "", name: str = "") -> list[str]:
    """What is wrong with a new password, in words for the person choosing it."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters. "
            "Three random words make a strong one you can remember"
        )
    elif len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer")
    elif (
        password.lower() in COMMON_PASSWORDS
        or len(set(password)) < 4
        or password.lower() in {email.strip().lower(), name.strip().lower()}
        or password.lower() == email.strip().lower().split("@")[0]
    ):
        problems.append(
            "That password is too easy to guess. Try three random words, like 'kettle river lamp'"
        )
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_rules(password: str, email: str, name: str) -> None:
    problems = password_problems(password, email, name)
    if problems:
        raise WeakPassword(problems[0])


# Checked against when the email is unknown, so a miss takes as long as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


def authenticate(email: str, password: str) -> User | None:
    """The person with this email and password, or None: the caller cannot tell which was wrong."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        dummy = _DUMMY_HASH.setdefault(method, generate_password_hash("x" * 16, method=method))
        check_password_hash(dummy, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    user.last_signed_in_at = utcnow()
    return user


def set_password(user: User, password: str, keep: UserSession | None = None) -> None:
    """Every browser signed in with the old password is signed out (but `keep`), and the new
    login version stops earlier reset links working."""
    user.password_hash = hash_password(password)
    user.login_version += 1
    end_sessions(user, keep)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """A new password; every other browser the person was signed in on is signed out."""
    if not user.password_hash or not check_password_hash(user.password_hash, current_password):
        raise WrongPassword("Your current password is not right")
    check_password_rules(new_password, user.email, user.name)
    set_password(user, new_password, keep=user.current_session)
