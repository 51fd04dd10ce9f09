"""Organisers and the people coming: every event of an edition with its numbers, who is
registered (on screen and as CSV), the access needs to book for, and check-in at the door."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.csvfiles import csv_text
from cpweek.extensions import db
from cpweek.programme.models import (
    ATTENDANCE_LABELS,
    HOLDING_A_PLACE,
    LIVE_STATUSES,
    ONLINE,
    AccessNeed,
    Edition,
    Event,
    Registration,
    RegistrationStatus,
)
from cpweek.programme.services.errors import RegistrationError
from cpweek.timezones import to_local, utcnow


@dataclass
class AccessSummary:
    """What to book (interpreters, captioners, ...): how many asked for each need, and who."""

    counts: list[tuple[str, int]]
    people: list[Registration]


CSV_COLUMNS = [
    "Name",
    "Email",
    "Phone",
    "Postal address",
    "Organisation",
    "Status",
    "Taking part",
    "How registered",
    "Registered (UK time)",
    "Access needs",
    "Other needs",
    "Happy to be contacted",
]


def edition_events_for_organisers(edition: Edition) -> list[tuple[Event, int, int]]:
    """Every event of the edition, drafts too, with places taken and people waiting."""
    events = list(
        db.session.scalars(
            select(Event)
            .where(Event.edition_id == edition.id)
            .order_by(Event.starts_at, Event.title)
        )
    )
    rows = db.session.execute(
        select(Registration.event_id, Registration.status, func.count())
        .join(Event, Event.id == Registration.event_id)
        .where(Event.edition_id == edition.id)
        .group_by(Registration.event_id, Registration.status)
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for event_id, status, number in rows:
        counts[event_id][status] = number
    return [
        (
            event,
            sum(counts[event.id].get(status, 0) for status in HOLDING_A_PLACE),
            counts[event.id].get(RegistrationStatus.WAITLISTED.value, 0),
        )
        for event in events
    ]


def live_registrations_for(event_ids: list[int]) -> list[tuple[Registration, User, Event]]:
    """Everyone registered or waiting for these events, with the person and the event."""
    if not event_ids:
        return []
    rows = db.session.execute(
        select(Registration, User, Event)
        .join(User, User.id == Registration.person_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.event_id.in_(event_ids), Registration.status.in_(LIVE_STATUSES))
        .order_by(User.id, Event.starts_at)
    )
    return [(registration, person, event) for registration, person, event in rows]


def get_registration(registration_id: int) -> Registration | None:
    return db.session.get(Registration, registration_id)


def event_registrations(event: Event) -> list[tuple[Registration, str]]:
    """Everyone registered for the event with their email ('' if none), in one query."""
    rows = db.session.execute(
        select(Registration, User.email)
        .outerjoin(User, User.id == Registration.person_id)
        .where(Registration.event_id == event.id)
        .order_by(Registration.status, Registration.queued_at, Registration.id)
    ).all()
    return [(registration, email or "") for registration, email in rows]


def check_in_list(event: Event) -> list[tuple[Registration, str]]:
    """The people expected in the room: a place, and not taking part online."""
    return [
        (registration, email)
        for registration, email in event_registrations(event)
        if registration.status in HOLDING_A_PLACE and registration.attendance != ONLINE
    ]


def access_summary(event: Event) -> AccessSummary:
    live = [
        registration
        for registration, _ in event_registrations(event)
        if registration.status in HOLDING_A_PLACE
        or registration.status == RegistrationStatus.WAITLISTED.value
    ]
    counts = {need: 0 for need in AccessNeed}
    for registration in live:
        for need in registration.access_needs:
            counts[AccessNeed(need)] += 1
    return AccessSummary(
        counts=[(need.label, number) for need, number in counts.items() if number],
        people=[r for r in live if r.needs_attention],
    )


def set_checked_in(registration: Registration, attended: bool, actor: User) -> None:
    """Mark someone as arrived (or undo it); only people with a place can be checked in."""
    if registration.status not in HOLDING_A_PLACE:
        raise RegistrationError("Only people with a place can be checked in")
    registration.status = (
        RegistrationStatus.ATTENDED if attended else RegistrationStatus.CONFIRMED
    ).value
    registration.checked_in_at = utcnow() if attended else None
    audit.record(
        actor.id,
        "registration.check_in" if attended else "registration.check_in_undone",
        "registration",
        registration.id,
    )


def registrations_csv(event: Event) -> str:
    zone_name = current_app.config["CPWEEK_TIMEZONE"]
    return csv_text(
        [
            CSV_COLUMNS,
            *(
                (
                    registration.name,
                    email,
                    registration.contact_phone,
                    registration.contact_address,
                    registration.organisation,
                    registration.status,
                    ATTENDANCE_LABELS[registration.attendance],
                    registration.source,
                    to_local(registration.created_at, zone_name).strftime("%Y-%m-%d %H:%M"),
                    "; ".join(AccessNeed(need).label for need in registration.access_needs),
                    registration.access_notes,
                    "yes" if registration.consent_to_contact else "no",
                )
                for registration, email in event_registrations(event)
            ),
        ]
    )
