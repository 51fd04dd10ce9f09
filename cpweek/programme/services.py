"""The rules of the programme: editions and events, what the public sees, registration with
its places and waiting lists, manage links, personal calendar feeds, organisers' editing and
check-in, and the day-before reminders. Views call these; nothing here knows about HTTP."""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, delete, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from cpweek import audit, signals
from cpweek.auth import services as auth_services
from cpweek.auth.models import User
from cpweek.csvfiles import csv_text
from cpweek.errors import DomainError
from cpweek.extensions import db
from cpweek.inserts import insert_unless_present
from cpweek.locks import lock, lock_rows
from cpweek.programme import calendar, easy_read, notifications
from cpweek.programme.models import (
    ATTENDANCE_LABELS,
    ATTENDANCE_MODES,
    HOLDING_A_PLACE,
    IN_PERSON,
    LIVE_STATUSES,
    AccessNeed,
    Edition,
    EditionStatus,
    Event,
    EventHost,
    EventStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from cpweek.timezones import (
    format_date,
    format_time,
    from_local,
    local_date,
    to_local,
    utcnow,
)
from cpweek.urls import absolute_url

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


def get_edition_by_id(edition_id: int) -> Edition | None:
    return db.session.get(Edition, edition_id)


def get_event(event_id: int) -> Event | None:
    return db.session.get(Event, event_id)


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


@dataclass
class ProgrammeFilter:
    kinds: set[str] = field(default_factory=set)
    formats: set[str] = field(default_factory=set)
    access: set[str] = field(default_factory=set)  # events must offer all of these
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.formats or self.access or self.text)


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


# A change to any of these moves people's diaries, so calendars must replace their copy.
CALENDAR_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue", "format", "online_platform", "status", "track"}
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


# --- registration -------------------------------------------------------------------------
#
# Capacity and status are protected by one lock, the event's row (`locks.lock_rows`): every
# registration, cancellation, change of places, publishing and cancelling of an event takes it
# first and then reads afresh, so on PostgreSQL they queue on the row lock and on SQLite on the
# database write lock; no transaction can read a count or a status and then lose the race.


class RegistrationError(DomainError):
    pass


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    def __init__(self, message: str, registration: Registration):
        super().__init__(message)
        self.registration = registration


class CapacityTooLow(RegistrationError):
    field = "capacity"


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


def confirmed_counts(event_ids: list[int]) -> dict[int, int]:
    """Places taken (confirmed or attended) per event, in one query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Registration.event_id, func.count())
        .where(
            Registration.event_id.in_(event_ids),
            Registration.status.in_(HOLDING_A_PLACE),
        )
        .group_by(Registration.event_id)
    ).all()
    counts = dict.fromkeys(event_ids, 0)
    counts.update({event_id: number for event_id, number in rows})
    return counts


def taken_by_mode(events: list[Event]) -> dict[tuple[int, str], int]:
    """Places taken per event and attendance mode (in person / online for hybrid events), in
    one query. Hybrid registrations from before modes existed count as in person."""
    if not events:
        return {}
    hybrid = {event.id for event in events if event.is_hybrid}
    rows = db.session.execute(
        select(Registration.event_id, Registration.attendance, func.count())
        .where(
            Registration.event_id.in_([event.id for event in events]),
            Registration.status.in_(HOLDING_A_PLACE),
        )
        .group_by(Registration.event_id, Registration.attendance)
    ).all()
    counts = {(event.id, mode): 0 for event in events for mode in event.attendance_modes}
    for event_id, attendance, number in rows:
        mode = (attendance or IN_PERSON) if event_id in hybrid else ""
        counts[(event_id, mode)] = counts.get((event_id, mode), 0) + number
    return counts


def places_left(event: Event, mode: str = "", taken: int | None = None) -> int | None:
    """Places left in one pool (None: unlimited). For a hybrid event, name the mode."""
    if event.is_hybrid and not mode:
        mode = IN_PERSON
    limit = event.capacity_for(mode)
    if limit is None:
        return None
    if taken is None:
        taken = taken_by_mode([event])[(event.id, mode if event.is_hybrid else "")]
    return max(limit - taken, 0)


def places_by_mode(event: Event) -> dict[str, int | None]:
    """{'': n} for most events; {'in_person': n, 'online': m} for hybrid ones."""
    taken = taken_by_mode([event])
    return {
        mode: places_left(event, mode, taken[(event.id, mode)]) for mode in event.attendance_modes
    }


def total_places_left(event: Event) -> int | None:
    """All the event's free places (a hybrid event's pools added up); None: unlimited."""
    pools = list(places_by_mode(event).values())
    return None if None in pools else sum(pools)


def places_left_for(events: list[Event]) -> dict[int, int | None]:
    """Places left at each event still to come (None: unlimited; a hybrid event's pools added
    up), in one query whatever their number; events that have started or are cancelled are left
    out: places mean nothing there."""
    now = utcnow()
    upcoming = [e for e in events if e.starts_at > now and not e.is_cancelled]
    taken = taken_by_mode(upcoming)
    result: dict[int, int | None] = {}
    for event in upcoming:
        pools = [
            places_left(event, mode, taken[(event.id, mode)]) for mode in event.attendance_modes
        ]
        result[event.id] = None if None in pools else sum(pools)
    return result


# The largest id a database integer holds: a bigger number typed or tampered into a form names
# nothing, and must not reach a query (PostgreSQL and SQLite would fail, not answer "none").
MAX_ID = 2**31 - 1


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
    return db.session.scalar(select(User).where(User.email == address))


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


def _clean_needs(needs) -> list[str]:
    known = {need.value for need in AccessNeed}
    return sorted({need for need in needs if need in known})


class WorkshopClash(RegistrationError):
    field = "workshops"


def _chosen_workshops(conference: Event, workshop_ids, now: datetime | None) -> list[Event]:
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
            _in_pool(event, mode),
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
        access_needs=_clean_needs(applicant.access_needs),
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
    workshop_ids=(),
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
    event = db.session.get(Event, event.id, populate_existing=True)
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
    _notify(registration)
    return registration


def _fill_free_places(event: Event) -> list[Registration]:
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


def _in_pool(event: Event, mode: str):
    """SQL condition: registrations in this pool of places (all of them for most events)."""
    if not event.is_hybrid:
        return true()
    # Registrations from before hybrid pools existed count as in person.
    return Registration.attendance.in_([mode, ""] if mode == IN_PERSON else [mode])


def _fill_pool(event: Event, mode: str) -> list[Registration]:
    free = places_left(event, mode)
    if free == 0:
        return []
    in_pool = _in_pool(event, mode)
    waiting = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED.value,
            in_pool,
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
        promoted += _fill_free_places(db.session.get(Event, event_id))
    # The workshop places went too: the message names them and takes them out of calendars.
    workshops = [
        (db.session.get(Event, member.event_id), member.status)
        for member in group
        if member is not registration and member.companion_of_id is None
    ]
    _notify(registration, workshops=workshops)
    for person in promoted:
        _notify(person, promoted=True)
    return promoted


def _taken_after_format(event: Event, new_format: str) -> dict[str, int]:
    """Places taken per pool as they would be counted once the event has `new_format`: a
    hybrid event keeps online places apart; any other format counts everyone together."""
    rows = db.session.execute(
        select(Registration.attendance, func.count())
        .where(Registration.event_id == event.id, Registration.status.in_(HOLDING_A_PLACE))
        .group_by(Registration.attendance)
    ).all()
    by_attendance = dict(rows)
    total = sum(by_attendance.values())
    if new_format != "hybrid":
        return {"": total}
    online = by_attendance.get("online", 0)
    return {IN_PERSON: total - online, "online": online}


def _check_new_capacity(
    event: Event, capacity: int | None, mode: str, field: str, new_format: str | None = None
) -> None:
    """Refuse fewer places than people already holding one in that pool (under the format
    the event is about to have)."""
    pools = _taken_after_format(event, new_format or event.format)
    taken = pools.get(mode if len(pools) > 1 else "", 0)
    if capacity is not None and capacity < taken:
        where = {IN_PERSON: " in person", "online": " online"}.get(mode, "")
        raise CapacityTooLow(
            f"{taken} people already have a place{where}, so there must be at least {taken} "
            "places. To take places away, cancel registrations first.",
            field,
        )


def set_capacity(
    event: Event, capacity: int | None, online_capacity: int | None = None
) -> list[Registration]:
    """Change how many places there are (a hybrid event's online places too); more places go
    to the waiting list straight away."""
    lock(event)
    _check_new_capacity(event, capacity, IN_PERSON, "capacity")
    if event.is_hybrid:
        _check_new_capacity(event, online_capacity, "online", "online_capacity")
        event.online_capacity = online_capacity
    event.capacity = capacity
    promoted = _fill_free_places(event)
    for person in promoted:
        _notify(person, promoted=True)
    return promoted


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None when not on the waiting list."""
    if registration.status != RegistrationStatus.WAITLISTED.value:
        return None
    event = db.session.get(Event, registration.event_id)
    mode = (registration.attendance or IN_PERSON) if event.is_hybrid else ""
    ahead = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED.value,
            Registration.companion_of_id.is_(None),
            _in_pool(event, mode),
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


def save_access_profile(person: User, needs, notes: str) -> None:
    """The needs offered the next time the person registers; theirs to change or clear."""
    person.access_needs = _clean_needs(needs)
    person.access_notes = (notes or "").strip()


def update_access_needs(registration: Registration, needs, notes: str) -> None:
    registration.access_needs = _clean_needs(needs)
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


# --- the private manage link ----------------------------------------------------------------

MANAGE_SALT = "cpweek-registration-manage"


def manage_token(registration: Registration) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=MANAGE_SALT).dumps(
        registration.id
    )


def registration_for_token(token: str) -> Registration | None:
    """The registration a manage link is for; None for a tampered or unknown link."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=MANAGE_SALT)
    try:
        registration_id = serializer.loads(token[:500])
    except BadSignature:
        return None
    if not isinstance(registration_id, int):
        return None
    return db.session.get(Registration, registration_id)


def manage_url(registration: Registration) -> str:
    return absolute_url("programme.manage_registration", token=manage_token(registration))


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


def event_with_edition(event_id: int) -> tuple[Event, Edition]:
    event = db.session.get(Event, event_id)
    return event, db.session.get(Edition, event.edition_id)


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


def _notify(
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


# --- a person's own calendar feed -------------------------------------------------------------


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


def resend_manage_link(registration: Registration) -> None:
    """Send the registration's own mail again, to its owner's address only."""
    _notify(registration)


def person_registrations(person: User) -> list[tuple[Registration, Event, Edition]]:
    """Everything the person is registered for or waiting for, soonest first (one query)."""
    rows = db.session.execute(
        select(Registration, Event, Edition)
        .join(Event, Event.id == Registration.event_id)
        .join(Edition, Edition.id == Event.edition_id)
        .where(Registration.person_id == person.id, Registration.status.in_(LIVE_STATUSES))
        .order_by(Event.starts_at)
    ).all()
    return [tuple(row) for row in rows]


# --- organisers: editing the programme ----------------------------------------------------


class EventInvalid(DomainError):
    pass


@dataclass
class HostLine:
    name: str
    email: str = ""


@dataclass
class EventDetails:
    """An event as an organiser describes it; times already converted to UTC."""

    title: str
    slug: str
    kind: str
    format: str
    starts_at: datetime
    ends_at: datetime
    parent_id: int | None = None
    summary: str = ""
    description: str = ""
    hosted_by: str = ""
    hosts: list[HostLine] = field(default_factory=list)
    venue: str = ""
    online_platform: str = ""
    join_url: str = ""
    capacity: int | None = None
    online_capacity: int | None = None  # hybrid events: online places, apart from the room's
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    access_offer: list[str] = field(default_factory=list)
    easy_read: str = ""  # short plain lines, one idea a line
    easy_read_image_url: str = ""
    easy_read_image_alt: str = ""


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:100] or "event"


def unique_slug(edition: Edition, slug: str) -> str:
    """`slug`, or `slug-2`, `slug-3`, ... : the first no other event of the edition uses."""
    taken = set(
        db.session.scalars(
            select(Event.slug).where(Event.edition_id == edition.id, Event.slug.like(f"{slug}%"))
        )
    )
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def parse_hosts(text: str) -> list[HostLine]:
    """One host a line: 'Name' or 'Name, email@example.org'."""
    hosts = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, email = line, ""
        if "@" in line:
            name, _, email = (part.strip() for part in line.rpartition(","))
        if not name:
            raise EventInvalid(f"Host line {number} needs a name before the email", "hosts")
        if email:
            try:
                email = auth_services.normalise_email(email)
            except auth_services.InvalidEmail as error:
                raise EventInvalid(f"Host line {number}: {error.message}", "hosts") from None
        hosts.append(HostLine(name[:200], email))
    return hosts


def _check_details(edition: Edition, details: EventDetails, event: Event | None) -> list[str]:
    """Refuse what cannot be; return warnings for what is merely unusual."""
    if details.ends_at <= details.starts_at:
        raise EventInvalid("The end time must be after the start time", "end_time")
    if details.capacity is not None and details.capacity < 0:
        raise EventInvalid("Places cannot be fewer than 0", "capacity")
    if details.online_capacity is not None and details.format != "hybrid":
        raise EventInvalid(
            "Online places are only for hybrid events: leave them blank", "online_capacity"
        )
    if (
        details.registration_opens_at
        and details.registration_closes_at
        and details.registration_closes_at <= details.registration_opens_at
    ):
        raise EventInvalid("Registration must close after it opens", "registration_closes_at")
    clash = db.session.scalar(
        select(Event.id).where(
            Event.edition_id == edition.id,
            Event.slug == details.slug,
            Event.id != (event.id if event else -1),
        )
    )
    if clash:
        raise EventInvalid(
            "Another event this year already has this web address: choose another", "slug"
        )
    warnings = easy_read.check(
        details.easy_read, details.easy_read_image_url, details.easy_read_image_alt
    )
    if details.parent_id is not None:
        parent = (
            db.session.get(Event, details.parent_id) if 0 < details.parent_id <= MAX_ID else None
        )
        if parent is None or parent.edition_id != edition.id or (event and parent.id == event.id):
            raise EventInvalid("Choose a conference from this year", "parent_id")
        if details.starts_at < parent.starts_at or details.ends_at > parent.ends_at:
            warnings.append(f"This workshop runs outside the times of {parent.title}.")
    first = local_date(details.starts_at, edition.timezone)
    last = local_date(details.ends_at, edition.timezone)
    if first < edition.starts_on or last > edition.ends_on:
        warnings.append(
            "This event is outside the week's dates "
            f"({format_date(edition.starts_on)} to {format_date(edition.ends_on)})."
        )
    return warnings


def _replace_hosts(event: Event, details: EventDetails) -> None:
    db.session.execute(delete(EventHost).where(EventHost.event_id == event.id))
    db.session.add_all(_hosts_for(event, details))


def _hosts_for(event: Event, details: EventDetails) -> list[EventHost]:
    emails = [host.email for host in details.hosts if host.email]
    people = (
        {u.email: u.id for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
        if emails
        else {}
    )
    return [
        EventHost(
            event_id=event.id,
            position=number,
            name=host.name,
            email=host.email,
            person_id=people.get(host.email),
        )
        for number, host in enumerate(details.hosts)
    ]


SIMPLE_FIELDS = (
    "title",
    "slug",
    "kind",
    "format",
    "parent_id",
    "summary",
    "description",
    "hosted_by",
    "venue",
    "online_platform",
    "join_url",
    "registration_opens_at",
    "registration_closes_at",
    "access_offer",
    "starts_at",
    "ends_at",
    "easy_read",
    "easy_read_image_url",
    "easy_read_image_alt",
)


def create_event(edition: Edition, details: EventDetails, actor: User) -> tuple[Event, list[str]]:
    """A new draft event; returns it with any warnings to show the organiser."""
    warnings = _check_details(edition, details, None)
    event = Event(
        edition_id=edition.id,
        status=EventStatus.DRAFT.value,
        capacity=details.capacity,
        online_capacity=details.online_capacity,
        **{name: getattr(details, name) for name in SIMPLE_FIELDS},
    )
    event.access_offer = _clean_needs(details.access_offer)
    db.session.add(event)
    db.session.flush()
    _replace_hosts(event, details)
    audit.record(actor.id, "event.create", "event", event.id, after={"title": event.title})
    return event, warnings


@dataclass
class EventUpdate:
    changed: set[str]
    warnings: list[str]
    calendars_updated: bool = False  # registrants were told, with a new invitation
    told: int = 0


def _refuse_outside_releases(event: Event) -> None:
    """Refuse when a domain that listens says this event changes only through co-signed
    releases (coproduction does, for an edition with a call for proposals)."""
    refusals = signals.answers(signals.change_outside_release, event)
    if refusals:
        raise EventInvalid(refusals[0])


def update_event(event: Event, details: EventDetails, actor: User) -> EventUpdate:
    """Save an organiser's changes. A change of time, place or status raises SEQUENCE and
    tells everyone registered, with an updated calendar invitation (one message each)."""
    lock(event)  # status and places as they are now; registrations wait until this is done
    edition = db.session.get(Edition, event.edition_id)
    warnings = _check_details(edition, details, event)
    if event.status == EventStatus.PUBLISHED.value:
        moving = {
            name
            for name in CALENDAR_FIELDS & set(SIMPLE_FIELDS)
            if getattr(event, name) != getattr(details, name)
        }
        if moving:
            _refuse_outside_releases(event)
    _check_new_capacity(event, details.capacity, IN_PERSON, "capacity", details.format)
    if details.format == "hybrid":
        _check_new_capacity(
            event, details.online_capacity, "online", "online_capacity", details.format
        )
    changes = {name: getattr(details, name) for name in SIMPLE_FIELDS}
    changes["access_offer"] = _clean_needs(details.access_offer)
    before = {name: _audit_value(getattr(event, name)) for name in changes}
    was = notifications.when_and_where(event, edition)  # for "Was ... Now ..." in the mail
    changed = apply_event_changes(event, changes)
    new_hosts = [(h.name, h.email) for h in details.hosts]
    if new_hosts != [(h.name, h.email) for h in event_hosts(event)]:
        _replace_hosts(event, details)
        changed.add("hosts")
    promoted = []
    for name in ("capacity", "online_capacity"):
        if getattr(details, name) != getattr(event, name):
            setattr(event, name, getattr(details, name))
            changed.add(name)
    if changed & {"capacity", "online_capacity", "format"}:
        promoted = _fill_free_places(event)
    if changed:
        audit.record(
            actor.id,
            "event.update",
            "event",
            event.id,
            before={k: before[k] for k in changed if k in before},
            after={k: _audit_value(getattr(event, k)) for k in changed if k in before},
        )
    for registration in promoted:
        _notify(registration, promoted=True)
    update = EventUpdate(changed, warnings)
    if changed & CALENDAR_FIELDS and event.status == EventStatus.PUBLISHED.value:
        update.calendars_updated = True
        update.told = _tell_registrants(event, skip={r.id for r in promoted}, was=was)
    return update


def _audit_value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _tell_registrants(
    event: Event, skip: set[int] = frozenset(), was: notifications.WhenAndWhere | None = None
) -> int:
    """One message to each person registered or waiting: the change, and the new calendar."""
    registrations = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status.in_(LIVE_STATUSES)
        )
    ).all()
    told = 0
    for registration in registrations:
        if registration.id not in skip and _notify(registration, event_changed=True, was=was):
            told += 1
    return told


def publish_event(event: Event, actor: User) -> None:
    lock(event)  # the lock registrations take: they see the event published, or wait
    if event.status == EventStatus.PUBLISHED.value:
        return
    if event.status == EventStatus.CANCELLED.value:
        raise EventInvalid("A cancelled event cannot be published again: add a new one")
    _refuse_outside_releases(event)
    apply_event_changes(event, {"status": EventStatus.PUBLISHED.value})
    audit.record(actor.id, "event.publish", "event", event.id)


def cancel_event(event: Event, actor: User) -> int:
    """Cancel the event: it stays in feeds as cancelled, and everyone registered is told, with
    a METHOD:CANCEL that takes it out of their calendar. Returns how many people were told.

    Under the event's lock, so a registration racing the cancellation either came first (and
    its holder is among those told) or sees the event cancelled and is refused. Nobody on the
    waiting list is promoted: there is nothing to promote them to. All of it (status, audit,
    every message) is one unit of work: a failure halfway leaves the event as it was."""
    lock(event)
    if event.status == EventStatus.CANCELLED.value:
        return 0
    was_public = event.status == EventStatus.PUBLISHED.value
    if was_public:
        _refuse_outside_releases(event)
    apply_event_changes(event, {"status": EventStatus.CANCELLED.value})
    audit.record(actor.id, "event.cancel", "event", event.id)
    return _tell_registrants(event) if was_public else 0


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
            counts[event.id].get("confirmed", 0) + counts[event.id].get("attended", 0),
            counts[event.id].get("waitlisted", 0),
        )
        for event in events
    ]


def conferences_of(edition: Edition) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.edition_id == edition.id, Event.kind == "conference")
            .order_by(Event.starts_at)
        )
    )


def live_registrations_for(event_ids: list[int]) -> list[tuple[Registration, User, Event]]:
    """Everyone registered or waiting for these events, with the person and the event."""
    if not event_ids:
        return []
    return [
        tuple(row)
        for row in db.session.execute(
            select(Registration, User, Event)
            .join(User, User.id == Registration.person_id)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.event_id.in_(event_ids), Registration.status.in_(LIVE_STATUSES))
            .order_by(User.id, Event.starts_at)
        )
    ]


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


def event_local_date(event: Event) -> date:
    """The day an event starts on, in its edition's zone."""
    edition = get_edition_by_id(event.edition_id)
    return local_date(event.starts_at, edition.timezone if edition else None)


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


def event_hosts(event: Event) -> list[EventHost]:
    return list(
        db.session.scalars(
            select(EventHost).where(EventHost.event_id == event.id).order_by(EventHost.position)
        )
    )


# --- organisers: who is coming ---------------------------------------------------------------


class AssistedContactMissing(DomainError):
    field = "email"


@dataclass
class AccessSummary:
    """What to book (interpreters, captioners, ...): how many asked for each need, and who."""

    counts: list[tuple[str, int]]
    people: list[Registration]


def check_in_list(event: Event) -> list[tuple[Registration, str]]:
    """The people expected in the room: a place, and not taking part online."""
    return [
        (registration, email)
        for registration, email in event_registrations(event)
        if registration.status in HOLDING_A_PLACE and registration.attendance != "online"
    ]


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


def event_registrations(event: Event) -> list[tuple[Registration, str]]:
    """Everyone registered for the event with their email ('' if none), in one query."""
    rows = db.session.execute(
        select(Registration, User.email)
        .outerjoin(User, User.id == Registration.person_id)
        .where(Registration.event_id == event.id)
        .order_by(Registration.status, Registration.queued_at, Registration.id)
    ).all()
    return [(registration, email or "") for registration, email in rows]


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


def get_registration(registration_id: int) -> Registration | None:
    return db.session.get(Registration, registration_id)


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


# --- the day-before reminder ------------------------------------------------------------------


def _reminder_window_end(now: datetime, zone_name: str) -> datetime:
    """The end of tomorrow in the given zone, as UTC."""
    tomorrow = local_date(now, zone_name) + timedelta(days=1)
    return from_local(datetime.combine(tomorrow, time(23, 59, 59)), zone_name)


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
    conference = aliased(Registration)
    workshop_event = aliased(Event)
    covered = (
        select(conference.id)
        .where(
            conference.person_id == Registration.person_id,
            conference.event_id == workshop_event.parent_id,
            workshop_event.id == Registration.event_id,
            conference.status.in_(HOLDING_A_PLACE),
        )
        .exists()
    )
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
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.reminded_at.is_(None))
            .values(reminded_at=now, updated_at=Registration.updated_at)
        ).rowcount
        if not claimed:
            continue  # another run took it
        registration = db.session.get(Registration, registration_id)
        if _notify(registration, reminder=True):
            sent += 1
    return sent


# --- organisers: editions -----------------------------------------------------------------------


@dataclass
class EditionDetails:
    year: int
    theme: str
    starts_on: date
    ends_on: date
    summary: str = ""
    status: str = EditionStatus.DRAFT.value


class EditionInvalid(DomainError):
    pass


def save_edition(details: EditionDetails, actor: User, edition: Edition | None = None) -> Edition:
    """Create an edition, or change one. Its events keep their times when its dates move."""
    if details.ends_on < details.starts_on:
        raise EditionInvalid("The last day must be on or after the first day", "ends_on")
    if not 2000 <= details.year <= 2200:
        raise EditionInvalid("Enter a year between 2000 and 2200", "year")
    clash = db.session.scalar(
        select(Edition.id).where(
            Edition.year == details.year, Edition.id != (edition.id if edition else -1)
        )
    )
    if clash:
        raise EditionInvalid(f"There is already a Co-production Week {details.year}", "year")
    creating = edition is None
    if creating:
        edition = Edition(timezone=current_app.config["CPWEEK_TIMEZONE"])
        db.session.add(edition)
    for name in ("year", "theme", "starts_on", "ends_on", "summary", "status"):
        setattr(edition, name, getattr(details, name))
    try:
        db.session.flush()
    except IntegrityError:
        # The same year saved by someone else a moment ago. The failed flush spoilt the
        # transaction, and the refusal discards it anyway.
        db.session.rollback()
        raise EditionInvalid(
            f"There is already a Co-production Week {details.year}", "year"
        ) from None
    audit.record(
        actor.id,
        "edition.create" if creating else "edition.update",
        "edition",
        edition.id,
        after={"year": edition.year, "theme": edition.theme, "status": edition.status},
    )
    return edition
