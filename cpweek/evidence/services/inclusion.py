"""Co-produced inclusion: a draft item is included or excluded only when a co-producer and an
organiser have both agreed (`cpweek.perspectives`), judged against the collection's criteria.

Someone proposes "include" or "exclude (with a reason)"; the proposer counts as agreeing. A new
proposal replaces one not yet standing. Proposals and agreements queue on the item's row
(`cpweek.locks.lock`), so two agreements arriving at once make a decision stand once. Every
step is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.evidence.errors import EvidenceError, NotAllowed
from cpweek.evidence.models import (
    DecisionOutcome,
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    InclusionAgreement,
    InclusionDecision,
    ItemStatus,
)
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.perspectives import agreed_by, perspective_of, standing, standing_of
from cpweek.reciprocity import services as reciprocity
from cpweek.reciprocity.models import PublicCredit
from cpweek.timezones import utcnow

MAX_REASON = 4000
# Ids typed into URLs and forms are checked against this before they reach the database
# (PostgreSQL refuses integers past it with an error, not "not found").
MAX_ID = 2**31 - 1


class InclusionError(EvidenceError):
    pass


class DecisionChanged(InclusionError):
    pass


def decider_perspective(person: User) -> str:
    perspective = perspective_of(person)
    if perspective is None:
        raise NotAllowed("Only co-producers and organisers decide what the hub includes.")
    return perspective


def get_item(item_id: int) -> EvidenceItem | None:
    if not 0 < item_id <= MAX_ID:
        return None
    return db.session.get(EvidenceItem, item_id)


def collection_of(item: EvidenceItem) -> EvidenceCollection:
    return db.session.get_one(EvidenceCollection, item.collection_id)


def terms_of(item: EvidenceItem) -> list[EvidenceTerm]:
    """The item's terms of every vocabulary, in vocabulary order then position."""
    return list(
        db.session.scalars(
            select(EvidenceTerm)
            .join(EvidenceItemTerm, EvidenceItemTerm.term_id == EvidenceTerm.id)
            .where(EvidenceItemTerm.item_id == item.id)
            .order_by(EvidenceTerm.vocabulary, EvidenceTerm.position, EvidenceTerm.id)
        )
    )


def current_decision(item: EvidenceItem) -> InclusionDecision | None:
    """The latest decision not replaced: open for agreement, or the one that stands."""
    return db.session.scalar(
        select(InclusionDecision)
        .where(InclusionDecision.item_id == item.id, InclusionDecision.replaced.is_(False))
        .order_by(InclusionDecision.id.desc())
        .limit(1)
    )


def agreements_of(decision: InclusionDecision) -> list[tuple[InclusionAgreement, User]]:
    return agreed_by(InclusionAgreement.agreed_at, InclusionAgreement.decision_id == decision.id)


def _check_draft(item: EvidenceItem) -> None:
    if item.status != ItemStatus.DRAFT:
        raise InclusionError(
            f"This item is already {ItemStatus(item.status).label.lower()}: nothing was changed."
        )


def propose(item: EvidenceItem, outcome: str, reason: str, by: User) -> InclusionDecision:
    """Put "include" or "exclude" to the panel, agreed by its proposer; it stands once a
    co-producer and an organiser have agreed. Replaces a proposal not yet standing."""
    perspective = decider_perspective(by)
    if outcome not in DecisionOutcome._value2member_map_:
        raise InclusionError("Choose include or exclude", "outcome")
    reason = (reason or "").strip()
    if outcome == DecisionOutcome.EXCLUDE and not reason:
        raise InclusionError("Give the reason for excluding it: it is kept with the item", "reason")
    if len(reason) > MAX_REASON:
        raise InclusionError(f"The reason must be {MAX_REASON:,} characters or fewer", "reason")
    # Proposals and agreements queue on the item's row, then read its status afresh.
    lock(item)
    _check_draft(item)
    previous = current_decision(item)
    if previous is not None:
        previous.replaced = True  # nobody can agree to it any more
    decision = InclusionDecision(
        item_id=item.id, outcome=outcome, reason=reason, proposed_by_id=by.id
    )
    db.session.add(decision)
    db.session.flush()
    db.session.add(
        InclusionAgreement(decision_id=decision.id, user_id=by.id, perspective=perspective)
    )
    db.session.flush()
    audit.record(
        by.id,
        "evidence.decision_proposed",
        "evidence_item",
        item.id,
        before={"replaced_decision": previous.id} if previous else None,
        after={"decision_id": decision.id, "outcome": outcome, "reason": reason},
    )
    _stand_if_agreed(decision, item, by)
    return decision


def agree_to_shown(item: EvidenceItem, shown_decision_id: int | None, by: User) -> bool:
    """Agree to the decision the person was shown; if another has replaced it meanwhile,
    refuse rather than agree to something they have not read."""
    decider_perspective(by)
    decision = current_decision(item)
    if decision is None or decision.id != shown_decision_id:
        raise DecisionChanged("The decision changed while you were reading it: read it again.")
    return agree(decision, by)


def agree(decision: InclusionDecision, by: User) -> bool:
    """Add one's agreement; True when this makes the decision stand."""
    perspective = decider_perspective(by)
    item = db.session.get_one(EvidenceItem, decision.item_id)
    lock(item)
    db.session.refresh(decision)
    if decision.replaced or decision.stands_at is not None:
        raise InclusionError("That decision is no longer open for agreement.")
    _check_draft(item)
    # Under the item's lock, so a second click waits for the first and then finds it.
    if db.session.scalar(
        select(InclusionAgreement.id).where(
            InclusionAgreement.decision_id == decision.id, InclusionAgreement.user_id == by.id
        )
    ):
        raise InclusionError("You have already agreed to this decision.")
    db.session.add(
        InclusionAgreement(decision_id=decision.id, user_id=by.id, perspective=perspective)
    )
    db.session.flush()
    audit.record(
        by.id,
        "evidence.decision_agreed",
        "evidence_item",
        item.id,
        after={"decision_id": decision.id, "perspective": perspective},
    )
    return _stand_if_agreed(decision, item, by)


def _stand_if_agreed(decision: InclusionDecision, item: EvidenceItem, by: User) -> bool:
    if not standing_of(
        InclusionAgreement.perspective, InclusionAgreement.decision_id == decision.id
    ).stands:
        return False
    now = utcnow()
    decision.stands_at = now
    before = {"status": item.status}
    item.reviewed_at = now
    if decision.outcome == DecisionOutcome.INCLUDE:
        item.status = ItemStatus.INCLUDED.value
        item.included_at = now
        item.exclusion_reason = ""
        action = "evidence.item_included"
    else:
        item.status = ItemStatus.EXCLUDED.value
        item.exclusion_reason = decision.reason
        action = "evidence.item_excluded"
    db.session.flush()
    audit.record(
        by.id,
        action,
        "evidence_item",
        item.id,
        before=before,
        after={"status": item.status, "decision_id": decision.id, "reason": decision.reason},
    )
    return True


# --- the review queue -----------------------------------------------------------------------


@dataclass
class Waiting:
    """A draft item on the queue, with its open decision and who has agreed."""

    item: EvidenceItem
    decision: InclusionDecision | None = None
    agreed: list[tuple[str, str]] = field(default_factory=list)  # (name, perspective)

    @property
    def needs(self) -> tuple[str, ...]:
        return standing(perspective for _, perspective in self.agreed).needed


def waiting(collection: EvidenceCollection) -> list[Waiting]:
    """Draft items of the collection, oldest first, each with its open decision: three
    queries whatever the number of items."""
    items = list(
        db.session.scalars(
            select(EvidenceItem)
            .where(
                EvidenceItem.collection_id == collection.id,
                EvidenceItem.status == ItemStatus.DRAFT.value,
            )
            .order_by(EvidenceItem.created_at, EvidenceItem.id)
        )
    )
    rows = {item.id: Waiting(item) for item in items}
    if not rows:
        return []
    open_decisions = db.session.scalars(
        select(InclusionDecision)
        .join(EvidenceItem, EvidenceItem.id == InclusionDecision.item_id)
        .where(
            EvidenceItem.collection_id == collection.id,
            EvidenceItem.status == ItemStatus.DRAFT.value,
            InclusionDecision.replaced.is_(False),
            InclusionDecision.stands_at.is_(None),
        )
        .order_by(InclusionDecision.id)
    )
    by_decision: dict[int, Waiting] = {}
    for decision in open_decisions:
        rows[decision.item_id].decision = decision  # the newest wins
        by_decision[decision.id] = rows[decision.item_id]
    if by_decision:
        agreed = db.session.execute(
            select(InclusionAgreement.decision_id, User.name, InclusionAgreement.perspective)
            .join(User, User.id == InclusionAgreement.user_id)
            .where(InclusionAgreement.decision_id.in_(by_decision))
            .order_by(InclusionAgreement.agreed_at, InclusionAgreement.id)
        )
        for decision_id, name, perspective in agreed:
            row = by_decision[decision_id]
            if row.decision is not None and row.decision.id == decision_id:
                row.agreed.append((name, perspective))
    return list(rows.values())


# --- what a public item page says about its review ----------------------------------------


@dataclass
class ReviewCredit:
    reviewed_on: datetime
    names: list[str]

    @property
    def by(self) -> str:
        """ "the hub's panel", with the names of those who agreed to be credited by name."""
        if not self.names:
            return "the hub's panel"
        if len(self.names) == 1:
            return f"the hub's panel ({self.names[0]})"
        return f"the hub's panel ({', '.join(self.names[:-1])} and {self.names[-1]})"


def review_credit(item: EvidenceItem) -> ReviewCredit | None:
    """Who reviewed an included item and when, for its public page. Names appear only for
    people whose contributor profile says they may be credited by name or by a pseudonym;
    everyone else is "the hub's panel"."""
    if item.status != ItemStatus.INCLUDED or item.reviewed_at is None:
        return None
    standing = db.session.scalar(
        select(InclusionDecision)
        .where(
            InclusionDecision.item_id == item.id,
            InclusionDecision.stands_at.is_not(None),
            InclusionDecision.replaced.is_(False),
        )
        .order_by(InclusionDecision.id.desc())
        .limit(1)
    )
    names: list[str] = []
    if standing is not None:
        for _agreement, person in agreements_of(standing):
            profile = reciprocity.get_profile(person.id)
            if profile is None or profile.public_credit in (
                PublicCredit.ANONYMOUS,
                PublicCredit.DECLINED,
            ):
                continue
            name = profile.credit_name
            if name and name not in names:
                names.append(name)
    return ReviewCredit(item.reviewed_at, names)
