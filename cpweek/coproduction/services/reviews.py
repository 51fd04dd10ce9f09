"""Reviews: the panel scores every proposal on each criterion and comments. Nobody reviews a
proposal they are on, and nobody sees the others' scores before giving their own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from cpweek import audit
from cpweek.auth.models import Role, User
from cpweek.coproduction.models import (
    SCORE_MAX,
    SCORE_MIN,
    Call,
    CoProposer,
    Proposal,
    ProposalStatus,
    Review,
    Score,
)
from cpweek.coproduction.services.calls import (
    REVIEWER_ROLES,
    call_of,
    criteria_of,
    reviewing,
)
from cpweek.coproduction.services.errors import CoproductionError, NotAllowed
from cpweek.coproduction.services.proposals import is_on_proposal
from cpweek.extensions import db
from cpweek.timezones import utcnow

# The side a review is read from: a co-producer's (lived experience) or an organiser's.
LIVED_EXPERIENCE, STAFF = "lived_experience", "staff"


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


def _check_review(call: Call, proposal: Proposal, reviewer: User, scores: dict[int, int]) -> None:
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


def submit_review(
    proposal: Proposal, reviewer: User, scores: dict[int, int], comment: str
) -> Review:
    """Score every criterion on the 1-5 scale and comment; a second submission (while
    reviewing is open) replaces the reviewer's first."""
    if not reviewer.has_role(*REVIEWER_ROLES):
        raise NotAllowed("Only co-producers and organisers review proposals")
    call = call_of(proposal)
    if not reviewing(call):
        raise CoproductionError(
            f"Reviewing is open from {call.reviewing_starts_on:%-d %B} to "
            f"{call.reviewing_ends_on:%-d %B %Y}: nothing was saved."
        )
    _check_review(call, proposal, reviewer, scores)
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
    scores = scores_by_review([review.id for review, _ in rows])
    return [ReviewShown(review, person, scores.get(review.id, {})) for review, person in rows]


def scores_by_review(review_ids: list[int]) -> dict[int, dict[int, int]]:
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


def reviews_by(person: User) -> list[tuple[Call, int]]:
    """How many proposals the person reviewed, per call: offered as involvement to log."""
    rows = db.session.execute(
        select(Proposal.call_id, func.count(Review.id))
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Review.reviewer_id == person.id)
        .group_by(Proposal.call_id)
    ).all()
    return [(db.session.get_one(Call, call_id), count) for call_id, count in rows]
