"""Role grants: who is a contributor, co-producer, organiser or admin and who granted it, and
the rule that the last admin keeps the role."""

from __future__ import annotations

from sqlalchemy import func, select

from cpweek import audit
from cpweek.auth.models import GRANTABLE_ROLES, Role, RoleGrant, User
from cpweek.auth.services.accounts import normalise_email
from cpweek.auth.services.passwords import (
    WeakPassword,
    check_password_rules,
    hash_password,
    set_password,
)
from cpweek.errors import DomainError
from cpweek.extensions import db


class LastAdmin(DomainError):
    field = "roles"


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
        check_password_rules(password, address, name)
        user = User(email=address, name=name.strip() or address.split("@")[0])
        user.password_hash = hash_password(password)
        db.session.add(user)
    elif password is not None:
        check_password_rules(password, address, user.name)
        set_password(user, password)
    if not user.has_role(Role.ADMIN):
        user.grants.append(RoleGrant(role=Role.ADMIN.value))
    db.session.flush()
    audit.record(None, "roles.grant_admin_cli", "user", user.id, after=[Role.ADMIN.value])
    return user, created
