"""Whether each access request was met: organisers mark it after the event.

Listed: the event's registrations holding a place (confirmed or arrived) that ticked a need
or wrote a note; someone who asked for nothing is not listed, and someone still waiting or
cancelled had no place to meet needs at. Marking is refused until the event has ended (it is
about what happened), and for a registration of another event or one that asked for nothing.
A mark can be changed; every mark and change is audited (`reports.access_met_marked`, with
before and after)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.programme import services as programme
from cpweek.programme.models import HOLDING_A_PLACE, AccessNeed, Event, Registration
from cpweek.reports.errors import NotAllowed, ReportsError
from cpweek.reports.impact_models import AccessMet, MetOutcome
from cpweek.timezones import utcnow

NOTE_LIMIT = 2000


class AccessMarkInvalid(ReportsError):
    pass


@dataclass(frozen=True)
class AccessRequest:
    registration: Registration
    needs: list[str]  # the needs' words
    mark: AccessMet | None


def _asked(registration: Registration) -> bool:
    return bool(registration.access_needs or (registration.access_notes or "").strip())


def _labels(codes: list[str]) -> list[str]:
    known = {need.value: need.label for need in AccessNeed}
    return [known[code] for code in codes if code in known]


def requests_for(event: Event) -> list[AccessRequest]:
    """The event's registrations with a place that asked for something, with their marks, by
    name: one query."""
    rows = db.session.execute(
        select(Registration, AccessMet)
        .outerjoin(AccessMet, AccessMet.registration_id == Registration.id)
        .where(Registration.event_id == event.id, Registration.status.in_(HOLDING_A_PLACE))
        .order_by(Registration.name, Registration.id)
    ).all()
    return [
        AccessRequest(registration, _labels(registration.access_needs or []), mark)
        for registration, mark in rows
        if _asked(registration)
    ]


def may_mark(event: Event) -> bool:
    return programme.has_ended(event)


def mark(event: Event, registration_id: int, outcome: str, note: str, by: User) -> AccessMet:
    """Record (or change) whether one registration's access request was met."""
    if not by.has_role(Role.ORGANISER):
        raise NotAllowed("Only organisers can mark whether access needs were met.")
    if not may_mark(event):
        raise AccessMarkInvalid(
            "You can mark whether access needs were met once the event has ended."
        )
    try:
        chosen = MetOutcome(outcome)
    except ValueError:
        raise AccessMarkInvalid(
            "Choose whether the needs were met, partly met or not met.", field="outcome"
        ) from None
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise AccessMarkInvalid(
            f"The note must be {NOTE_LIMIT:,} characters or fewer.", field="note"
        )
    registration = db.session.get(Registration, registration_id)
    if (
        registration is None
        or registration.event_id != event.id
        or registration.status not in HOLDING_A_PLACE
        or not _asked(registration)
    ):
        raise AccessMarkInvalid(
            "That registration did not ask for anything at this event.", field="registration"
        )
    # Two organisers marking one person at once: the second waits for the first, then finds
    # its mark and changes it (never a second row, which the unique index would refuse).
    lock(registration)
    existing = db.session.scalar(
        select(AccessMet).where(AccessMet.registration_id == registration.id)
    )
    before = {"outcome": existing.outcome, "note": existing.note} if existing else None
    if existing is None:
        existing = AccessMet(registration_id=registration.id)
        db.session.add(existing)
    existing.outcome = chosen.value
    existing.note = note
    existing.marked_by_id = by.id
    existing.marked_at = utcnow()
    db.session.flush()
    audit.record(
        by.id,
        "reports.access_met_marked",
        "registration",
        registration.id,
        before=before,
        after={"outcome": chosen.value, "note": note},
    )
    return existing
