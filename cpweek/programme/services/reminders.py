"""The day-before reminder: one message to each person with a place at an event starting
before the end of tomorrow, claimed so that no run (or second host) sends it twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, Exists, select, update
from sqlalchemy.orm import aliased

from cpweek.extensions import db
from cpweek.programme.models import (
    HOLDING_A_PLACE,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from cpweek.programme.services.notify import notify
from cpweek.timezones import from_local, local_date, utcnow


def _reminder_window_end(now: datetime, zone_name: str) -> datetime:
    """The end of tomorrow in the given zone, as UTC."""
    tomorrow = local_date(now, zone_name) + timedelta(days=1)
    return from_local(datetime.combine(tomorrow, time(23, 59, 59)), zone_name)


def covered_by_a_conference_place() -> Exists:
    """True for a `Registration` at a workshop whose person also holds a place at the
    workshop's conference: a message about the day (a reminder, the feedback form) goes once,
    with the conference's place, not once per workshop."""
    conference = aliased(Registration)
    workshop_event = aliased(Event)
    return (
        select(conference.id)
        .where(
            conference.person_id == Registration.person_id,
            conference.event_id == workshop_event.parent_id,
            workshop_event.id == Registration.event_id,
            conference.status.in_(HOLDING_A_PLACE),
        )
        .exists()
    )


def send_reminders(now: datetime | None = None) -> int:
    """Remind everyone with a place at an event starting before the end of tomorrow (UK time)
    who has not been reminded; returns how many reminders were queued. Safe to run every hour,
    and by two hosts at once: each reminder is claimed with a conditional UPDATE of
    `reminded_at` and queued in the outbox in the same transaction (the command's unit of
    work), so a second run waits for the first's claim and finds it taken. A mail server that
    fails loses nothing: the outbox keeps retrying the message."""
    now = now or utcnow()
    window_end = _reminder_window_end(now, current_app.config["CPWEEK_TIMEZONE"])
    # A workshop place whose person also has the conference is named in the conference's
    # reminder: one message, not one per workshop.
    covered = covered_by_a_conference_place()
    due = db.session.scalars(
        select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            ~covered,
            Registration.status == RegistrationStatus.CONFIRMED.value,
            Registration.reminded_at.is_(None),
            Registration.person_id.is_not(None),
            Event.status == EventStatus.PUBLISHED.value,
            Event.starts_at > now,
            Event.starts_at <= window_end,
        )
        # The same order in every run, so two runs claiming at once queue, never deadlock.
        .order_by(Registration.id)
    ).all()
    sent = 0
    for registration_id in due:
        # An UPDATE answers with a cursor result, which knows how many rows it changed.
        claimed = cast(
            CursorResult[Any],
            db.session.execute(
                update(Registration)
                .where(Registration.id == registration_id, Registration.reminded_at.is_(None))
                .values(reminded_at=now, updated_at=Registration.updated_at)
            ),
        ).rowcount
        if not claimed:
            continue  # another run took it
        if notify(db.session.get_one(Registration, registration_id), reminder=True):
            sent += 1
    return sent
