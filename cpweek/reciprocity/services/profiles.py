"""Contributor profiles: how each person would like to be paid, contacted and credited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.reciprocity.models import (
    Choice,
    ContributorProfile,
    PublicCredit,
    RecognitionPreference,
)
from cpweek.reciprocity.services.contributors import require_contributor
from cpweek.reciprocity.services.errors import ReciprocityError


@dataclass
class ProfileDetails:
    preferred_name: str
    contact_email: str = ""
    contact_phone: str = ""
    preference: str = RecognitionPreference.PAYMENT.value
    benefits_guidance: bool = False
    public_sector_employee: bool = False
    public_credit: str = PublicCredit.NAME.value
    pseudonym: str = ""
    payee_reference: str = ""


def get_profile(person_id: int) -> ContributorProfile | None:
    return db.session.scalar(
        select(ContributorProfile).where(ContributorProfile.user_id == person_id)
    )


def profile_or_default(person: User) -> ContributorProfile:
    """The saved profile, or an unsaved one with the account's name and email."""
    return get_profile(person.id) or ContributorProfile(
        user_id=person.id,
        preferred_name=person.name,
        contact_email=person.email,
        contact_phone="",
        preference=RecognitionPreference.PAYMENT.value,
        benefits_guidance=False,
        public_sector_employee=False,
        public_credit=PublicCredit.NAME.value,
        pseudonym="",
        payee_reference="",
    )


def _profile_state(profile: ContributorProfile) -> dict:
    return {
        name: getattr(profile, name)
        for name in ProfileDetails.__dataclass_fields__
        if hasattr(profile, name)
    }


def save_profile(person: User, details: ProfileDetails, by: User) -> ContributorProfile:
    """Create or update a contributor's profile. Only organisers set the payee reference."""
    require_contributor(person)
    if not details.preferred_name.strip():
        raise ReciprocityError("Enter the name you would like us to use", "preferred_name")
    if details.public_credit == PublicCredit.PSEUDONYM and not details.pseudonym.strip():
        raise ReciprocityError("Enter the name you would like to be credited by", "pseudonym")
    profile = get_profile(person.id)
    before = _profile_state(profile) if profile else None
    if profile is None:
        profile = ContributorProfile(user_id=person.id)
        db.session.add(profile)
    payee_reference = profile.payee_reference or ""
    for name, value in details.__dict__.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    if not by.has_role(Role.ORGANISER):
        profile.payee_reference = payee_reference
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.profile_saved",
        "contributor_profile",
        profile.id,
        before=before,
        after=_profile_state(profile),
    )
    return profile


def credit_name(person: User) -> str:
    """The name a public credit shows, as the person chose (name, pseudonym or anonymous)."""
    return profile_or_default(person).credit_name


def prefill_choice(person: User) -> str:
    """The choice a new activity starts with: what the person said they usually prefer."""
    preference = profile_or_default(person).preference
    choices: dict[str, Choice] = {
        RecognitionPreference.VOUCHERS: Choice.VOUCHERS,
        RecognitionPreference.TIME_CREDITS: Choice.TIME_CREDITS,
        RecognitionPreference.RECOGNITION_ONLY: Choice.DECLINE,
        RecognitionPreference.DECLINE: Choice.DECLINE,
    }
    return choices.get(preference, Choice.FEE).value
