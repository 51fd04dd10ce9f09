"""Proposals for sessions: submitted while the call is open, changed by their proposer until
it closes, with the times their presenters cannot present; who is on a proposal and who may
see it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.coproduction.models import (
    Call,
    CoProposer,
    CoProposerStatus,
    LivedExperience,
    Proposal,
    ProposalStatus,
)
from cpweek.coproduction.services.calls import REVIEWER_ROLES, call_of, edition_of, is_open
from cpweek.coproduction.services.errors import CallClosed, CoproductionError, NotAllowed
from cpweek.coproduction.services.invitations import (
    MAX_CO_PROPOSERS,
    clean_co_proposers,
    co_proposers_of,
    invite,
)
from cpweek.dateparts import parse_date, parse_time
from cpweek.extensions import db
from cpweek.programme.models import EventFormat, EventKind
from cpweek.timezones import AmbiguousLocalTime, NonexistentLocalTime, from_local


@dataclass
class ProposalDetails:
    title: str
    summary: str
    kind: str
    format: str
    length_minutes: int
    lived_experience_involvement: str
    lived_experience: str = LivedExperience.PREFER_NOT.value
    access_needs: str = ""
    unavailable: str = ""  # one line each: 29 6 2027 09:00-12:00 (or 2027-06-29 09:00-12:00)
    co_proposers: list[tuple[str, str]] = field(default_factory=list)  # (name, email)


_CLOCK = r"\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?"
_UNAVAILABLE_LINE = re.compile(rf"^(.+?)\s+({_CLOCK})\s*(?:-|to|–)\s*({_CLOCK})$", re.IGNORECASE)


def _typed_day(text: str) -> date:
    """'29 6 2027', '29/06/2027', '29 June 2027' or '2027-06-29'; ValueError otherwise."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    pieces = re.split(r"[\s/.]+", text.strip())
    if len(pieces) != 3:
        raise ValueError(text)
    return parse_date(dict(zip(("day", "month", "year"), pieces, strict=True)))


def parse_unavailable(text: str, zone: str) -> list[dict]:
    """Lines like '29 6 2027 09:00-12:00' (UK time; the date may also be written 29/06/2027,
    29 June 2027 or 2027-06-29) as UTC ranges; a clear error otherwise."""
    ranges = []
    for number, line in enumerate(filter(None, (ln.strip() for ln in text.splitlines())), 1):
        match = _UNAVAILABLE_LINE.match(line)
        try:
            if not match:
                raise ValueError
            day = _typed_day(match[1])
            starts = datetime.combine(day, parse_time({"hour": match[2]}))
            ends = datetime.combine(day, parse_time({"hour": match[3]}))
        except ValueError:  # PartsInvalid is one too
            raise CoproductionError(
                f"Line {number} of the times you cannot present is not like "
                "“29 6 2027 09:00-12:00”: the date, then the times on the 24-hour clock",
                "unavailable",
            ) from None
        if ends <= starts:
            raise CoproductionError(
                f"Line {number}: the end time must be after the start time", "unavailable"
            )
        try:
            ranges.append(
                {
                    "starts": _widest(starts, zone, end=False).isoformat(),
                    "ends": _widest(ends, zone, end=True).isoformat(),
                    "text": line,
                }
            )
        except NonexistentLocalTime as error:
            raise CoproductionError(f"Line {number}: {error}", "unavailable") from None
    return ranges


def _widest(wall_clock: datetime, zone: str, *, end: bool) -> datetime:
    """A time someone cannot present from or until. One that happens twice (the night the
    clocks go back) is not guessed: the range covers both readings (the earlier start, the
    later end), so nobody is scheduled at either."""
    try:
        return from_local(wall_clock, zone)
    except AmbiguousLocalTime:
        return from_local(wall_clock, zone, fold=1 if end else 0)


def _check_proposal(details: ProposalDetails) -> None:
    if not details.title.strip():
        raise CoproductionError("Enter a title", "title")
    if not details.summary.strip():
        raise CoproductionError("Enter a summary", "summary")
    if details.kind not in EventKind._value2member_map_:
        raise CoproductionError("Choose what kind of session it is", "kind")
    if details.format not in EventFormat._value2member_map_:
        raise CoproductionError("Choose online, in person or both", "format")
    if not 15 <= details.length_minutes <= 480:
        raise CoproductionError("Enter a length from 15 to 480 minutes", "length_minutes")
    if not details.lived_experience_involvement.strip():
        raise CoproductionError(
            "Say how people with lived experience are involved in it",
            "lived_experience_involvement",
        )
    if details.lived_experience not in LivedExperience._value2member_map_:
        raise CoproductionError("Choose an answer (or “prefer not to say”)", "lived_experience")
    if len(details.co_proposers) > MAX_CO_PROPOSERS:
        raise CoproductionError(f"Name up to {MAX_CO_PROPOSERS} co-proposers", "co_proposers")


def submit_proposal(call: Call, proposer: User, details: ProposalDetails) -> Proposal:
    """A new proposal, while the call is open; co-proposers are emailed a link to confirm."""
    if not is_open(call):
        raise CallClosed("Suggestions for sessions are not open now, so nothing was saved.")
    _check_proposal(details)
    co_proposers = clean_co_proposers(details.co_proposers, proposer)
    edition = edition_of(call)
    proposal = Proposal(
        call_id=call.id,
        proposer_id=proposer.id,
        title=details.title.strip(),
        summary=details.summary.strip(),
        kind=details.kind,
        format=details.format,
        length_minutes=details.length_minutes,
        lived_experience_involvement=details.lived_experience_involvement.strip(),
        lived_experience=details.lived_experience,
        access_needs=details.access_needs.strip(),
        unavailable=parse_unavailable(details.unavailable, edition.timezone),
        status=ProposalStatus.SUBMITTED.value,
    )
    db.session.add(proposal)
    db.session.flush()
    for name, email in co_proposers:
        invite(proposal, name, email, proposer)
    audit.record(
        proposer.id,
        "coproduction.proposal_submitted",
        "proposal",
        proposal.id,
        after={"title": proposal.title, "co_proposers": [e for _, e in co_proposers]},
    )
    return proposal


def can_edit(proposal: Proposal) -> bool:
    return proposal.status == ProposalStatus.SUBMITTED and is_open(call_of(proposal))


def update_proposal(proposal: Proposal, details: ProposalDetails, by: User) -> Proposal:
    """The proposer changes the proposal until the call closes; new co-proposers are invited."""
    if proposal.proposer_id != by.id:
        raise NotAllowed("Only the proposer can change the proposal")
    if not can_edit(proposal):
        raise CallClosed(
            "Suggestions have closed (or the proposal was withdrawn or decided): "
            "it can no longer be changed."
        )
    _check_proposal(details)
    co_proposers = clean_co_proposers(details.co_proposers, by)
    edition = edition_of(call_of(proposal))
    unavailable = parse_unavailable(details.unavailable, edition.timezone)
    before = {"title": proposal.title, "length_minutes": proposal.length_minutes}
    for name in ("title", "summary", "lived_experience_involvement", "access_needs"):
        setattr(proposal, name, getattr(details, name).strip())
    proposal.kind, proposal.format = details.kind, details.format
    proposal.length_minutes = details.length_minutes
    proposal.lived_experience = details.lived_experience
    proposal.unavailable = unavailable
    known = {row.email for row in co_proposers_of(proposal)}
    for name, email in co_proposers:
        if email not in known:
            invite(proposal, name, email, by)
    audit.record(
        by.id,
        "coproduction.proposal_changed",
        "proposal",
        proposal.id,
        before=before,
        after={"title": proposal.title, "length_minutes": proposal.length_minutes},
    )
    return proposal


def get_proposal(proposal_id: int) -> Proposal | None:
    return db.session.get(Proposal, proposal_id)


def is_on_proposal(proposal: Proposal, person: User) -> bool:
    """The proposer, or anyone invited onto it (confirmed or not): they may not review it."""
    if proposal.proposer_id == person.id:
        return True
    return (
        db.session.scalar(
            select(CoProposer.id).where(
                CoProposer.proposal_id == proposal.id,
                or_(CoProposer.user_id == person.id, CoProposer.email == person.email),
            )
        )
        is not None
    )


def _confirmed_by(person: User):
    """The ids of the proposals the person confirmed they are on, as a subquery."""
    return select(CoProposer.proposal_id).where(
        CoProposer.user_id == person.id, CoProposer.status == CoProposerStatus.CONFIRMED.value
    )


def may_see(proposal: Proposal, person: User) -> bool:
    """Proposers and confirmed co-proposers see their proposal; reviewers see every one."""
    if person.has_role(*REVIEWER_ROLES):
        return True
    return proposal.proposer_id == person.id or (
        db.session.scalar(
            select(Proposal.id).where(
                Proposal.id == proposal.id, Proposal.id.in_(_confirmed_by(person))
            )
        )
        is not None
    )


def proposals_of(person: User) -> list[Proposal]:
    """Proposals the person made or confirmed they are on, newest first."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(or_(Proposal.proposer_id == person.id, Proposal.id.in_(_confirmed_by(person))))
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        )
    )
