"""The panel's view of a call: proposals ranked by their weighted scores, with the
lived-experience and staff means side by side, and the public account of how the programme
was made."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from cpweek import suppression
from cpweek.auth.models import User
from cpweek.coproduction.models import (
    Call,
    CoProposer,
    Decision,
    LivedExperience,
    Proposal,
    ProposalStatus,
    Review,
)
from cpweek.coproduction.services.calls import criteria_of
from cpweek.coproduction.services.decisions import open_decisions
from cpweek.coproduction.services.reviews import (
    LIVED_EXPERIENCE,
    STAFF,
    proposals_for_review,
    scores_by_review,
)
from cpweek.extensions import db
from cpweek.timezones import utcnow


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


def _averager(means: dict[int, float]) -> Callable[[list[Review]], float | None]:
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
    scores = scores_by_review([r.id for r in reviews])
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


# The answers to "does it come from people with lived experience?", in the order shown.
LIVED_EXPERIENCE_ANSWERS = (LivedExperience.YES, LivedExperience.NO, LivedExperience.PREFER_NOT)


@dataclass
class HowItWasMade:
    call: Call
    proposals: int
    # Proposers' answers about lived experience (equality data about identifiable people),
    # suppressed and rounded; None while the call is open (see lived_experience_answers).
    lived_experience: suppression.Published | None
    accepted: list[Proposal]
    lived_reviewers: int
    staff_reviewers: int
    reviews: int
    shared_decisions: bool

    @property
    def lived_experience_answers(self) -> list[tuple[str, suppression.Figure]]:
        """(answer, its published figure), for the page."""
        if self.lived_experience is None:
            return []
        cells = self.lived_experience.cells[0]
        return [
            (answer.label, figure)
            for answer, figure in zip(LIVED_EXPERIENCE_ANSWERS, cells, strict=True)
        ]


def lived_experience_answers(call: Call, rule: suppression.Rule) -> suppression.Published | None:
    """How many proposers answered yes, no and prefer not to say, as they may be published.

    Published only once the call has closed, from every proposal received (withdrawn ones
    too): a stable snapshot. While proposals arrive one at a time, two visits a proposal apart
    would show a group reaching the threshold, and so what the newest proposer answered
    (cpweek/suppression.py); after the close nothing can change the answers (proposals are
    edited only while the call is open, and none is deleted).
    """
    if utcnow() < call.closes_at:
        return None
    answers = list(
        db.session.scalars(select(Proposal.lived_experience).where(Proposal.call_id == call.id))
    )
    counts = [sum(a == answer for a in answers) for answer in LIVED_EXPERIENCE_ANSWERS]
    # Exact: it is near enough the number of proposals the page shows anyway, so the audit
    # must count on it being known.
    return suppression.publish_breakdown(counts, rule, total_known=True)


def how_it_was_made(call: Call, rule: suppression.Rule | None = None) -> HowItWasMade:
    """The public account of the call. Reviewers are counted by the side they review for
    (their role on the panel, which is the page's point), not by anything they told us about
    themselves."""
    rule = rule or suppression.rule_from(current_app.config)
    proposals = proposals_for_review(call)
    reviews = db.session.execute(
        select(Review.reviewer_id, Review.perspective)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.call_id == call.id)
    ).all()
    return HowItWasMade(
        call=call,
        proposals=len(proposals),
        lived_experience=lived_experience_answers(call, rule),
        accepted=[p for p in proposals if p.status == ProposalStatus.ACCEPTED],
        lived_reviewers=len({r for r, kind in reviews if kind == LIVED_EXPERIENCE}),
        staff_reviewers=len({r for r, kind in reviews if kind == STAFF}),
        reviews=len(reviews),
        shared_decisions=call.shared_decisions,
    )
