"""Organisers' events: describing one (details, hosts, web address), creating and changing
it, publishing and cancelling it, and changing its places. A change of time, place or status
raises the event's SEQUENCE and tells everyone registered; every change is announced with
`signals.event_changed` for whoever listens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from cpweek import audit, signals
from cpweek.auth import services as auth_services
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.programme import easy_read, notifications
from cpweek.programme.models import (
    IN_PERSON,
    MAX_ID,
    ONLINE,
    Edition,
    Event,
    EventFormat,
    EventHost,
    EventKind,
    EventStatus,
    Registration,
)
from cpweek.programme.services.capacity import check_new_capacity
from cpweek.programme.services.errors import EventInvalid
from cpweek.programme.services.notify import notify, tell_registrants
from cpweek.programme.services.registration import clean_needs
from cpweek.programme.services.waitlist import fill_free_places
from cpweek.timezones import format_date, local_date, utcnow


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


@dataclass
class EventUpdate:
    changed: set[str]
    warnings: list[str]
    calendars_updated: bool = False  # registrants were told, with a new invitation
    told: int = 0


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

# A change to any of these moves people's diaries, so calendars must replace their copy.
CALENDAR_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue", "format", "online_platform", "status", "track"}
)


def get_event(event_id: int) -> Event | None:
    return db.session.get(Event, event_id)


def event_hosts(event: Event) -> list[EventHost]:
    return list(
        db.session.scalars(
            select(EventHost).where(EventHost.event_id == event.id).order_by(EventHost.position)
        )
    )


def conferences_of(edition: Edition) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.edition_id == edition.id, Event.kind == EventKind.CONFERENCE.value)
            .order_by(Event.starts_at)
        )
    )


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
    if details.online_capacity is not None and details.format != EventFormat.HYBRID.value:
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


def _set_changes(event: Event, changes: dict[str, Any]) -> set[str]:
    changed = {name for name, value in changes.items() if getattr(event, name) != value}
    for name in changed:
        setattr(event, name, changes[name])
    if changed & CALENDAR_FIELDS:
        event.sequence += 1
    return changed


def _announce(event: Event, changed: set[str]) -> None:
    if changed:
        signals.event_changed.send(event, changed=changed)


def apply_event_changes(event: Event, changes: dict[str, Any]) -> set[str]:
    """Set `changes` on `event` (not committed); returns the fields that really changed.

    SEQUENCE goes up once when time, place or status changed, so calendar apps that hold the
    event replace it instead of keeping the old time.
    """
    changed = _set_changes(event, changes)
    _announce(event, changed)
    return changed


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
    event.access_offer = clean_needs(details.access_offer)
    db.session.add(event)
    db.session.flush()
    _replace_hosts(event, details)
    audit.record(actor.id, "event.create", "event", event.id, after={"title": event.title})
    return event, warnings


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
    edition = db.session.get_one(Edition, event.edition_id)
    warnings = _check_details(edition, details, event)
    if event.status == EventStatus.PUBLISHED.value:
        moving = {
            name
            for name in CALENDAR_FIELDS & set(SIMPLE_FIELDS)
            if getattr(event, name) != getattr(details, name)
        }
        if moving:
            _refuse_outside_releases(event)
    check_new_capacity(event, details.capacity, IN_PERSON, "capacity", details.format)
    if details.format == EventFormat.HYBRID.value:
        check_new_capacity(
            event, details.online_capacity, ONLINE, "online_capacity", details.format
        )
    changes = {name: getattr(details, name) for name in SIMPLE_FIELDS}
    changes["access_offer"] = clean_needs(details.access_offer)
    before = {name: _audit_value(getattr(event, name)) for name in changes}
    was = notifications.when_and_where(event, edition)  # for "Was ... Now ..." in the mail
    changed = _set_changes(event, changes)
    new_hosts = [(h.name, h.email) for h in details.hosts]
    if new_hosts != [(h.name, h.email) for h in event_hosts(event)]:
        _replace_hosts(event, details)
        changed.add("hosts")
    promoted: list[Registration] = []
    for name in ("capacity", "online_capacity"):
        if getattr(details, name) != getattr(event, name):
            setattr(event, name, getattr(details, name))
            changed.add(name)
    if changed & {"capacity", "online_capacity", "format"}:
        promoted = fill_free_places(event)
    if changed:
        audit.record(
            actor.id,
            "event.update",
            "event",
            event.id,
            before={k: before[k] for k in changed if k in before},
            after={k: _audit_value(getattr(event, k)) for k in changed if k in before},
        )
    _announce(event, changed)
    for registration in promoted:
        notify(registration, promoted=True)
    update = EventUpdate(changed, warnings)
    if changed & CALENDAR_FIELDS and event.status == EventStatus.PUBLISHED.value:
        update.calendars_updated = True
        update.told = tell_registrants(event, skip={r.id for r in promoted}, was=was)
    return update


def _audit_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def set_capacity(
    event: Event, capacity: int | None, online_capacity: int | None = None
) -> list[Registration]:
    """Change how many places there are (a hybrid event's online places too); more places go
    to the waiting list straight away."""
    lock(event)
    check_new_capacity(event, capacity, IN_PERSON, "capacity")
    if event.is_hybrid:
        check_new_capacity(event, online_capacity, ONLINE, "online_capacity")
        event.online_capacity = online_capacity
    event.capacity = capacity
    promoted = fill_free_places(event)
    for person in promoted:
        notify(person, promoted=True)
    return promoted


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
    return tell_registrants(event) if was_public else 0


def set_recording_url(event: Event, url: str) -> bool:
    """Point the event at its recording's public page (what its calendar entry then offers as
    "Watch again"); True when that changed anything.

    A description change (RFC 5545 3.8.7.4): LAST-MODIFIED moves (updated_at; so every feed's
    ETag changes and subscribed calendars fetch the new text), SEQUENCE does not, since nothing
    about the time, place or status moved, and nobody is sent a new invitation for it."""
    if len(url) > 500 or not url.startswith(("https://", "http://")):
        raise EventInvalid("A recording's address must be a full web address", "recording_url")
    if event.recording_url == url:
        return False
    event.recording_url = url
    event.updated_at = utcnow()  # named, not left to onupdate: LAST-MODIFIED must move
    _announce(event, {"recording_url"})
    return True
