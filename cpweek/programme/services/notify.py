"""Telling a person what just happened to their registration (a place, the waiting list, a
promotion, a changed or cancelled event, a reminder): one message, queued in the outbox in the
same transaction, so it leaves only if the change is committed."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import notifications
from cpweek.programme.models import LIVE_STATUSES, Event, Registration
from cpweek.programme.services.editions import event_with_edition
from cpweek.programme.services.links import manage_url
from cpweek.programme.services.waitlist import waitlist_position


def registration_email(registration: Registration) -> str | None:
    """The address a registration's emails go to; None for someone registered by phone or post
    without one (and for a companion's place)."""
    if registration.person_id is None:
        return None
    person = db.session.get(User, registration.person_id)
    return person.email if person is not None else None


def has_companion(registration: Registration) -> bool:
    """Whether a personal assistant or carer has a live place beside this one."""
    return (
        db.session.scalar(
            select(Registration.id)
            .where(
                Registration.companion_of_id == registration.id,
                Registration.status.in_(LIVE_STATUSES),
            )
            .limit(1)
        )
        is not None
    )


def _workshops_of(registration: Registration) -> list[tuple[Event, str]]:
    """The same person's live places at the workshops of this registration's event."""
    if registration.person_id is None:
        return []
    rows = db.session.execute(
        select(Event, Registration.status)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Event.parent_id == registration.event_id,
            Registration.person_id == registration.person_id,
            Registration.status.in_(LIVE_STATUSES),
        )
        .order_by(Event.starts_at)
    ).all()
    return [(event, status) for event, status in rows]


def notify(
    registration: Registration,
    *,
    promoted: bool = False,
    event_changed: bool = False,
    reminder: bool = False,
    workshops: list[tuple[Event, str]] | None = None,
    was: notifications.WhenAndWhere | None = None,
) -> bool:
    """Tell the person what just happened to their registration: the message is queued in the
    outbox in this transaction, so it leaves only if the change is committed."""
    person = db.session.get(User, registration.person_id) if registration.person_id else None
    if person is None or not person.email:
        return False  # registered by phone or post: the organiser tells them
    event, edition = event_with_edition(registration.event_id)
    return notifications.send_registration_mail(
        notifications.RegistrationMail(
            registration=registration,
            person=person,
            event=event,
            edition=edition,
            manage_url=manage_url(registration),
            position=waitlist_position(registration),
            promoted=promoted,
            event_changed=event_changed,
            reminder=reminder,
            workshops=_workshops_of(registration) if workshops is None else workshops,
            was=was,
            companion=has_companion(registration),
        )
    )


def resend_manage_link(registration: Registration) -> None:
    """Send the registration's own mail again, to its owner's address only."""
    notify(registration)


def tell_registrants(
    event: Event,
    skip: Collection[int] = frozenset(),
    was: notifications.WhenAndWhere | None = None,
) -> int:
    """One message to each person registered or waiting: the change, and the new calendar."""
    registrations = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status.in_(LIVE_STATUSES)
        )
    ).all()
    told = 0
    for registration in registrations:
        if registration.id not in skip and notify(registration, event_changed=True, was=was):
            told += 1
    return told
