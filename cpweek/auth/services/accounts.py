"""Accounts and the addresses they are known by: the one form of an email address, finding a
person, and the people search of the admin pages."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, or_, select
from sqlalchemy.orm import lazyload

from cpweek.auth.models import User
from cpweek.errors import DomainError
from cpweek.extensions import db


class InvalidEmail(DomainError):
    field = "email"


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


def find_user_by_email(email: str) -> User | None:
    try:
        address = normalise_email(email)
    except InvalidEmail:
        return None
    return db.session.scalar(select(User).where(User.email == address))


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def account_for(address: str) -> User | None:
    """The account for a normalised address, without its role grants: the sign-up and reset
    answers must run the same statements whether or not there is one."""
    return db.session.scalar(
        select(User).where(User.email == address).options(lazyload(User.grants))
    )


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
