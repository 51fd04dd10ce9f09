"""Calendar files: an edition's public feed, one event's file, and a person's own feed of the
events they have a place at (behind a secret address they can renew). Each comes with its
validators first, so a calendar app asking "changed?" is answered without building the file."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import calendar
from cpweek.programme.models import HOLDING_A_PLACE, Edition, Event, Registration
from cpweek.programme.services.listing import PUBLIC_EVENT_STATUSES, public_events


@dataclass
class CalendarFile:
    """A calendar whose validators are known before it is built, so a 304 costs one query."""

    etag: str
    last_modified: datetime | None
    build: Callable[[], bytes]


def edition_calendar(edition: Edition) -> CalendarFile:
    """The public feed of an edition: every public event, cancelled ones included, no join links."""
    stamps = calendar.event_stamps(
        Event.edition_id == edition.id, Event.status.in_(PUBLIC_EVENT_STATUSES)
    )
    name = f"{edition.title}: {edition.theme}"
    return CalendarFile(
        calendar.fingerprint([edition], stamps, name),
        calendar.last_modified(stamps),
        lambda: calendar.build_calendar(edition, public_events(edition), name=name),
    )


def event_calendar(edition: Edition, event: Event) -> CalendarFile:
    """One public event as a calendar file (no join link: anyone can download it)."""
    return CalendarFile(
        calendar.fingerprint([edition], [calendar.stamp_of(event)], event.title),
        event.updated_at,
        lambda: calendar.build_calendar(edition, [event], name=event.title),
    )


def calendar_token_for(person: User, *, renew: bool = False) -> str:
    """The secret of the person's feed address; `renew` replaces it, so the old address stops."""
    if person.calendar_token is None or renew:
        person.calendar_token = secrets.token_urlsafe(24)
        db.session.flush()
    return person.calendar_token


def personal_calendar(token: str) -> CalendarFile | None:
    """The confirmed events of whoever holds this feed token, with their join links."""
    if not token or len(token) > 64:
        return None
    person_id = db.session.scalar(select(User.id).where(User.calendar_token == token))
    if person_id is None:
        return None
    held = select(Registration.event_id).where(
        Registration.person_id == person_id, Registration.status.in_(HOLDING_A_PLACE)
    )
    stamps = calendar.event_stamps(Event.id.in_(held), Event.status.in_(PUBLIC_EVENT_STATUSES))
    ids = {stamp.edition_id for stamp in stamps}
    zones = db.session.execute(
        select(Edition.id, Edition.year, Edition.timezone).where(Edition.id.in_(ids))
    ).all()
    name = "Co-production Week: my events"

    def build() -> bytes:
        events = list(db.session.scalars(select(Event).where(Event.id.in_([s.id for s in stamps]))))
        events.sort(key=lambda event: (event.starts_at, event.title))
        editions = {e.id: e for e in db.session.scalars(select(Edition).where(Edition.id.in_(ids)))}
        join_urls = {event.id: event.join_url for event in events if event.join_url}
        return calendar.build_calendar(editions, events, name=name, join_urls=join_urls)

    # The token is part of the key: two people's feeds never share a file. A join link is
    # covered by its event's updated_at.
    return CalendarFile(
        calendar.fingerprint(zones, stamps, f"{name}|{token}"),
        None,  # no Last-Modified: leaving an event changes the feed without touching an event
        build,
    )
