"""The links emailed to a person: a sign-up link that finishes a new account, and a reset link
that sets a password. Both are signed, run out, and stop working once used; the answer to
asking for one is the same whether or not the address has an account."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from cpweek.auth.models import User
from cpweek.auth.services.accounts import account_for, normalise_email
from cpweek.auth.services.passwords import check_password_rules, hash_password, set_password
from cpweek.errors import DomainError
from cpweek.extensions import db
from cpweek.mail import queue_mail, render_mail
from cpweek.urls import absolute_url

RESET_SALT = "cpweek-password-reset"
SIGN_UP_SALT = "cpweek-sign-up"


class ResetLinkInvalid(DomainError):
    pass


class ResetLinkExpired(DomainError):
    pass


class SignUpLinkInvalid(DomainError):
    pass


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
    user = account_for(address)
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
    user = account_for(details.email)
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
    user = account_for(details.email)
    name = user.name if user is not None else details.name
    check_password_rules(password, details.email, name)
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
        set_password(user, password)
    return user


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
    user = account_for(address)
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
    check_password_rules(new_password, user.email, user.name)
    set_password(user, new_password)  # signs out every browser, this one included
    return user
