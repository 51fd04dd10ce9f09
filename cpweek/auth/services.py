"""The rules for people and roles: accounts, passwords, reset links, role grants."""

from __future__ import annotations

import hashlib
import hmac

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from cpweek import audit
from cpweek.auth.models import GRANTABLE_ROLES, Role, RoleGrant, User
from cpweek.errors import DomainError
from cpweek.extensions import db
from cpweek.mail import queue_mail, render_mail
from cpweek.timezones import utcnow
from cpweek.urls import absolute_url

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
RESET_SALT = "cpweek-password-reset"

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


class EmailInUse(DomainError):
    field = "email"


class InvalidEmail(DomainError):
    field = "email"


class WeakPassword(DomainError):
    field = "password"


class WrongPassword(DomainError):
    field = "current_password"


class ResetLinkInvalid(DomainError):
    pass


class ResetLinkExpired(DomainError):
    pass


class LastAdmin(DomainError):
    field = "roles"


def normalise_email(email: str) -> str:
    """The one form of an address we store and compare: trimmed and lower-cased.

    Raises InvalidEmail with a message a person can act on.
    """
    candidate = (email or "").strip()
    if not candidate:
        raise InvalidEmail("Enter your email address")
    if any(ch.isspace() for ch in candidate):
        raise InvalidEmail("An email address cannot contain spaces")
    try:
        result = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidEmail(
            "Enter an email address in the correct format, like name@example.org"
        ) from None
    return result.normalized.lower()


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


def _check_password_rules(password: str, email: str, name: str) -> None:
    problems = password_problems(password, email, name)
    if problems:
        raise WeakPassword(problems[0])


def find_user_by_email(email: str) -> User | None:
    try:
        address = normalise_email(email)
    except InvalidEmail:
        return None
    return db.session.scalar(select(User).where(User.email == address))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


class ConfirmByEmail(DomainError):
    """The address is known from registrations: its owner must prove it before the account
    (with those registrations and access needs) is theirs."""


def sign_up(name: str, email: str, password: str) -> User:
    """A new account with a password. An address with an account is refused; an address known
    only from registrations is sent a link to set the password, since whoever typed it here has
    not shown it is theirs (ConfirmByEmail)."""
    address = normalise_email(email)
    name = name.strip()
    _check_password_rules(password, address, name)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is not None and user.has_password:
        raise EmailInUse(
            "There is already an account with this email address. "
            "Sign in, or reset your password if you have forgotten it"
        )
    if user is not None:
        request_password_reset(address)
        raise ConfirmByEmail(
            "You have registered for events with this address before. We have emailed it a "
            "link: open it to choose your password and see your registrations"
        )
    user = User(email=address, name=name)
    db.session.add(user)
    user.password_hash = hash_password(password)
    try:
        db.session.commit()
    except IntegrityError:
        # Two sign-ups for one address at the same moment: the unique index decides.
        db.session.rollback()
        raise EmailInUse("There is already an account with this email address") from None
    return user


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
    db.session.commit()
    return user


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: '<id>:<login_version>'; an old version means signed out."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.login_version != int(version):
        return None
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.login_version += 1


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, current_password):
        raise WrongPassword("Your current password is not right")
    _check_password_rules(new_password, user.email, user.name)
    _set_password(user, new_password)
    db.session.commit()


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used link stops working."""
    material = f"{user.password_hash or ''}:{user.login_version}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"uid": user.id, "fp": _password_fingerprint(user)})


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None:
        return
    token = make_reset_token(user)
    link = absolute_url("auth.reset_password", token=token)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    text, html = render_mail("password_reset", user=user, link=link, minutes=minutes)
    queue_mail(user.email, "Reset your Co-production Week password", text, html)


def user_for_reset_token(token: str) -> User:
    """The person a reset link is for; raises ResetLinkExpired or ResetLinkInvalid."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        payload = _reset_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise ResetLinkExpired(
            "This password reset link has expired. Links work for "
            f"{max_age // 60} minutes: ask for a new one below"
        ) from None
    except BadSignature:
        raise ResetLinkInvalid(
            "This password reset link is not valid. Check you copied the whole link "
            "from the email, or ask for a new one below"
        ) from None
    user = db.session.get(User, payload.get("uid")) if isinstance(payload, dict) else None
    if user is None or not hmac.compare_digest(
        str(payload.get("fp", "")), _password_fingerprint(user)
    ):
        raise ResetLinkInvalid(
            "This password reset link has already been used. Ask for a new one below"
        )
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    _check_password_rules(new_password, user.email, user.name)
    _set_password(user, new_password)
    db.session.commit()
    return user


def _escape_like(text: str) -> str:
    """So that % and _ typed into a search box are matched literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_people(query: str = "", page: int = 1, per_page: int = 50) -> tuple[list[User], int]:
    """People whose name or email contains the query, with the total count for paging."""
    statement = select(User)
    query = (query or "").strip()[:200]
    if query:
        like = "%" + _escape_like(query.lower()) + "%"
        statement = statement.where(
            or_(func.lower(User.name).like(like, escape="\\"), User.email.like(like, escape="\\"))
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = max(page, 1)
    people = db.session.scalars(
        statement.order_by(func.lower(User.name), User.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(people), total


def _admin_count() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(RoleGrant).where(RoleGrant.role == Role.ADMIN.value)
        )
        or 0
    )


def set_roles(actor: User, person: User, roles: set[Role]) -> None:
    """Give `person` exactly these granted roles (attendee is implicit), recording who did it."""
    wanted = {Role(role) for role in roles} & set(GRANTABLE_ROLES)
    before = sorted(grant.role for grant in person.grants)
    if Role.ADMIN.value in before and Role.ADMIN not in wanted and _admin_count() <= 1:
        raise LastAdmin(
            "This is the only admin. Make someone else an admin before removing this role"
        )
    for grant in list(person.grants):
        if Role(grant.role) not in wanted:
            person.grants.remove(grant)
    held = {Role(grant.role) for grant in person.grants}
    for role in sorted(wanted - held):
        person.grants.append(RoleGrant(role=role.value, granted_by_id=actor.id))
    after = sorted(role.value for role in wanted)
    if before != after:
        audit.record(actor.id, "roles.set", "user", person.id, before=before, after=after)
    db.session.commit()


def create_admin(email: str, name: str, password: str | None) -> tuple[User, bool]:
    """Make `email` an admin, creating the account if needed. Returns (user, created)."""
    address = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == address))
    created = user is None
    if created:
        if password is None:
            raise WeakPassword("A new account needs a password")
        _check_password_rules(password, address, name)
        user = User(email=address, name=name.strip() or address.split("@")[0])
        user.password_hash = hash_password(password)
        db.session.add(user)
    elif password is not None:
        _check_password_rules(password, address, user.name)
        _set_password(user, password)
    if not user.has_role(Role.ADMIN):
        user.grants.append(RoleGrant(role=Role.ADMIN.value))
    db.session.flush()
    audit.record(None, "roles.grant_admin_cli", "user", user.id, after=[Role.ADMIN.value])
    db.session.commit()
    return user, created
