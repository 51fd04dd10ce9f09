"""The rules of co-producing the programme: calls, proposals and co-proposer invitations,
reviews (nobody reviews their own, nobody sees others' scores before giving theirs), the
panel's ranking, and shared decisions that stand once a co-producer and an organiser agree.

Every review, decision and agreement writes an audit entry in the same transaction. Nothing
here commits: the request (or command) does, once, so a decision that stands, the event it
drafts, its audit entries and the messages it queues are saved together or not at all.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from cpweek import audit
from cpweek.auth.models import Role, User
from cpweek.auth.services import InvalidEmail, normalise_email
from cpweek.coproduction.models import (
    SCORE_MAX,
    SCORE_MIN,
    Agreement,
    Call,
    CoProposer,
    Criterion,
    Decision,
    LivedExperience,
    Outcome,
    Proposal,
    ProposalStatus,
    Review,
    Score,
)
from cpweek.dateparts import parse_date, parse_time
from cpweek.errors import DomainError
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.mail import queue_mail, render_mail
from cpweek.perspectives import both_agreed, perspective_of
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, EventFormat, EventKind
from cpweek.timezones import AmbiguousLocalTime, NonexistentLocalTime, from_local, utcnow
from cpweek.urls import absolute_url

REVIEWER_ROLES = (Role.CO_PRODUCER, Role.ORGANISER)
OUTCOME_WORDS = {"accept": "accepted", "reject": "not accepted this time", "hold": "on hold"}
LIVED_EXPERIENCE, STAFF = "lived_experience", "staff"
MAX_CO_PROPOSERS = 6
# Still with the panel: decisions can be proposed and agreed, and the proposer can withdraw.
DECIDABLE = (ProposalStatus.SUBMITTED, ProposalStatus.HELD)


class CoproductionError(DomainError):
    pass


class CallClosed(CoproductionError):
    pass


class NotAllowed(CoproductionError):
    pass


class InvitationInvalid(CoproductionError):
    pass


def _quietly_mail(to: str, subject: str, template: str, **context) -> bool:
    """Queue a message with the action it follows (it leaves only if that is committed)."""
    text, html = render_mail(template, **context)
    queue_mail(to, subject, text, html)
    return True


# --- calls --------------------------------------------------------------------------------


@dataclass
class CallDetails:
    opens_at: datetime
    closes_at: datetime
    reviewing_starts_on: date
    reviewing_ends_on: date
    deciding_starts_on: date
    deciding_ends_on: date
    guidance: str = ""
    shared_decisions: bool = True


def get_call(edition: Edition) -> Call | None:
    return db.session.scalar(select(Call).where(Call.edition_id == edition.id))


def get_call_by_id(call_id: int) -> Call | None:
    return db.session.get(Call, call_id)


def edition_of(call: Call) -> Edition:
    return programme.get_edition_by_id(call.edition_id)


def is_open(call: Call, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return call.opens_at <= now < call.closes_at


def reviewing(call: Call, today: date | None = None) -> bool:
    today = today or programme.today_in()
    return call.reviewing_starts_on <= today <= call.reviewing_ends_on


def deciding(call: Call, today: date | None = None) -> bool:
    today = today or programme.today_in()
    return call.deciding_starts_on <= today <= call.deciding_ends_on


def save_call(edition: Edition, details: CallDetails, by: User) -> Call:
    """Open (or change) an edition's call, with its review and decision phases."""
    if details.closes_at <= details.opens_at:
        raise CoproductionError("The call must close after it opens", "closes_at")
    if details.reviewing_ends_on < details.reviewing_starts_on:
        raise CoproductionError("Reviewing must end on or after it starts", "reviewing_ends_on")
    if details.deciding_ends_on < details.deciding_starts_on:
        raise CoproductionError("Deciding must end on or after it starts", "deciding_ends_on")
    if details.deciding_starts_on < details.reviewing_starts_on:
        raise CoproductionError(
            "Deciding cannot start before reviewing starts", "deciding_starts_on"
        )
    call = get_call(edition)
    before = None
    if call is None:
        call = Call(edition_id=edition.id)
        db.session.add(call)
    else:
        before = {"closes_at": call.closes_at.isoformat(), "shared": call.shared_decisions}
    for name, value in details.__dict__.items():
        setattr(call, name, value.strip() if isinstance(value, str) else value)
    db.session.flush()
    audit.record(
        by.id,
        "coproduction.call_saved",
        "call",
        call.id,
        before=before,
        after={"closes_at": call.closes_at.isoformat(), "shared": call.shared_decisions},
    )
    return call


def criteria_of(call: Call) -> list[Criterion]:
    return list(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.call_id == call.id)
            .order_by(Criterion.position, Criterion.id)
        )
    )


def add_criterion(call: Call, name: str, description: str, weight: int, by: User) -> Criterion:
    if not name.strip():
        raise CoproductionError("Enter the criterion's name", "name")
    if not 1 <= weight <= 10:
        raise CoproductionError("Enter how much it counts, from 1 to 10", "weight")
    position = db.session.scalar(
        select(func.coalesce(func.max(Criterion.position), 0)).where(Criterion.call_id == call.id)
    )
    criterion = Criterion(
        call_id=call.id,
        name=name.strip(),
        description=description.strip(),
        weight=weight,
        position=position + 1,
    )
    db.session.add(criterion)
    db.session.flush()
    audit.record(
        by.id,
        "coproduction.criterion_added",
        "criterion",
        criterion.id,
        after={"name": criterion.name, "weight": weight},
    )
    return criterion


def set_weight(criterion: Criterion, weight: int, by: User) -> None:
    """The panel (co-producers and organisers) re-weighs a criterion."""
    if not by.has_role(*REVIEWER_ROLES):
        raise NotAllowed("Only the review panel changes the criteria")
    if not 1 <= weight <= 10:
        raise CoproductionError("Enter how much it counts, from 1 to 10", "weight")
    before = criterion.weight
    criterion.weight = weight
    audit.record(
        by.id,
        "coproduction.criterion_weight",
        "criterion",
        criterion.id,
        before={"weight": before},
        after={"weight": weight},
    )


def get_criterion(criterion_id: int) -> Criterion | None:
    return db.session.get(Criterion, criterion_id)


# --- proposals ----------------------------------------------------------------------------


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


def _clean_co_proposers(details: ProposalDetails, proposer: User) -> list[tuple[str, str]]:
    cleaned = []
    for name, email in details.co_proposers:
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


def _invite(proposal: Proposal, name: str, email: str, proposer: User) -> None:
    token = secrets.token_urlsafe(24)
    invitee = CoProposer(
        proposal_id=proposal.id,
        name=name,
        email=email,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
    )
    db.session.add(invitee)
    db.session.flush()
    _quietly_mail(
        invitee.email,
        f"{proposer.name} named you on a Co-production Week proposal",
        "proposal_invitation",
        name=name,
        proposer=proposer,
        proposal=proposal,
        link=absolute_url("coproduction.invitation", token=token),
    )


def submit_proposal(call: Call, proposer: User, details: ProposalDetails) -> Proposal:
    """A new proposal, while the call is open; co-proposers are emailed a link to confirm."""
    if not is_open(call):
        raise CallClosed("Suggestions for sessions are not open now, so nothing was saved.")
    _check_proposal(details)
    co_proposers = _clean_co_proposers(details, proposer)
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
        _invite(proposal, name, email, proposer)
    audit.record(
        proposer.id,
        "coproduction.proposal_submitted",
        "proposal",
        proposal.id,
        after={"title": proposal.title, "co_proposers": [e for _, e in co_proposers]},
    )
    return proposal


def can_edit(proposal: Proposal) -> bool:
    call = get_call_by_id(proposal.call_id)
    return proposal.status == ProposalStatus.SUBMITTED and is_open(call)


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
    co_proposers = _clean_co_proposers(details, by)
    edition = edition_of(get_call_by_id(proposal.call_id))
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
            _invite(proposal, name, email, by)
    audit.record(
        by.id,
        "coproduction.proposal_changed",
        "proposal",
        proposal.id,
        before=before,
        after={"title": proposal.title, "length_minutes": proposal.length_minutes},
    )
    return proposal


def decidable(proposal: Proposal) -> bool:
    """Still with the panel: a decision can be proposed or agreed, or it can be withdrawn."""
    return proposal.status in DECIDABLE


def withdraw_proposal(proposal: Proposal, by: User) -> None:
    if proposal.proposer_id != by.id:
        raise NotAllowed("Only the proposer can withdraw the proposal")
    lock(proposal)
    if not decidable(proposal):
        raise CoproductionError("Only a proposal still with the panel can be withdrawn")
    before = proposal.status
    open_decision = current_decision(proposal)
    if open_decision is not None:
        open_decision.replaced = True  # nobody can agree to it any more
    proposal.status = ProposalStatus.WITHDRAWN.value
    audit.record(
        by.id,
        "coproduction.proposal_withdrawn",
        "proposal",
        proposal.id,
        before={"status": before},
        after={"status": "withdrawn"},
    )


def get_proposal(proposal_id: int) -> Proposal | None:
    return db.session.get(Proposal, proposal_id)


def co_proposers_of(proposal: Proposal) -> list[CoProposer]:
    return list(
        db.session.scalars(
            select(CoProposer).where(CoProposer.proposal_id == proposal.id).order_by(CoProposer.id)
        )
    )


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


def may_see(proposal: Proposal, person: User) -> bool:
    """Proposers and confirmed co-proposers see their proposal; reviewers see every one."""
    if person.has_role(*REVIEWER_ROLES):
        return True
    return proposal.proposer_id == person.id or (
        db.session.scalar(
            select(CoProposer.id).where(
                CoProposer.proposal_id == proposal.id,
                CoProposer.user_id == person.id,
                CoProposer.status == "confirmed",
            )
        )
        is not None
    )


def proposals_of(person: User) -> list[Proposal]:
    """Proposals the person made or confirmed they are on, newest first."""
    confirmed = select(CoProposer.proposal_id).where(
        CoProposer.user_id == person.id, CoProposer.status == "confirmed"
    )
    return list(
        db.session.scalars(
            select(Proposal)
            .where(or_(Proposal.proposer_id == person.id, Proposal.id.in_(confirmed)))
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        )
    )


def invitation_for(token: str) -> CoProposer | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    return db.session.scalar(select(CoProposer).where(CoProposer.token_hash == digest))


def respond_to_invitation(token: str, person: User, accept: bool) -> CoProposer:
    """Confirm (or decline) being on a proposal. A link works once; a tampered one never."""
    invitee = invitation_for(token)
    if invitee is None:
        raise InvitationInvalid(
            "This invitation link is not valid. Check it was copied whole, or ask the "
            "proposer to invite you again."
        )
    if invitee.status != "invited":
        raise InvitationInvalid(f"This invitation was already {invitee.status}: nothing changed.")
    if person.email != invitee.email:
        raise InvitationInvalid(
            f"This invitation was sent to {invitee.email}. Sign in with that address to "
            "answer it, or ask the proposer to invite the address you use."
        )
    status = "confirmed" if accept else "declined"
    # Only the first answer counts, however many arrive at once.
    answered = db.session.execute(
        update(CoProposer)
        .where(CoProposer.id == invitee.id, CoProposer.status == "invited")
        .values(status=status, user_id=person.id, responded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if answered.rowcount != 1:
        raise InvitationInvalid("This invitation was already answered: nothing changed.")
    db.session.refresh(invitee)
    audit.record(
        person.id,
        f"coproduction.invitation_{invitee.status}",
        "co_proposer",
        invitee.id,
        after={"proposal_id": invitee.proposal_id},
    )
    return invitee


# --- reviews ------------------------------------------------------------------------------


def _perspective(person: User) -> str:
    return LIVED_EXPERIENCE if person.has_role(Role.CO_PRODUCER) else STAFF


def proposals_for_review(call: Call) -> list[Proposal]:
    return list(
        db.session.scalars(
            select(Proposal)
            .where(
                Proposal.call_id == call.id,
                Proposal.status != ProposalStatus.WITHDRAWN.value,
            )
            .order_by(Proposal.created_at, Proposal.id)
        )
    )


def my_reviews(call: Call, reviewer: User) -> dict[int, Review]:
    return {
        review.proposal_id: review
        for review in db.session.scalars(
            select(Review)
            .join(Proposal, Proposal.id == Review.proposal_id)
            .where(Proposal.call_id == call.id, Review.reviewer_id == reviewer.id)
        )
    }


def own_proposal_ids(call: Call, person: User) -> set[int]:
    invited = select(CoProposer.proposal_id).where(
        or_(CoProposer.user_id == person.id, CoProposer.email == person.email)
    )
    return set(
        db.session.scalars(
            select(Proposal.id).where(
                Proposal.call_id == call.id,
                or_(Proposal.proposer_id == person.id, Proposal.id.in_(invited)),
            )
        )
    )


def submit_review(
    proposal: Proposal, reviewer: User, scores: dict[int, int], comment: str
) -> Review:
    """Score every criterion on the 1-5 scale and comment; a second submission (while
    reviewing is open) replaces the reviewer's first."""
    if not reviewer.has_role(*REVIEWER_ROLES):
        raise NotAllowed("Only co-producers and organisers review proposals")
    call = get_call_by_id(proposal.call_id)
    if not reviewing(call):
        raise CoproductionError(
            f"Reviewing is open from {call.reviewing_starts_on:%-d %B} to "
            f"{call.reviewing_ends_on:%-d %B %Y}: nothing was saved."
        )
    if is_on_proposal(proposal, reviewer):
        raise NotAllowed("You are on this proposal, so you cannot review it.")
    if proposal.status == ProposalStatus.WITHDRAWN:
        raise CoproductionError("This proposal was withdrawn.")
    wanted = {criterion.id for criterion in criteria_of(call)}
    if not wanted:
        raise CoproductionError("The call has no score criteria yet: ask an organiser to add them.")
    if set(scores) != wanted:
        raise CoproductionError("Give a score for every criterion", "scores")
    for value in scores.values():
        if not SCORE_MIN <= value <= SCORE_MAX:
            raise CoproductionError(f"Scores go from {SCORE_MIN} to {SCORE_MAX}", "scores")
    if not comment.strip():
        raise CoproductionError("Write a comment for the panel", "comment")
    review = db.session.scalar(
        select(Review).where(Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id)
    )
    before = None
    if review is None:
        review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id)
        db.session.add(review)
    else:
        before = {"comment": review.comment, "scores": _scores_of(review)}
        for old in db.session.scalars(select(Score).where(Score.review_id == review.id)):
            db.session.delete(old)
    review.perspective = _perspective(reviewer)
    review.comment = comment.strip()
    review.submitted_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # a double click made the first one a moment ago
        raise CoproductionError(
            "Your review was already saved: open it again to change it."
        ) from None
    db.session.add_all(
        Score(review_id=review.id, criterion_id=criterion_id, value=value)
        for criterion_id, value in scores.items()
    )
    audit.record(
        reviewer.id,
        "coproduction.review_submitted",
        "proposal",
        proposal.id,
        before=before,
        after={
            "review_id": review.id,
            "scores": {str(k): v for k, v in scores.items()},
            "perspective": review.perspective,
        },
    )
    return review


def _scores_of(review: Review) -> dict[str, int]:
    return {
        str(score.criterion_id): score.value
        for score in db.session.scalars(select(Score).where(Score.review_id == review.id))
    }


@dataclass
class ReviewShown:
    review: Review
    reviewer: User
    scores: dict[int, int]


def reviews_for(proposal: Proposal, viewer: User) -> list[ReviewShown] | None:
    """Everyone's reviews of a proposal, or None while the viewer has not given their own."""
    mine = db.session.scalar(
        select(Review.id).where(Review.proposal_id == proposal.id, Review.reviewer_id == viewer.id)
    )
    if mine is None:
        return None
    rows = db.session.execute(
        select(Review, User)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.proposal_id == proposal.id)
        .order_by(Review.submitted_at, Review.id)
    ).all()
    scores = _scores_by_review([review.id for review, _ in rows])
    return [ReviewShown(review, person, scores.get(review.id, {})) for review, person in rows]


def _scores_by_review(review_ids: list[int]) -> dict[int, dict[int, int]]:
    """review id -> {criterion id: score}, read as plain rows (thousands at panel scale)."""
    scores: dict[int, dict[int, int]] = {}
    rows = db.session.execute(
        select(Score.review_id, Score.criterion_id, Score.value).where(
            Score.review_id.in_(review_ids)
        )
    )
    for review_id, criterion_id, value in rows:
        scores.setdefault(review_id, {})[criterion_id] = value
    return scores


def weighted_mean(scores: dict[int, int], weights: dict[int, int]) -> float:
    total = sum(weights[c] for c in scores if c in weights)
    return sum(value * weights[c] for c, value in scores.items() if c in weights) / total


@dataclass
class PanelRow:
    proposal: Proposal
    reviews: int
    mean: float | None
    lived_mean: float | None
    lived_reviews: int
    staff_mean: float | None
    staff_reviews: int
    decision: Decision | None

    @property
    def no_co_producer_review(self) -> bool:
        return self.lived_reviews == 0


def _averager(means: dict[int, float]):
    def average(group: list[Review]) -> float | None:
        return sum(means[r.id] for r in group) / len(group) if group else None

    return average


def _people_on(proposal_ids: list[int]) -> dict[int, set[int]]:
    """proposal id -> the ids of its proposer and of everyone invited onto it with an account
    (by id, or by the address they were invited at): two queries."""
    on_it: dict[int, set[int]] = defaultdict(set)
    for proposal_id, proposer_id in db.session.execute(
        select(Proposal.id, Proposal.proposer_id).where(Proposal.id.in_(proposal_ids))
    ):
        on_it[proposal_id].add(proposer_id)
    for proposal_id, user_id, email_user in db.session.execute(
        select(CoProposer.proposal_id, CoProposer.user_id, User.id)
        .outerjoin(User, User.email == CoProposer.email)
        .where(CoProposer.proposal_id.in_(proposal_ids))
    ):
        on_it[proposal_id] |= {uid for uid in (user_id, email_user) if uid}
    return on_it


def panel(call: Call) -> list[PanelRow]:
    """Proposals ranked by the weighted mean of their reviews (unreviewed last), with the
    lived-experience and staff means side by side. A fixed number of queries."""
    weights = {c.id: c.weight for c in criteria_of(call)}
    proposals = proposals_for_review(call)
    ids = [p.id for p in proposals]
    on_it = _people_on(ids)
    reviews = [
        review
        for review in db.session.scalars(select(Review).where(Review.proposal_id.in_(ids)))
        if review.reviewer_id not in on_it[review.proposal_id]  # joined it after reviewing
    ]
    scores = _scores_by_review([r.id for r in reviews])
    decisions = {d.proposal_id: d for d in open_decisions(ids)}
    by_proposal: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        if scores.get(review.id):
            by_proposal[review.proposal_id].append(review)
    rows = []
    for proposal in proposals:
        mine = by_proposal[proposal.id]
        means = {r.id: weighted_mean(scores[r.id], weights) for r in mine}
        average = _averager(means)
        lived = [r for r in mine if r.perspective == LIVED_EXPERIENCE]
        staff = [r for r in mine if r.perspective == STAFF]
        rows.append(
            PanelRow(
                proposal,
                len(mine),
                average(mine),
                average(lived),
                len(lived),
                average(staff),
                len(staff),
                decisions.get(proposal.id),
            )
        )
    rows.sort(key=lambda row: (row.mean is None, -(row.mean or 0), row.proposal.id))
    return rows


# --- shared decisions ---------------------------------------------------------------------


def open_decisions(proposal_ids: list[int]) -> list[Decision]:
    """The current (not replaced) decision of each proposal."""
    return list(
        db.session.scalars(
            select(Decision).where(
                Decision.proposal_id.in_(proposal_ids), Decision.replaced.is_(False)
            )
        )
    )


def current_decision(proposal: Proposal) -> Decision | None:
    found = open_decisions([proposal.id])
    return found[0] if found else None


def agreements_of(decision: Decision) -> list[tuple[Agreement, User]]:
    return list(
        db.session.execute(
            select(Agreement, User)
            .join(User, User.id == Agreement.user_id)
            .where(Agreement.decision_id == decision.id)
            .order_by(Agreement.agreed_at, Agreement.id)
        ).all()
    )


def _decider_perspective(person: User) -> str:
    perspective = perspective_of(person)
    if perspective is None:
        raise NotAllowed("Only co-producers and organisers take decisions")
    return perspective


def _check_deciding(call: Call) -> None:
    if not deciding(call):
        raise CoproductionError(
            f"Decisions are taken from {call.deciding_starts_on:%-d %B} to "
            f"{call.deciding_ends_on:%-d %B %Y}: nothing was saved."
        )


def propose_decision(proposal: Proposal, outcome: str, rationale: str, by: User) -> Decision:
    """Put an outcome to the panel, agreed by its proposer; it stands once a co-producer and
    an organiser have agreed (or at once, if the call does not require shared decisions)."""
    perspective = _decider_perspective(by)
    call = get_call_by_id(proposal.call_id)
    _check_deciding(call)
    if is_on_proposal(proposal, by):
        raise NotAllowed("You are on this proposal, so you cannot decide on it.")
    if outcome not in Outcome._value2member_map_:
        raise CoproductionError("Choose accept, reject or hold", "outcome")
    if not rationale.strip():
        raise CoproductionError(
            "Give the reasons for the decision: the proposer will read them", "rationale"
        )
    # Decisions, agreements and withdrawal all queue on the proposal's row (always that row
    # first, so they never deadlock), then read its status afresh.
    lock(proposal)
    if proposal.status not in DECIDABLE:
        raise CoproductionError(
            f"This proposal is already “{ProposalStatus(proposal.status).label.lower()}”."
        )
    previous = current_decision(proposal)
    if previous is not None:
        previous.replaced = True
    decision = Decision(
        proposal_id=proposal.id,
        outcome=outcome,
        rationale=rationale.strip(),
        proposed_by_id=by.id,
    )
    db.session.add(decision)
    db.session.flush()
    db.session.add(Agreement(decision_id=decision.id, user_id=by.id, perspective=perspective))
    db.session.flush()
    audit.record(
        by.id,
        "coproduction.decision_proposed",
        "proposal",
        proposal.id,
        before={"replaced_decision": previous.id} if previous else None,
        after={"decision_id": decision.id, "outcome": outcome, "rationale": decision.rationale},
    )
    if _stand_if_agreed(decision, proposal, call, by):
        _after_standing(decision, proposal, by)
    return decision


class DecisionChanged(CoproductionError):
    pass


def agree_to_shown(proposal: Proposal, shown_decision_id: int | None, by: User) -> bool:
    """Agree to the decision the person was shown; if another has replaced it meanwhile,
    refuse rather than agree to something they have not read."""
    decision = current_decision(proposal)
    if decision is None or decision.id != shown_decision_id:
        raise DecisionChanged(
            "The decision changed while you were reading it: read it again below."
        )
    return agree(decision, by)


def agree(decision: Decision, by: User) -> bool:
    """Add one's agreement; True when this makes the decision stand. Agreements arriving at
    once queue on the proposal's row, so they are counted together."""
    perspective = _decider_perspective(by)
    proposal = get_proposal(decision.proposal_id)
    call = get_call_by_id(proposal.call_id)
    _check_deciding(call)
    lock(proposal)
    db.session.refresh(decision)
    if decision.replaced or decision.stands_at is not None:
        raise CoproductionError("That decision is no longer open for agreement.")
    if proposal.status not in DECIDABLE:
        raise CoproductionError(
            f"This proposal is “{ProposalStatus(proposal.status).label.lower()}”: the decision "
            "can no longer be agreed."
        )
    if is_on_proposal(proposal, by):
        raise NotAllowed("You are on this proposal, so you cannot decide on it.")
    # Under the proposal's lock, so a second click waits for the first and then finds it.
    if db.session.scalar(
        select(Agreement.id).where(Agreement.decision_id == decision.id, Agreement.user_id == by.id)
    ):
        raise CoproductionError("You have already agreed to this decision.")
    db.session.add(Agreement(decision_id=decision.id, user_id=by.id, perspective=perspective))
    db.session.flush()
    audit.record(
        by.id,
        "coproduction.decision_agreed",
        "proposal",
        proposal.id,
        after={"decision_id": decision.id, "perspective": perspective},
    )
    stood = _stand_if_agreed(decision, proposal, call, by)
    if stood:
        _after_standing(decision, proposal, by)
    return stood


def _stand_if_agreed(decision: Decision, proposal: Proposal, call: Call, by: User) -> bool:
    perspectives = set(
        db.session.scalars(
            select(Agreement.perspective).where(Agreement.decision_id == decision.id)
        )
    )
    if call.shared_decisions and not both_agreed(perspectives):
        return False
    decision.stands_at = utcnow()
    proposal.status = {
        Outcome.ACCEPT: ProposalStatus.ACCEPTED,
        Outcome.REJECT: ProposalStatus.REJECTED,
        Outcome.HOLD: ProposalStatus.HELD,
    }[Outcome(decision.outcome)].value
    audit.record(
        by.id,
        "coproduction.decision_stands",
        "proposal",
        proposal.id,
        after={"decision_id": decision.id, "status": proposal.status},
    )
    return True


def _after_standing(decision: Decision, proposal: Proposal, by: User) -> None:
    """Accepted: a draft event, its proposers as hosts. Everyone on it is told."""
    if decision.outcome == Outcome.ACCEPT and proposal.event_id is None:
        draft_event_from(proposal, by)
    people = [(db.session.get(User, proposal.proposer_id))]
    people += [
        db.session.get(User, row.user_id)
        for row in co_proposers_of(proposal)
        if row.status == "confirmed" and row.user_id
    ]
    for person in people:
        _quietly_mail(
            person.email,
            "Your Co-production Week proposal: " + OUTCOME_WORDS[decision.outcome],
            "proposal_decision",
            person=person,
            proposal=proposal,
            decision=decision,
            shared=get_call_by_id(proposal.call_id).shared_decisions,
            link=absolute_url("coproduction.proposal", proposal_id=proposal.id),
        )


def draft_event_from(proposal: Proposal, by: User):
    """A draft event in the edition, linked to the proposal, hosted by its proposers; it starts
    at 10:00 on the first day until it is scheduled."""
    call = get_call_by_id(proposal.call_id)
    edition = edition_of(call)
    proposer = db.session.get(User, proposal.proposer_id)
    hosts = [programme.HostLine(proposer.name, proposer.email)] + [
        programme.HostLine(row.name, row.email)
        for row in co_proposers_of(proposal)
        if row.status == "confirmed"
    ]
    starts = from_local(
        datetime.combine(edition.starts_on, datetime.min.time()).replace(hour=10), edition.timezone
    )
    slug = programme.unique_slug(edition, programme.slugify(proposal.title))
    event, _ = programme.create_event(
        edition,
        programme.EventDetails(
            title=proposal.title,
            slug=slug,
            kind=proposal.kind,
            format=proposal.format,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=proposal.length_minutes),
            summary=proposal.summary[:500],
            description=proposal.summary,
            hosted_by=", ".join(host.name for host in hosts)[:300],
            hosts=hosts,
        ),
        by,
    )
    proposal.event_id = event.id
    audit.record(
        by.id, "coproduction.event_drafted", "proposal", proposal.id, after={"event_id": event.id}
    )
    return event


# --- transparency -------------------------------------------------------------------------


@dataclass
class HowItWasMade:
    call: Call
    proposals: int
    lived_experience_yes: int
    lived_experience_said: int  # answered yes or no (the rest preferred not to say)
    accepted: list[Proposal]
    lived_reviewers: int
    staff_reviewers: int
    reviews: int
    shared_decisions: bool


def how_it_was_made(call: Call) -> HowItWasMade:
    proposals = [p for p in proposals_for_review(call)]
    reviews = db.session.execute(
        select(Review.reviewer_id, Review.perspective)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.call_id == call.id)
    ).all()
    return HowItWasMade(
        call=call,
        proposals=len(proposals),
        lived_experience_yes=sum(p.lived_experience == LivedExperience.YES for p in proposals),
        lived_experience_said=sum(
            p.lived_experience in (LivedExperience.YES, LivedExperience.NO) for p in proposals
        ),
        accepted=[p for p in proposals if p.status == ProposalStatus.ACCEPTED],
        lived_reviewers=len({r for r, kind in reviews if kind == LIVED_EXPERIENCE}),
        staff_reviewers=len({r for r, kind in reviews if kind == STAFF}),
        reviews=len(reviews),
        shared_decisions=call.shared_decisions,
    )


def reviews_by(person: User) -> list[tuple[Call, int]]:
    """How many proposals the person reviewed, per call: offered as involvement to log."""
    rows = db.session.execute(
        select(Proposal.call_id, func.count(Review.id))
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Review.reviewer_id == person.id)
        .group_by(Proposal.call_id)
    ).all()
    return [(get_call_by_id(call_id), count) for call_id, count in rows]
