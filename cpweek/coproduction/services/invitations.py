"""Co-proposers: people a proposer names on a proposal, invited by email to confirm with a
one-time link (only its hash is stored, so the row does not give the link away)."""

from __future__ import annotations

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.auth.services import InvalidEmail, normalise_email
from cpweek.coproduction.models import CoProposer, CoProposerStatus, Proposal
from cpweek.coproduction.services.errors import CoproductionError, InvitationInvalid
from cpweek.coproduction.services.messages import tell
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.timezones import utcnow
from cpweek.tokens import new_token, token_hash
from cpweek.urls import absolute_url

MAX_CO_PROPOSERS = 6


def clean_co_proposers(
    co_proposers: list[tuple[str, str]], proposer: User
) -> list[tuple[str, str]]:
    """(name, address) pairs as typed, checked and normalised, each address once."""
    cleaned: list[tuple[str, str]] = []
    for name, email in co_proposers:
        try:
            address = normalise_email(email)
        except InvalidEmail:
            raise CoproductionError(
                f"“{email}” is not an email address we can send an invitation to",
                "co_proposers",
            ) from None
        if address == proposer.email:
            raise CoproductionError("You are the proposer: list only the others", "co_proposers")
        if len(name.strip()) > 200:
            raise CoproductionError("Each name must be 200 characters or fewer", "co_proposers")
        if address not in {a for _, a in cleaned}:
            cleaned.append((name.strip() or address, address))
    return cleaned


def invite(proposal: Proposal, name: str, email: str, proposer: User) -> None:
    token = new_token(24)
    invitee = CoProposer(
        proposal_id=proposal.id, name=name, email=email, token_hash=token_hash(token)
    )
    db.session.add(invitee)
    db.session.flush()
    tell(
        invitee.email,
        f"{proposer.name} named you on a Co-production Week proposal",
        "proposal_invitation",
        name=name,
        proposer=proposer,
        proposal=proposal,
        link=absolute_url("coproduction.invitation", token=token),
    )


def co_proposers_of(proposal: Proposal) -> list[CoProposer]:
    return list(
        db.session.scalars(
            select(CoProposer).where(CoProposer.proposal_id == proposal.id).order_by(CoProposer.id)
        )
    )


def confirmed_co_proposers(proposal: Proposal) -> list[CoProposer]:
    return [row for row in co_proposers_of(proposal) if row.status == CoProposerStatus.CONFIRMED]


def invitation_for(token: str) -> CoProposer | None:
    return db.session.scalar(select(CoProposer).where(CoProposer.token_hash == token_hash(token)))


def respond_to_invitation(token: str, person: User, accept: bool) -> CoProposer:
    """Confirm (or decline) being on a proposal. A link works once; a tampered one never."""
    invitee = invitation_for(token)
    if invitee is None:
        raise InvitationInvalid(
            "This invitation link is not valid. Check it was copied whole, or ask the "
            "proposer to invite you again."
        )
    # Only the first answer counts, however many arrive at once: they queue on the row and
    # each reads it afresh.
    lock(invitee)
    if invitee.status != CoProposerStatus.INVITED:
        raise InvitationInvalid(f"This invitation was already {invitee.status}: nothing changed.")
    if person.email != invitee.email:
        raise InvitationInvalid(
            f"This invitation was sent to {invitee.email}. Sign in with that address to "
            "answer it, or ask the proposer to invite the address you use."
        )
    invitee.status = (CoProposerStatus.CONFIRMED if accept else CoProposerStatus.DECLINED).value
    invitee.user_id, invitee.responded_at = person.id, utcnow()
    db.session.flush()
    audit.record(
        person.id,
        f"coproduction.invitation_{invitee.status}",
        "co_proposer",
        invitee.id,
        after={"proposal_id": invitee.proposal_id},
    )
    return invitee
