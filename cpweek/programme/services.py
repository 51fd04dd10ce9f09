"""The rules of the programme: which edition is current, what the public sees, and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from cpweek.extensions import db
from cpweek.programme import calendar
from cpweek.programme.models import Edition, Event, EventStatus
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
class CalendarFile:
    """A calendar whose validators are known before it is built, so a 304 costs one query."""

    etag: str
    last_modified: datetime | None
    build: Callable[[], bytes]


@dataclass
class EditionCounts:
    edition: Edition
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def today_in(zone_name: str | None = None) -> date:
    """Today's date in the given zone, or in the site's default zone (CPWEEK_TIMEZONE)."""
    return local_date(utcnow(), zone_name or current_app.config["CPWEEK_TIMEZONE"])


def edition_phase(edition: Edition, today: date) -> str:
    """'now' while the week is on, 'upcoming' before it, 'past' after it."""
    if edition.starts_on <= today <= edition.ends_on:
        return "now"
    return "upcoming" if edition.starts_on > today else "past"


def list_editions() -> list[Edition]:
    """Every edition, newest first."""
    return list(db.session.scalars(select(Edition).order_by(Edition.year.desc())))


def get_edition(year: int) -> Edition | None:
    return db.session.scalar(select(Edition).where(Edition.year == year))


def current_or_next_edition(today: date | None = None) -> Edition | None:
    """The edition running today; else the next one to come; else the most recent past one."""
    today = today or today_in()
    editions = list_editions()
    for edition in editions:
        if edition.starts_on <= today <= edition.ends_on:
            return edition
    upcoming = [edition for edition in editions if edition.starts_on > today]
    if upcoming:
        return min(upcoming, key=lambda edition: edition.starts_on)
    return editions[0] if editions else None


def public_events(edition: Edition) -> list[Event]:
    """The events the public may see, in time order, in one query whatever their number."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.edition_id == edition.id, Event.status.in_(PUBLIC_EVENT_STATUSES))
            .order_by(Event.starts_at, Event.title)
        )
    )


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


def edition_overview() -> list[EditionCounts]:
    """Each edition with its number of events by status, for organisers (two queries)."""
    editions = list_editions()
    rows = db.session.execute(
        select(Event.edition_id, Event.status, func.count()).group_by(
            Event.edition_id, Event.status
        )
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for edition_id, status, number in rows:
        counts[edition_id][status] = number
    return [EditionCounts(edition, counts.get(edition.id, {})) for edition in editions]


def edition_calendar(edition: Edition) -> CalendarFile:
    """The public feed of an edition: every public event, cancelled ones included, no join links."""
    events = public_events(edition)
    name = f"{edition.title}: {edition.theme}"
    return CalendarFile(
        calendar.fingerprint(edition, events, name),
        calendar.last_modified(events),
        lambda: calendar.build_calendar(edition, events, name=name),
    )


def event_calendar(edition: Edition, event: Event) -> CalendarFile:
    """One public event as a calendar file (no join link: anyone can download it)."""
    return CalendarFile(
        calendar.fingerprint(edition, [event], event.title),
        event.updated_at,
        lambda: calendar.build_calendar(edition, [event], name=event.title),
    )


# A change to any of these moves people's diaries, so calendars must replace their copy.
CALENDAR_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue", "format", "online_platform", "status"}
)


def apply_event_changes(event: Event, changes: dict) -> set[str]:
    """Set `changes` on `event` (not committed); returns the fields that really changed.

    SEQUENCE goes up once when time, place or status changed, so calendar apps that hold the
    event replace it instead of keeping the old time.
    """
    changed = {name for name, value in changes.items() if getattr(event, name) != value}
    for name in changed:
        setattr(event, name, changes[name])
    if changed & CALENDAR_FIELDS:
        event.sequence += 1
    return changed
