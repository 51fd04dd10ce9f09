"""Who the ledger is for (people with the contributor or co-producer role) and who may act
on their entries."""

from __future__ import annotations

from sqlalchemy import func, select

from cpweek.auth.models import Role, RoleGrant, User
from cpweek.extensions import db
from cpweek.reciprocity.models import LedgerEntry
from cpweek.reciprocity.services.errors import NotAContributor, ReciprocityError

CONTRIBUTOR_ROLES = (Role.CONTRIBUTOR, Role.CO_PRODUCER)


def is_contributor(person: User) -> bool:
    return person.has_role(*CONTRIBUTOR_ROLES)


def require_contributor(person: User) -> None:
    if not is_contributor(person):
        raise NotAContributor(
            f"{person.name} does not have the contributor role, so nothing can be logged for "
            "them. An admin can give them the role on the People page."
        )


def list_contributors() -> list[User]:
    """Everyone who holds the contributor or co-producer role, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(
                    select(RoleGrant.user_id).where(
                        RoleGrant.role.in_([role.value for role in CONTRIBUTOR_ROLES])
                    )
                )
            )
            .order_by(func.lower(User.name), User.id)
        )
    )


def get_person(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def require_self_or_organiser(person_id: int, by: User) -> None:
    if by.id != person_id and not by.has_role(Role.ORGANISER):
        raise ReciprocityError("Only the contributor or an organiser can do that")


def require_organiser(by: User) -> None:
    if not by.has_role(Role.ORGANISER):
        raise ReciprocityError("Only organisers can do that")


def refuse_own(entries: list[LedgerEntry], by: User) -> None:
    if any(entry.contributor_id == by.id for entry in entries):
        raise ReciprocityError(
            "You cannot decide on or pay your own entries: another organiser must.", "entries"
        )
