"""An edition's call for proposals: its dates and phases (open, reviewing, deciding) and the
criteria the panel scores proposals on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.coproduction.models import Call, Criterion, Proposal
from cpweek.coproduction.services.errors import CoproductionError, NotAllowed
from cpweek.extensions import db
from cpweek.perspectives import DECIDERS
from cpweek.programme import services as programme
from cpweek.programme.models import Edition
from cpweek.timezones import utcnow

# The review panel: the same people who take shared decisions.
REVIEWER_ROLES = DECIDERS


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


def call_of(proposal: Proposal) -> Call:
    """The call a proposal belongs to (its foreign key makes sure there is one)."""
    return db.session.get_one(Call, proposal.call_id)


def edition_of(call: Call) -> Edition:
    edition = programme.get_edition_by_id(call.edition_id)
    assert edition is not None, "a call's edition is its foreign key"
    return edition


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
    now = utcnow()
    if call is not None and call.closes_at <= now < details.closes_at:
        # "How it was made" publishes the proposers' answers once, from the closed call
        # (panel.lived_experience_answers): opened again, the same table one proposal apart
        # could be read against the first and give a hidden number away.
        raise CoproductionError(
            "Suggestions have closed, so the call cannot open again: the figures of how the "
            "programme was made are published once, when it closes. Keep the closing time "
            "as it was.",
            "closes_at",
        )
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


def _check_weight(weight: int) -> None:
    if not 1 <= weight <= 10:
        raise CoproductionError("Enter how much it counts, from 1 to 10", "weight")


def add_criterion(call: Call, name: str, description: str, weight: int, by: User) -> Criterion:
    if not name.strip():
        raise CoproductionError("Enter the criterion's name", "name")
    _check_weight(weight)
    position = db.session.scalar(
        select(func.coalesce(func.max(Criterion.position), 0)).where(Criterion.call_id == call.id)
    )
    criterion = Criterion(
        call_id=call.id,
        name=name.strip(),
        description=description.strip(),
        weight=weight,
        position=(position or 0) + 1,
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
    _check_weight(weight)
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
