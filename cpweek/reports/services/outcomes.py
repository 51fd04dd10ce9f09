"""Outcome measures chosen together: per edition, co-producers and organisers propose a
measure (from the bank, `reports/measure_bank.py`, or their own words) and agree to adopt it;
it is adopted only once a co-producer and an organiser have both agreed (`cpweek.perspectives`,
the rule the call's decisions and the evidence hub's inclusion use). Whoever proposes counts as
agreeing; anyone may withdraw their agreement before the measure is adopted (when the last
agreement goes, the measure is withdrawn, and a bank measure can be proposed again). Adopted
measures are what the feedback form asks.

Proposals queue on the edition's row, agreements and withdrawals on the measure's
(`cpweek.locks.lock`), so two people agreeing at once adopt it once. Every step is audited in
the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.perspectives import Standing, agreed_by, perspective_of, standing, standing_of
from cpweek.programme.models import MAX_ID, Edition
from cpweek.reports.errors import MeasureInvalid, NotAllowed, ReportsError
from cpweek.reports.feedback_models import (
    SCALE_SIZE,
    Audience,
    MeasureAgreement,
    MeasureStatus,
    OutcomeMeasure,
)
from cpweek.reports.measure_bank import BANK, BY_KEY, BankMeasure
from cpweek.timezones import utcnow

MAX_QUESTION = 300
MAX_OPTION = 60


@dataclass(frozen=True)
class MeasureInput:
    """A measure in the proposers' own words."""

    question: str
    audience: str
    options: tuple[str, ...]
    easy_question: str = ""


@dataclass(frozen=True)
class MeasureState:
    """A measure as the outcomes page shows it: who agreed and who is still needed."""

    measure: OutcomeMeasure
    agreements: list[tuple[MeasureAgreement, User]]
    standing: Standing

    def agreed_by(self, person: User) -> bool:
        return any(agreement.user_id == person.id for agreement, _ in self.agreements)


def decider_perspective(person: User) -> str:
    perspective = perspective_of(person)
    if perspective is None:
        raise NotAllowed("Only co-producers and organisers choose the outcome measures.")
    return perspective


def get_measure(measure_id: int) -> OutcomeMeasure | None:
    if not 0 < measure_id <= MAX_ID:
        return None
    return db.session.get(OutcomeMeasure, measure_id)


def measures_of(edition: Edition) -> list[MeasureState]:
    """The edition's measures, adopted and proposed (not withdrawn), with their agreements:
    two queries, however many there are."""
    measures = list(
        db.session.scalars(
            select(OutcomeMeasure)
            .where(
                OutcomeMeasure.edition_id == edition.id,
                OutcomeMeasure.status != MeasureStatus.WITHDRAWN.value,
            )
            .order_by(OutcomeMeasure.id)
        )
    )
    rows = agreed_by(
        MeasureAgreement.agreed_at,
        MeasureAgreement.measure_id.in_([measure.id for measure in measures]),
    )
    by_measure: dict[int, list[tuple[MeasureAgreement, User]]] = {}
    for agreement, person in rows:
        by_measure.setdefault(agreement.measure_id, []).append((agreement, person))
    return [
        MeasureState(
            measure,
            by_measure.get(measure.id, []),
            standing(agreement.perspective for agreement, _ in by_measure.get(measure.id, [])),
        )
        for measure in measures
    ]


def adopted_measures(edition_id: int) -> list[OutcomeMeasure]:
    """What the edition's feedback form asks, in the order the measures were proposed."""
    return list(
        db.session.scalars(
            select(OutcomeMeasure)
            .where(
                OutcomeMeasure.edition_id == edition_id,
                OutcomeMeasure.status == MeasureStatus.ADOPTED.value,
            )
            .order_by(OutcomeMeasure.id)
        )
    )


def bank_left_for(edition: Edition) -> list[BankMeasure]:
    """The bank's measures not yet proposed for the edition (or proposed and withdrawn)."""
    taken = set(
        db.session.scalars(
            select(OutcomeMeasure.bank_key).where(
                OutcomeMeasure.edition_id == edition.id,
                OutcomeMeasure.bank_key.is_not(None),
                OutcomeMeasure.status != MeasureStatus.WITHDRAWN.value,
            )
        )
    )
    return [measure for measure in BANK if measure.key not in taken]


def propose_from_bank(edition: Edition, key: str, by: User) -> OutcomeMeasure:
    """Copy a bank measure into the edition's measures, agreed by its proposer."""
    perspective = decider_perspective(by)
    banked = BY_KEY.get(key)
    if banked is None:
        raise MeasureInvalid("Choose a measure from the bank", "key")
    lock(edition)
    measure = db.session.scalar(
        select(OutcomeMeasure).where(
            OutcomeMeasure.edition_id == edition.id, OutcomeMeasure.bank_key == key
        )
    )
    if measure is not None and measure.status != MeasureStatus.WITHDRAWN.value:
        raise ReportsError(f"“{banked.question}” has already been proposed for {edition.year}.")
    if measure is None:
        measure = OutcomeMeasure(edition_id=edition.id, bank_key=key)
        db.session.add(measure)
    measure.question = banked.question
    measure.easy_question = banked.easy_question
    measure.audience = banked.audience
    measure.options = list(banked.options)
    return _proposed(measure, edition, by, perspective)


def check_measure(details: MeasureInput) -> MeasureInput:
    """A measure in one's own words, tidied; MeasureInvalid names the field that is wrong."""
    question = details.question.strip()
    if not question:
        raise MeasureInvalid("Write the question as a person will read it", "question")
    if len(question) > MAX_QUESTION:
        raise MeasureInvalid(f"The question must be {MAX_QUESTION} characters or fewer", "question")
    easy = details.easy_question.strip()
    if len(easy) > MAX_QUESTION:
        raise MeasureInvalid(
            f"The Easy Read question must be {MAX_QUESTION} characters or fewer", "easy_question"
        )
    if details.audience not in Audience._value2member_map_:
        raise MeasureInvalid("Choose who the question is for", "audience")
    options = tuple(option.strip() for option in details.options)
    if len(options) != SCALE_SIZE:
        raise MeasureInvalid(f"Give the words of all {SCALE_SIZE} options", "option_1")
    for number, option in enumerate(options, start=1):
        if not option:
            raise MeasureInvalid(f"Give the words of option {number}", f"option_{number}")
        if len(option) > MAX_OPTION:
            raise MeasureInvalid(
                f"Option {number} must be {MAX_OPTION} characters or fewer", f"option_{number}"
            )
    if len({option.casefold() for option in options}) != SCALE_SIZE:
        raise MeasureInvalid("Each option needs different words", "option_1")
    return MeasureInput(question, details.audience, options, easy)


def propose_own(edition: Edition, details: MeasureInput, by: User) -> OutcomeMeasure:
    """Propose a measure in one's own words, agreed by its proposer."""
    perspective = decider_perspective(by)
    details = check_measure(details)
    lock(edition)
    measure = OutcomeMeasure(
        edition_id=edition.id,
        question=details.question,
        easy_question=details.easy_question,
        audience=details.audience,
        options=list(details.options),
    )
    db.session.add(measure)
    return _proposed(measure, edition, by, perspective)


def _proposed(
    measure: OutcomeMeasure, edition: Edition, by: User, perspective: str
) -> OutcomeMeasure:
    measure.status = MeasureStatus.PROPOSED.value
    measure.proposed_by_id = by.id
    measure.proposed_at = utcnow()
    measure.adopted_at = None
    db.session.flush()
    db.session.add(MeasureAgreement(measure_id=measure.id, user_id=by.id, perspective=perspective))
    db.session.flush()
    audit.record(
        by.id,
        "reports.measure_proposed",
        "outcome_measure",
        measure.id,
        after={
            "edition": edition.year,
            "bank_key": measure.bank_key,
            "question": measure.question,
            "audience": measure.audience,
            "options": measure.options,
        },
    )
    _adopt_if_agreed(measure, by)
    return measure


def agree(measure: OutcomeMeasure, by: User) -> bool:
    """Add one's agreement; True when it makes the measure adopted."""
    perspective = decider_perspective(by)
    lock(measure)
    if measure.status != MeasureStatus.PROPOSED.value:
        raise ReportsError(
            "This measure is already adopted."
            if measure.is_adopted
            else "This measure was withdrawn: propose it again to agree to it."
        )
    # Under the measure's lock, so a second click waits for the first and then finds it.
    if db.session.scalar(
        select(MeasureAgreement.id).where(
            MeasureAgreement.measure_id == measure.id, MeasureAgreement.user_id == by.id
        )
    ):
        raise ReportsError("You have already agreed to this measure.")
    db.session.add(MeasureAgreement(measure_id=measure.id, user_id=by.id, perspective=perspective))
    db.session.flush()
    audit.record(
        by.id,
        "reports.measure_agreed",
        "outcome_measure",
        measure.id,
        after={"perspective": perspective},
    )
    return _adopt_if_agreed(measure, by)


def withdraw_agreement(measure: OutcomeMeasure, by: User) -> None:
    """Take back one's agreement before the measure is adopted; when nobody agrees any more,
    the measure is withdrawn."""
    decider_perspective(by)
    lock(measure)
    if measure.status != MeasureStatus.PROPOSED.value:
        raise ReportsError(
            "This measure is already adopted: agreement can no longer be withdrawn."
            if measure.is_adopted
            else "This measure was already withdrawn."
        )
    agreement = db.session.scalar(
        select(MeasureAgreement).where(
            MeasureAgreement.measure_id == measure.id, MeasureAgreement.user_id == by.id
        )
    )
    if agreement is None:
        raise ReportsError("You have not agreed to this measure, so there is nothing to withdraw.")
    db.session.delete(agreement)
    db.session.flush()
    left = db.session.scalar(
        select(MeasureAgreement.id).where(MeasureAgreement.measure_id == measure.id).limit(1)
    )
    if left is None:
        measure.status = MeasureStatus.WITHDRAWN.value
        db.session.flush()
    audit.record(
        by.id,
        "reports.measure_agreement_withdrawn",
        "outcome_measure",
        measure.id,
        before={"perspective": agreement.perspective},
        after={"status": measure.status},
    )


def _adopt_if_agreed(measure: OutcomeMeasure, by: User) -> bool:
    if not standing_of(
        MeasureAgreement.perspective, MeasureAgreement.measure_id == measure.id
    ).stands:
        return False
    measure.status = MeasureStatus.ADOPTED.value
    measure.adopted_at = utcnow()
    db.session.flush()
    audit.record(
        by.id,
        "reports.measure_adopted",
        "outcome_measure",
        measure.id,
        after={"status": measure.status},
    )
    return True
