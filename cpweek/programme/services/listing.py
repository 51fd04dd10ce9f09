"""What the public sees of the programme: an edition's public events, grouped by day and
filtered, an event with its conference or workshops, the next few events for the home page,
and lists of events for other pages (select boxes, a host's events)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from cpweek.extensions import db
from cpweek.programme.models import Edition, Event, EventHost, EventStatus
from cpweek.programme.services.capacity import places_left_for
from cpweek.programme.services.registration import registration_closed_reason
from cpweek.timezones import local_date, utcnow

PUBLIC_EVENT_STATUSES = (EventStatus.PUBLISHED.value, EventStatus.CANCELLED.value)


@dataclass
class ProgrammeItem:
    event: Event
    children: list[Event] = field(default_factory=list)


@dataclass
class ProgrammeDay:
    day: date
    items: list[ProgrammeItem]


@dataclass
class NextEvent:
    """An event on the home page: when it is, whether it can be booked now, and how full."""

    event: Event
    edition: Edition
    places_left: int | None  # None: no limit
    closed_reason: str | None  # why it cannot be booked yet (registration opens later, ...)

    @property
    def full(self) -> bool:
        return self.places_left == 0


@dataclass
class ProgrammeFilter:
    kinds: set[str] = field(default_factory=set)
    formats: set[str] = field(default_factory=set)
    access: set[str] = field(default_factory=set)  # events must offer all of these
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.formats or self.access or self.text)


def public_events(edition: Edition) -> list[Event]:
    """The events the public may see, in time order, in one query whatever their number."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.edition_id == edition.id, Event.status.in_(PUBLIC_EVENT_STATUSES))
            .order_by(Event.starts_at, Event.title)
        )
    )


def next_events(limit: int = 4, now: datetime | None = None) -> list[NextEvent]:
    """The next few published events of any edition that have not started yet, soonest
    first, for someone wondering what is on: two queries however many events there are.

    A draft edition's published events are listed too: draft editions are public (labelled as
    a programme that may still change) and their events take bookings. Workshops are left out:
    people book them through their conference. Cancelled and draft events never show."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Event, Edition)
        .join(Edition, Edition.id == Event.edition_id)
        .where(
            Event.status == EventStatus.PUBLISHED.value,
            Event.parent_id.is_(None),
            Event.starts_at > now,
        )
        .order_by(Event.starts_at, Event.title, Event.id)
        .limit(limit)
    ).all()
    places = places_left_for([event for event, _ in rows])
    return [
        NextEvent(event, edition, places.get(event.id), registration_closed_reason(event, now))
        for event, edition in rows
    ]


def filter_events(events: list[Event], wanted: ProgrammeFilter) -> list[Event]:
    """The events that match every part of the filter; a conference whose workshop matches
    stays, so the workshop is shown in its place."""
    words = wanted.text.lower().split()

    def matches(event: Event) -> bool:
        text = f"{event.title} {event.summary} {event.hosted_by}".lower()
        return (
            (not wanted.kinds or event.kind in wanted.kinds)
            and (not wanted.formats or event.format in wanted.formats)
            and wanted.access <= set(event.access_offer)
            and all(word in text for word in words)
        )

    kept = {event.id for event in events if matches(event)}
    kept |= {event.parent_id for event in events if event.id in kept and event.parent_id}
    return [event for event in events if event.id in kept]


def programme_by_day(edition: Edition, events: list[Event]) -> list[ProgrammeDay]:
    """Events grouped by day in the edition's zone; a conference's workshops sit inside it."""
    by_id = {event.id: event for event in events}
    items: dict[int, ProgrammeItem] = {}
    days: dict[date, list[ProgrammeItem]] = defaultdict(list)
    for event in events:
        if event.parent_id in by_id:
            continue
        item = items[event.id] = ProgrammeItem(event)
        days[local_date(event.starts_at, edition.timezone)].append(item)
    for event in events:
        if event.parent_id in items:
            items[event.parent_id].children.append(event)
    return [ProgrammeDay(day, days[day]) for day in sorted(days)]


def get_public_event(edition: Edition, slug: str) -> Event | None:
    return db.session.scalar(
        select(Event).where(
            Event.edition_id == edition.id,
            Event.slug == slug[:120],
            Event.status.in_(PUBLIC_EVENT_STATUSES),
        )
    )


def related_events(event: Event) -> tuple[Event | None, list[Event]]:
    """The public parent (for a workshop) and public children (for a conference) of an event."""
    parent = None
    if event.parent_id is not None:
        parent = db.session.scalar(
            select(Event).where(
                Event.id == event.parent_id, Event.status.in_(PUBLIC_EVENT_STATUSES)
            )
        )
    children = list(
        db.session.scalars(
            select(Event)
            .where(Event.parent_id == event.id, Event.status.in_(PUBLIC_EVENT_STATUSES))
            .order_by(Event.starts_at, Event.title)
        )
    )
    return parent, children


def event_choices() -> list[tuple[int, str]]:
    """Public events as (id, "2026: title") for a select box: newest edition first, then by
    time. Drafts are left out: only organisers may see them."""
    rows = db.session.execute(
        select(Event.id, Event.title, Edition.year)
        .join(Edition, Edition.id == Event.edition_id)
        .where(Event.status.in_(PUBLIC_EVENT_STATUSES))
        .order_by(Edition.year.desc(), Event.starts_at, Event.id)
    )
    return [(event_id, f"{year}: {title}") for event_id, title, year in rows]


def events_hosted_by(person_id: int, ended_before: datetime | None = None) -> list[Event]:
    """Published events the person is named as a host of (by account), oldest first;
    with `ended_before`, only those that had ended by then."""
    hosted = select(EventHost.event_id).where(EventHost.person_id == person_id)
    query = (
        select(Event)
        .where(Event.id.in_(hosted), Event.status == EventStatus.PUBLISHED.value)
        .order_by(Event.starts_at, Event.id)
    )
    if ended_before is not None:
        query = query.where(Event.ends_at <= ended_before)
    return list(db.session.scalars(query))
