"""Credits: who made a resource and how.

A person with an account is credited from their contributor profile: by name, by pseudonym or
anonymously ("A contributor with lived experience"), as they chose; someone who asked not to
be credited in public is refused, and left out of the public list should they change their
mind later. Someone without an account is credited by the name typed, and only with a note of
how and when they agreed to it. Several roles for one person are several credits; the same
person twice in the same role is refused. `ShownCredit` and `shown_credits` are what the public
pages read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from cpweek import audit, locks
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.programme.models import MAX_ID
from cpweek.reciprocity.models import ContributorProfile
from cpweek.reciprocity.services.contributors import is_contributor, list_contributors
from cpweek.resources.errors import NotAllowed, ResourceError
from cpweek.resources.models import Credit, CreditRole, Resource, ResourceStatus

MAX_NAME = 200  # the column's length
MAX_CONSENT_NOTE = 1000
MAX_POSITION = 999
CONSENT_EXAMPLE = "for example “Agreed by phone with Sam, 3 Dec 2026”"


@dataclass(frozen=True)
class ShownCredit:
    """A credit as the public sees it: the name the person chose (or "A contributor with lived
    experience"), and the role's words."""

    name: str
    role: str


@dataclass
class CreditDetails:
    """What an organiser typed: a contributor's account, or the name of someone without one
    (with their consent on record), and how they contributed."""

    role: str
    person_id: int | None = None
    name: str = ""
    consent_note: str = ""


@dataclass(frozen=True)
class CreditLine:
    """A credit as the organisers' page lists it: who it is and how the public sees them."""

    credit: Credit
    role: str  # the role's words
    who: str  # the account's name, or the name typed
    shown_as: str | None  # the public's words; None: not shown (they asked not to be)
    has_account: bool


def _public_name(user_name: str, profile: ContributorProfile | None) -> str | None:
    """How the public names an account holder, as their profile says; None if they asked not
    to be credited in public. No profile yet: their account's name (as `profile_or_default`)."""
    if profile is None:
        return user_name
    return profile.credit_name if profile.credited_in_public else None


def _role_label(role: str) -> str:
    return CreditRole(role).label if role in CreditRole._value2member_map_ else role


# --- reading --------------------------------------------------------------------------------


def shown_credits(resource_ids: Collection[int]) -> dict[int, list[ShownCredit]]:
    """Each resource's credits as the public sees them, in one query however many resources:
    in the organisers' order, leaving out anyone who asked not to be credited in public."""
    shown: dict[int, list[ShownCredit]] = {resource_id: [] for resource_id in resource_ids}
    if not shown:
        return shown
    rows = db.session.execute(
        select(Credit.resource_id, Credit.role, Credit.name, User.name, ContributorProfile)
        .outerjoin(User, User.id == Credit.person_id)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == Credit.person_id)
        .where(Credit.resource_id.in_(list(shown)))
        .order_by(Credit.resource_id, Credit.position, Credit.id)
    )
    for resource_id, role, typed_name, user_name, profile in rows:
        name = typed_name if user_name is None else _public_name(user_name, profile)
        if name:
            shown[resource_id].append(ShownCredit(name, _role_label(role)))
    return shown


def credit_lines(resource_id: int) -> list[CreditLine]:
    """The resource's credits for its organisers' page, in order (one query)."""
    rows = db.session.execute(
        select(Credit, User.name, ContributorProfile)
        .outerjoin(User, User.id == Credit.person_id)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == Credit.person_id)
        .where(Credit.resource_id == resource_id)
        .order_by(Credit.position, Credit.id)
    )
    return [
        CreditLine(
            credit=credit,
            role=_role_label(credit.role),
            who=credit.name if user_name is None else user_name,
            shown_as=credit.name if user_name is None else _public_name(user_name, profile),
            has_account=user_name is not None,
        )
        for credit, user_name, profile in rows
    ]


def resource_for_credits(resource_id: int) -> Resource | None:
    """Any resource, draft or published (the organisers' page); None for an id out of range."""
    if not 0 < resource_id <= MAX_ID:
        return None
    return db.session.get(Resource, resource_id)


def credit_of(resource: Resource, credit_id: int) -> Credit | None:
    """The resource's credit with this id, else None (another resource's credit too)."""
    if not 0 < credit_id <= MAX_ID:
        return None
    credit = db.session.get(Credit, credit_id)
    return credit if credit is not None and credit.resource_id == resource.id else None


def contributor_choices() -> list[tuple[int, str]]:
    """The people an organiser may credit from their account (contributors and co-producers),
    by name, each with how the public would see them (two queries)."""
    people = list_contributors()
    profiles = {
        profile.user_id: profile
        for profile in db.session.scalars(
            select(ContributorProfile).where(
                ContributorProfile.user_id.in_([person.id for person in people])
            )
        )
    }
    choices = []
    for person in people:
        shown = _public_name(person.name, profiles.get(person.id))
        if shown is None:
            words = "asked not to be credited in public"
        elif shown == person.name:
            words = "credited by name"
        else:
            words = f"credited as “{shown}”"
        choices.append((person.id, f"{person.name} ({words})"))
    return choices


def published_credits_of(person_id: int) -> list[tuple[Credit, Resource]]:
    """The person's credits on published resources, oldest publication first (one query):
    what the ledger offers them to log and what their portfolio lists. Drafts never."""
    return [
        (credit, resource)
        for credit, resource in db.session.execute(
            select(Credit, Resource)
            .join(Resource, Resource.id == Credit.resource_id)
            .where(
                Credit.person_id == person_id,
                Resource.status == ResourceStatus.PUBLISHED.value,
            )
            .order_by(Resource.published_at, Resource.id, Credit.position, Credit.id)
        )
    ]


# --- changing -------------------------------------------------------------------------------


def _require_organiser(by: User) -> None:
    if not by.has_role(Role.ORGANISER):
        raise NotAllowed("Only organisers can change a resource's credits")


def _check_role(role: str) -> None:
    if role not in CreditRole._value2member_map_:
        raise ResourceError("Choose how they contributed", "role")


def _credited_person(person_id: int) -> User:
    """The account to credit: a contributor who has not asked to stay out of public credits."""
    person = db.session.get(User, person_id) if 0 < person_id <= MAX_ID else None
    if person is None:
        raise ResourceError("Choose a contributor from the list", "person_id")
    if not is_contributor(person):
        raise ResourceError(
            f"{person.name} is not a contributor, so they cannot be credited from their "
            "account. Type their name instead, with a note of how they agreed, or ask an "
            "admin to give them the contributor role.",
            "person_id",
        )
    profile = db.session.scalar(
        select(ContributorProfile).where(ContributorProfile.user_id == person.id)
    )
    if profile is not None and not profile.credited_in_public:
        raise ResourceError(
            f"{person.name} asked not to be credited in public. Ask them first; they can "
            "change this in their profile.",
            "person_id",
        )
    return person


def _check_named(name: str, consent_note: str) -> None:
    if len(name) > MAX_NAME:
        raise ResourceError(f"The name must be {MAX_NAME} characters or fewer", "name")
    if not consent_note:
        raise ResourceError(
            "Say how and when they agreed to be credited by this name, " + CONSENT_EXAMPLE,
            "consent_note",
        )


def _refuse_duplicate(resource: Resource, role: str, person_id: int | None, name: str) -> None:
    query = select(Credit.id).where(Credit.resource_id == resource.id, Credit.role == role)
    if person_id is not None:
        query = query.where(Credit.person_id == person_id)
    else:
        query = query.where(Credit.person_id.is_(None), func.lower(Credit.name) == name.lower())
    if db.session.scalar(query.limit(1)) is not None:
        raise ResourceError(
            f"They are already credited as {CreditRole(role).label.lower()} on this resource. "
            "Choose another role, or remove the credit first.",
            "role",
        )


def add_credit(resource: Resource, details: CreditDetails, by: User) -> Credit:
    """Credit a contributor's account, or a name typed with a note of consent, in a role; the
    credit goes last in the list. Refused with a message naming the field, nothing saved."""
    _require_organiser(by)
    name = details.name.strip()
    consent_note = details.consent_note.strip()
    if details.person_id is None and not name:
        raise ResourceError(
            "Choose a contributor, or type the name of someone without an account", "person_id"
        )
    if details.person_id is not None and name:
        raise ResourceError(
            "Choose a contributor or type a name, not both: one credit is for one person",
            "name",
        )
    if len(consent_note) > MAX_CONSENT_NOTE:
        raise ResourceError(
            f"The note must be {MAX_CONSENT_NOTE:,} characters or fewer", "consent_note"
        )
    person = _credited_person(details.person_id) if details.person_id is not None else None
    if person is None:
        _check_named(name, consent_note)
    _check_role(details.role)
    # One addition at a time per resource: the duplicate check and the place hold under any
    # concurrency on both databases.
    locks.lock(resource)
    _refuse_duplicate(resource, details.role, person.id if person else None, name)
    last = db.session.scalar(
        select(func.max(Credit.position)).where(Credit.resource_id == resource.id)
    )
    credit = Credit(
        resource_id=resource.id,
        role=details.role,
        person_id=person.id if person else None,
        name="" if person else name,
        consent_note=consent_note,
        position=(last + 1) if last is not None else 0,
        created_by_id=by.id,
    )
    db.session.add(credit)
    db.session.flush()
    audit.record(
        by.id,
        "resource.credit_added",
        "resource_credit",
        credit.id,
        after=_credit_state(credit),
    )
    return credit


def _credit_state(credit: Credit) -> dict:
    return {
        "resource_id": credit.resource_id,
        "role": credit.role,
        "person_id": credit.person_id,
        "name": credit.name,
        "consent_note": credit.consent_note,
        "position": credit.position,
    }


def remove_credit(credit: Credit, by: User) -> None:
    """Take a credit off its resource (an offer it made to log time goes with it)."""
    _require_organiser(by)
    before = _credit_state(credit)
    credit_id = credit.id
    db.session.delete(credit)
    db.session.flush()
    audit.record(by.id, "resource.credit_removed", "resource_credit", credit_id, before=before)


def reorder_credits(resource: Resource, places: Mapping[int, int], by: User) -> None:
    """Put the resource's credits in the order of the places typed (1 first); equal places
    keep their old order. Every credit of the resource must have a place."""
    _require_organiser(by)
    credits = list(
        db.session.scalars(
            select(Credit)
            .where(Credit.resource_id == resource.id)
            .order_by(Credit.position, Credit.id)
        )
    )
    if set(places) != {credit.id for credit in credits}:
        raise ResourceError("The list of credits changed: look at it again and try again")
    for credit_id, place in places.items():
        if not 1 <= place <= MAX_POSITION:
            raise ResourceError(f"Enter a place from 1 to {MAX_POSITION}", f"position_{credit_id}")
    before = [credit.id for credit in credits]
    ordered = sorted(credits, key=lambda credit: places[credit.id])  # stable: ties keep order
    for position, credit in enumerate(ordered):
        credit.position = position
    db.session.flush()
    audit.record(
        by.id,
        "resource.credits_reordered",
        "resource",
        resource.id,
        before=before,
        after=[credit.id for credit in ordered],
    )
