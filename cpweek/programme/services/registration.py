"""Registering for an event: what a person tells us, whether registration is open, a place or
the waiting list (with the workshops of a conference and a place for a personal assistant or
carer), registering someone who phoned or wrote, and cancelling.

Capacity and status are protected by one lock, the event's row (`locks.lock_rows`): every
registration, cancellation, change of places, publishing and cancelling of an event takes it
first and then reads afresh, so on PostgreSQL they queue on the row lock and on SQLite on the
database write lock; no transaction can read a count or a status and then lose the race."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cpweek import audit
from cpweek.auth import services as auth_services
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.inserts import insert_unless_present
from cpweek.locks import lock_rows
from cpweek.programme.models import (
    ATTENDANCE_MODES,
    HOLDING_A_PLACE,
    LIVE_STATUSES,
    MAX_ID,
    AccessNeed,
    Edition,
    Event,
    EventStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from cpweek.programme.services.capacity import in_pool, places_left
from cpweek.programme.services.errors import (
    AlreadyRegistered,
    AssistedContactMissing,
    RegistrationClosed,
    RegistrationError,
    WorkshopClash,
)
from cpweek.programme.services.notify import notify
from cpweek.programme.services.waitlist import fill_free_places
from cpweek.timezones import format_date, format_time, local_date, utcnow


@dataclass
class Applicant:
    """What a person tells us when they register."""

    name: str
    email: str | None
    organisation: str = ""
    access_needs: tuple[str, ...] = ()
    access_notes: str = ""
    consent_to_contact: bool = False
    contact_phone: str = ""  # for people registered by phone or post
    contact_address: str = ""
    attendance: str = ""  # at a hybrid event: 'in_person' or 'online'
    easy_read: bool = False  # registered in Easy Read: the emails are Easy Read too


def registration_closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why a person cannot register now, in words for them; None when registration is open."""
    now = now or utcnow()
    zone_name = current_app.config["CPWEEK_TIMEZONE"]
    if event.status == EventStatus.CANCELLED.value:
        return "This event has been cancelled, so registration is closed."
    if event.status != EventStatus.PUBLISHED.value:
        return "Registration for this event is not open."
    if event.starts_at <= now:
        return "This event has already started or taken place, so registration is closed."
    if event.registration_opens_at and now < event.registration_opens_at:
        opens = event.registration_opens_at
        return (
            f"Registration opens on {format_date(local_date(opens, zone_name))} "
            f"at {format_time(opens, zone_name)} UK time."
        )
    if event.registration_closes_at and now >= event.registration_closes_at:
        return "Registration for this event has closed."
    return None


def clean_needs(needs: Iterable[str]) -> list[str]:
    """The access needs we know of, each once, in a stable order."""
    known = {need.value for need in AccessNeed}
    return sorted({need for need in needs if need in known})


def _person_for(applicant: Applicant) -> User:
    """The person with this email, created (without a password) when there is none.

    Two people registering with the same new address at the same moment must not fail: the
    insert does nothing when the address is already there (users.email is unique), and the
    select then finds whoever was first. Nothing is committed here: the person is part of the
    registration's unit of work."""
    address = auth_services.normalise_email(applicant.email or "")
    person = db.session.scalar(select(User).where(User.email == address))
    if person is not None:
        return person
    insert_unless_present(
        User, {"email": address, "name": applicant.name.strip() or address}, [User.email]
    )
    return db.session.scalars(select(User).where(User.email == address)).one()


def _live_registration(event_id: int, person_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.event_id == event_id,
            Registration.person_id == person_id,
            Registration.status.in_(LIVE_STATUSES),
        )
    )


def _already_registered(registration: Registration) -> AlreadyRegistered:
    words = (
        "You are already on the waiting list for this event."
        if registration.status == RegistrationStatus.WAITLISTED.value
        else "You are already registered for this event: your place is kept."
    )
    return AlreadyRegistered(words, registration)


def _chosen_workshops(
    conference: Event, workshop_ids: Iterable[int | str], now: datetime | None
) -> list[Event]:
    """The workshops picked with a conference place: its own, open, and not at the same time."""
    wanted = {int(i) for i in workshop_ids if str(i).isdigit()}
    if not wanted:
        return []
    ids = {i for i in wanted if i <= MAX_ID}
    workshops = list(
        db.session.scalars(
            select(Event)
            .where(Event.id.in_(ids), Event.parent_id == conference.id)
            .order_by(Event.starts_at)
            # Read afresh: called again under the lock, it must see a workshop just cancelled.
            .execution_options(populate_existing=True)
        )
    )
    if len(workshops) != len(wanted):
        raise WorkshopClash("Choose workshops from this conference's list")
    for workshop in workshops:
        reason = registration_closed_reason(workshop, now)
        if reason:
            raise WorkshopClash(f"{workshop.title}: {reason}")
    for earlier, later in pairwise(workshops):  # sorted by start: any overlap shows here
        if later.starts_at < earlier.ends_at:
            raise WorkshopClash(
                f"“{earlier.title}” and “{later.title}” run at the same time: choose one"
            )
    return workshops


def _attendance_for(event: Event, applicant: Applicant) -> str:
    if not event.is_hybrid:
        return ""
    if applicant.attendance not in ATTENDANCE_MODES:
        raise RegistrationError(
            f"Choose whether you will come to {event.title} in person or join online",
            "attendance",
        )
    return applicant.attendance


def _new_place(
    event: Event, person: User | None, applicant: Applicant, source: RegistrationSource, seats: int
) -> Registration:
    """A registration row: a place when `seats` places are free in the person's pool (in the
    room or online at a hybrid event), else the waiting list. The caller holds the lock."""
    mode = _attendance_for(event, applicant)
    left = places_left(event, mode)
    # Nobody jumps the queue: while anyone waits for this pool, newcomers wait behind them.
    someone_waiting = db.session.scalar(
        select(Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED.value,
            in_pool(event, mode),
        )
        .limit(1)
    )
    has_place = (left is None or seats <= left) and someone_waiting is None
    now = utcnow()
    registration = Registration(
        event_id=event.id,
        person_id=person.id if person else None,
        status=(RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITLISTED).value,
        source=source.value,
        name=applicant.name.strip() or (person.name if person else ""),
        organisation=applicant.organisation.strip(),
        contact_phone=applicant.contact_phone.strip(),
        contact_address=applicant.contact_address.strip(),
        access_needs=clean_needs(applicant.access_needs),
        access_notes=applicant.access_notes.strip(),
        consent_to_contact=applicant.consent_to_contact,
        # Asking for Easy Read materials is asking for Easy Read emails too.
        easy_read=applicant.easy_read or AccessNeed.EASY_READ.value in applicant.access_needs,
        queued_at=now,
        confirmed_at=now if has_place else None,
        attendance=mode,
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def _companion_place(main: Registration) -> Registration:
    """The free extra place for a personal assistant or carer: it moves with the person's own."""
    companion = Registration(
        event_id=main.event_id,
        person_id=None,
        companion_of_id=main.id,
        status=main.status,
        source=main.source,
        name=f"Personal assistant or carer of {main.name}",
        attendance=main.attendance,
        queued_at=main.queued_at,
        confirmed_at=main.confirmed_at,
    )
    db.session.add(companion)
    return companion


def register(
    event: Event,
    applicant: Applicant,
    *,
    person: User | None = None,
    source: RegistrationSource = RegistrationSource.SELF,
    actor: User | None = None,
    workshop_ids: Iterable[int | str] = (),
    companion: bool = False,
    now: datetime | None = None,
) -> Registration:
    """A place if there is one, else a place on the waiting list; never more than capacity.

    With a conference, the chosen workshops are booked in the same transaction, each against
    its own places. With `companion`, a personal assistant or carer gets the place beside the
    person's, at the event and each workshop: both have places, or both wait.
    """
    # A first look, so a closed event is refused before anything is written.
    reason = registration_closed_reason(event, now)
    if reason:
        raise RegistrationClosed(reason)
    workshops = _chosen_workshops(event, workshop_ids, now)
    if person is None and (applicant.email or source is not RegistrationSource.ASSISTED):
        person = _person_for(applicant)
    # The lock that cancelling, publishing and every change of places take too (id order, so
    # two registrations never deadlock). Everything is read again under it: an event cancelled
    # or closed a moment ago is refused here, and places are counted as they are now.
    lock_rows(Event, [event.id, *(w.id for w in workshops)])
    event = db.session.get_one(Event, event.id, populate_existing=True)
    reason = registration_closed_reason(event, now)
    if reason:
        raise RegistrationClosed(reason)
    workshops = _chosen_workshops(event, [w.id for w in workshops], now)
    existing = _live_registration(event.id, person.id) if person else None
    if existing is not None:
        raise _already_registered(existing)
    seats = 2 if companion else 1
    try:
        registration = _new_place(event, person, applicant, source, seats)
        if companion:
            _companion_place(registration)
        for workshop in workshops:
            if person and _live_registration(workshop.id, person.id):
                continue
            place = _new_place(workshop, person, applicant, source, seats)
            if companion:
                _companion_place(place)
        db.session.flush()
    except IntegrityError:
        # A double click that slipped past the check: the unique index kept one row. The
        # failed flush spoilt the transaction, so it is rolled back before looking.
        db.session.rollback()
        existing = _live_registration(event.id, person.id) if person else None
        if existing is None:
            raise
        raise _already_registered(existing) from None
    if source is RegistrationSource.ASSISTED and actor is not None:
        audit.record(actor.id, "registration.assisted", "registration", registration.id)
    notify(registration)
    return registration


def register_assisted(
    event: Event, applicant: Applicant, actor: User, *, companion: bool = False
) -> Registration:
    """An organiser registers someone who phoned or wrote: an email, or a phone number or
    postal address to reach them by, is needed."""
    if not (
        applicant.email or applicant.contact_phone.strip() or applicant.contact_address.strip()
    ):
        raise AssistedContactMissing(
            "Give an email address, a phone number or a postal address, so we can reach them"
        )
    return register(
        event, applicant, source=RegistrationSource.ASSISTED, actor=actor, companion=companion
    )


def _cancellation_group(registration: Registration) -> list[Registration]:
    """What goes with a registration when it is cancelled: the companion's place, and for a
    conference the same person's workshop places (with their companions)."""
    group = [registration]
    if registration.person_id is not None:
        group += db.session.scalars(
            select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Event.parent_id == registration.event_id,
                Registration.person_id == registration.person_id,
                Registration.status.in_(LIVE_STATUSES),
            )
        ).all()
    ids = [member.id for member in group]
    group += db.session.scalars(
        select(Registration).where(
            Registration.companion_of_id.in_(ids), Registration.status.in_(LIVE_STATUSES)
        )
    ).all()
    return group


def cancel_registration(registration: Registration) -> list[Registration]:
    """Cancel a place or leave the waiting list; returns the people promoted into a freed place."""
    # The event and its workshops (where the same person's places go too), locked before
    # anything is read, so the group and the places freed are as they are now.
    workshop_ids = db.session.scalars(
        select(Event.id).where(Event.parent_id == registration.event_id)
    ).all()
    lock_rows(Event, [registration.event_id, *workshop_ids])
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED.value:
        return []
    group = _cancellation_group(registration)
    freed = set()
    for member in group:
        db.session.refresh(member)
        if member.status == RegistrationStatus.CANCELLED.value:
            continue
        if member.status in HOLDING_A_PLACE:
            freed.add(member.event_id)
        member.status = RegistrationStatus.CANCELLED.value
        member.cancelled_at = utcnow()
    db.session.flush()
    promoted = []
    for event_id in sorted(freed):
        promoted += fill_free_places(db.session.get_one(Event, event_id))
    # The workshop places went too: the message names them and takes them out of calendars.
    workshops = [
        (db.session.get_one(Event, member.event_id), member.status)
        for member in group
        if member is not registration and member.companion_of_id is None
    ]
    notify(registration, workshops=workshops)
    for person in promoted:
        notify(person, promoted=True)
    return promoted


def save_access_profile(person: User, needs: Iterable[str], notes: str) -> None:
    """The needs offered the next time the person registers; theirs to change or clear."""
    person.access_needs = clean_needs(needs)
    person.access_notes = (notes or "").strip()


def update_access_needs(registration: Registration, needs: Iterable[str], notes: str) -> None:
    registration.access_needs = clean_needs(needs)
    registration.access_notes = (notes or "").strip()
    if AccessNeed.EASY_READ.value in registration.access_needs:
        registration.easy_read = True  # from now on, its emails are Easy Read too


def registrations_of(person: User, event_ids: list[int]) -> dict[int, Registration]:
    """The person's live registrations among these events, by event id (one query)."""
    if not event_ids:
        return {}
    rows = db.session.scalars(
        select(Registration).where(
            Registration.person_id == person.id,
            Registration.event_id.in_(event_ids),
            Registration.status.in_(LIVE_STATUSES),
        )
    )
    return {registration.event_id: registration for registration in rows}


def person_registrations(person: User) -> list[tuple[Registration, Event, Edition]]:
    """Everything the person is registered for or waiting for, soonest first (one query)."""
    rows = db.session.execute(
        select(Registration, Event, Edition)
        .join(Event, Event.id == Registration.event_id)
        .join(Edition, Edition.id == Event.edition_id)
        .where(Registration.person_id == person.id, Registration.status.in_(LIVE_STATUSES))
        .order_by(Event.starts_at)
    ).all()
    return [(registration, event, edition) for registration, event, edition in rows]
