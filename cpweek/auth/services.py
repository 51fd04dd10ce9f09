"""The rules for people and roles: accounts, sessions, passwords, reset links, role grants."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload
from werkzeug.security import check_password_hash, generate_password_hash

from cpweek import audit
from cpweek.auth.models import GRANTABLE_ROLES, Role, RoleGrant, User, UserSession
from cpweek.errors import DomainError
from cpweek.extensions import db
from cpweek.mail import queue_mail, render_mail
from cpweek.timezones import utcnow
from cpweek.urls import absolute_url

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
RESET_SALT = "cpweek-password-reset"
SIGN_UP_SALT = "cpweek-sign-up"
# A session's last_seen_at is written at most this often, so pages do not each write a row.
LAST_SEEN_EVERY = timedelta(minutes=5)

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


class SignUpLinkInvalid(DomainError):
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


def _account_for(address: str) -> User | None:
    """The account for a normalised address, without its role grants: the sign-up and reset
    answers must run the same statements whether or not there is one."""
    return db.session.scalar(
        select(User).where(User.email == address).options(lazyload(User.grants))
    )


def _link_minutes() -> int:
    return current_app.config["PASSWORD_RESET_MAX_AGE"] // 60


def sign_up(name: str, email: str, next_url: str | None = None) -> None:
    """Email the address what to do next; the answer on the page is the same for every address,
    so it tells nobody whether an account exists (and takes the same work: one look-up, one
    queued message). A new address gets a link to choose a password and finish the account; an
    address known from registrations gets a link to set its password (whoever typed it here has
    not shown it is theirs, so its registrations are not handed over until the owner acts); an
    address with an account is told so, with a link to choose a new password."""
    address = normalise_email(email)
    name = name.strip()
    user = _account_for(address)
    minutes = _link_minutes()
    if user is None:
        token = _sign_up_serializer().dumps({"email": address, "name": name, "next": next_url})
        case, link = "new", absolute_url("auth.finish_sign_up", token=token)
        subject = "Finish creating your Co-production Week account"
    else:
        link = absolute_url("auth.reset_password", token=make_reset_token(user))
        if user.has_password:
            case, subject = "existing", "You already have a Co-production Week account"
        else:
            case, subject = "registered", "Choose a password for your Co-production Week account"
    text, html = render_mail(
        "sign_up",
        case=case,
        # Never the name typed here: a stranger's words would reach someone else's inbox.
        name=user.name if user is not None else "",
        link=link,
        sign_in_link=absolute_url("auth.sign_in"),
        minutes=minutes,
    )
    queue_mail(address, subject, text, html)


def _sign_up_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGN_UP_SALT)


@dataclass(frozen=True)
class SignUpDetails:
    email: str
    name: str
    next_url: str | None


def sign_up_details(token: str) -> SignUpDetails:
    """What a sign-up link was made for; raises SignUpLinkInvalid (with what to do) when it has
    run out, was altered, or its account already has a password."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        payload = _sign_up_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise SignUpLinkInvalid(
            f"This link has expired. Links work for {max_age // 60} minutes: "
            "fill in the form below to get a new one"
        ) from None
    except BadSignature:
        raise SignUpLinkInvalid(
            "This link is not valid. Check you copied the whole link from the email, "
            "or fill in the form below to get a new one"
        ) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("email"), str):
        raise SignUpLinkInvalid("This link is not valid. Fill in the form below to get a new one")
    details = SignUpDetails(
        email=payload["email"],
        name=str(payload.get("name") or ""),
        next_url=payload.get("next") if isinstance(payload.get("next"), str) else None,
    )
    user = _account_for(details.email)
    if user is not None and user.has_password:
        raise SignUpLinkInvalid(
            "This link has already been used: the account is ready. Sign in, or reset your "
            "password if you have forgotten it"
        )
    return details


def finish_sign_up(token: str, password: str) -> User:
    """The account from a sign-up link, with its password. Opening the link proved the address
    is the person's own, so an account made for it since (by registering for an event) is
    theirs too."""
    details = sign_up_details(token)
    user = _account_for(details.email)
    name = user.name if user is not None else details.name
    _check_password_rules(password, details.email, name)
    if user is None:
        user = User(email=details.email, name=name or details.email.split("@")[0])
        user.password_hash = hash_password(password)
        try:
            # A savepoint: two links for one address opened at the same moment meet the unique
            # index here, and the request can still answer with a clear page.
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:
            raise SignUpLinkInvalid(
                "This link has already been used: the account is ready. Sign in, or reset "
                "your password if you have forgotten it"
            ) from None
    else:
        _set_password(user, password)
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
    return user


# --- sessions: one UserSession row per signed-in browser ----------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_lifetime() -> timedelta:
    """How long a session lasts at most: as long as a kept-signed-in cookie."""
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=int(duration))


def start_session(user: User, *, remembered: bool, user_agent: str = "") -> UserSession:
    """A new session for a person who has just proved who they are. Their sessions that have
    run out are removed now, so the table does not grow without end."""
    now = utcnow()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at <= now - session_lifetime()
        )
    )
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        token_hash=_token_hash(token),
        created_at=now,
        last_seen_at=now,
        user_agent=(user_agent or "")[:200],
        remembered=bool(remembered),
    )
    db.session.add(row)
    user.current_session, user.session_token = row, token
    return row


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: '<id>:<login_version>:<token>'. The person and their session come
    in one query; a deleted session (signed out), an old login version or a session older
    than its lifetime means nobody is signed in."""
    parts = (session_id or "").split(":")
    if len(parts) != 3:
        return None
    user_id, version, token = parts
    # Ids come from our own signed cookies, but a number too big for the database is refused
    # here rather than by the database.
    if not (user_id.isdigit() and version.isdigit()) or len(user_id + version) > 30 or not token:
        return None
    now = utcnow()
    found = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            User.login_version == int(version),
            UserSession.token_hash == _token_hash(token),
            UserSession.created_at > now - session_lifetime(),
        )
    ).first()
    if found is None:
        return None
    user, row = found
    if now - row.last_seen_at >= LAST_SEEN_EVERY:
        row.last_seen_at = now
    user.current_session, user.session_token = row, token
    return user


def end_session(user: User) -> None:
    """Sign out the browser this request came from, wherever copies of its cookies are."""
    if user.current_session is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == user.current_session.id))
        user.current_session = user.session_token = None


def end_sessions(user: User, keep: UserSession | None = None) -> None:
    """Sign the person out everywhere (but `keep`, the browser they are using, if given)."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    db.session.execute(statement)


def _set_password(user: User, password: str, keep: UserSession | None = None) -> None:
    user.password_hash = hash_password(password)
    user.login_version += 1
    end_sessions(user, keep)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """A new password; every other browser the person was signed in on is signed out."""
    if not user.password_hash or not check_password_hash(user.password_hash, current_password):
        raise WrongPassword("Your current password is not right")
    _check_password_rules(new_password, user.email, user.name)
    _set_password(user, new_password, keep=user.current_session)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used link stops working."""
    material = f"{user.password_hash or ''}:{user.login_version}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"uid": user.id, "fp": _password_fingerprint(user)})


def request_password_reset(email: str) -> None:
    """Email the address: a reset link if it has an account, else a note that no account uses
    it and how to create one. Either way one look-up and one queued message, so the answer
    (and the time it takes) tells nobody whether the address has an account."""
    address = normalise_email(email)
    user = _account_for(address)
    minutes = _link_minutes()
    if user is not None:
        link = absolute_url("auth.reset_password", token=make_reset_token(user))
        subject = "Reset your Co-production Week password"
    else:
        link = absolute_url("auth.sign_up")
        subject = "No Co-production Week account uses this email address"
    text, html = render_mail("password_reset", user=user, link=link, minutes=minutes)
    queue_mail(address, subject, text, html)


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
    _set_password(user, new_password)  # signs out every browser, this one included
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
    if (page - 1) * per_page >= total:
        # Past the last page: nothing to fetch, and no offset too big for the database.
        return [], total
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


def create_admin(email: str, name: str, password: str | None) -> tuple[User, bool]:
    """Make `email` an admin, creating the account if needed. Returns (user, created)."""
    address = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == address))
    created = user is None
    if user is None:
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
    return user, created
