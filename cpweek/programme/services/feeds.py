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
    events = public_events(edition)
    name = f"{edition.title}: {edition.theme}"
    return CalendarFile(
        calendar.fingerprint([edition], events, name),
        calendar.last_modified(events),
        lambda: calendar.build_calendar(edition, events, name=name),
    )


def event_calendar(edition: Edition, event: Event) -> CalendarFile:
    """One public event as a calendar file (no join link: anyone can download it)."""
    return CalendarFile(
        calendar.fingerprint([edition], [event], event.title),
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
    person = db.session.scalar(select(User).where(User.calendar_token == token))
    if person is None:
        return None
    events = list(
        db.session.scalars(
            select(Event)
            .join(Registration, Registration.event_id == Event.id)
            .where(
                Registration.person_id == person.id,
                Registration.status.in_(HOLDING_A_PLACE),
                Event.status.in_(PUBLIC_EVENT_STATUSES),
            )
            .order_by(Event.starts_at)
        )
    )
    editions = {
        edition.id: edition
        for edition in db.session.scalars(
            select(Edition).where(Edition.id.in_({event.edition_id for event in events}))
        )
    }
    join_urls = {event.id: event.join_url for event in events if event.join_url}
    name = "Co-production Week: my events"
    # The token and join links are part of the key: two people's feeds never share a file.
    key = f"{name}|{token}|{sorted(join_urls.items())}"
    return CalendarFile(
        calendar.fingerprint(editions.values(), events, key),
        None,  # no Last-Modified: leaving an event changes the feed without touching an event
        lambda: calendar.build_calendar(editions, events, name=name, join_urls=join_urls),
    )
