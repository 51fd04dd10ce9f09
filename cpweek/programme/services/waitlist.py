"""The waiting list: a person's place in the queue, and filling free places from it, first
come first served, each pool of a hybrid event on its own."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, func, or_, select

from cpweek.extensions import db
from cpweek.programme.models import IN_PERSON, Event, EventStatus, Registration, RegistrationStatus
from cpweek.programme.services.capacity import in_pool, places_left
from cpweek.timezones import utcnow


def fill_free_places(event: Event) -> list[Registration]:
    """Confirm people from the waiting list, first come first served, while places are free
    (each pool of a hybrid event on its own); someone with a personal assistant or carer moves
    up when two places are free. The caller holds the event's lock. A cancelled event
    promotes nobody: there is no place to give, whatever frees up after the cancellation."""
    if event.status == EventStatus.CANCELLED.value:
        return []
    promoted = []
    for mode in event.attendance_modes:
        promoted += _fill_pool(event, mode)
    return promoted


def _fill_pool(event: Event, mode: str) -> list[Registration]:
    free = places_left(event, mode)
    if free == 0:
        return []
    waiting = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED.value,
            in_pool(event, mode),
        )
        .order_by(Registration.queued_at, Registration.id)
    ).all()
    companions: dict[int, list[Registration]] = defaultdict(list)
    for registration in waiting:
        if registration.companion_of_id is not None:
            companions[registration.companion_of_id].append(registration)
    promoted = []
    for registration in waiting:
        if registration.companion_of_id is not None:
            continue
        group = [registration, *companions[registration.id]]
        if free is not None and len(group) > free:
            break  # first come, first served: nobody jumps the queue
        for member in group:
            member.status = RegistrationStatus.CONFIRMED.value
            member.confirmed_at = utcnow()
        promoted.append(registration)
        if free is not None:
            free -= len(group)
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if registration.status != RegistrationStatus.WAITLISTED.value:
        return None
    event = db.session.get_one(Event, registration.event_id)
    mode = (registration.attendance or IN_PERSON) if event.is_hybrid else ""
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED.value,
            Registration.companion_of_id.is_(None),
            in_pool(event, mode),
            or_(
                Registration.queued_at < registration.queued_at,
                and_(
                    Registration.queued_at == registration.queued_at,
                    Registration.id < registration.id,
                ),
            ),
        )
    )
    return (ahead or 0) + 1
