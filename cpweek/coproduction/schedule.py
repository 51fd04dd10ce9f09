"""The schedule draft and its releases.

Organisers place, move and cancel sessions in a draft (`DraftSlot` rows over the events);
nothing reaches the public programme or anyone's calendar until a release publishes the draft.
A release lists the changes (added, moved, cancelled, changed), is refused while conflicts
remain unless a reason to override them is recorded, and is published once a co-producer and
an organiser have both signed it off. Publishing applies the draft to the events (SEQUENCE goes
up, so subscribed calendars update) and sends each registered person one message for all the
changes that touch them, with the new invitation and any withdrawal attached.

Nothing here commits: publishing, the changed events, the sign-off, the audit entries and every
person's message are saved together by the request, or none of them is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree

from sqlalchemy import delete, func, select

from cpweek import audit
from cpweek.auth.models import Role, User
from cpweek.coproduction.models import DraftSlot, Proposal, Release, SignOff
from cpweek.errors import DomainError
from cpweek.extensions import db
from cpweek.locks import lock, lock_rows
from cpweek.mail import Attachment, queue_mail, render_mail
from cpweek.perspectives import both_agreed, perspective_of
from cpweek.programme import calendar, notifications
from cpweek.programme import services as programme
from cpweek.programme.models import (
    HOLDING_A_PLACE,
    Edition,
    Event,
    EventBreak,
    EventHost,
    EventStatus,
)
from cpweek.timezones import format_date, format_time_range, local_date, utcnow
from cpweek.urls import absolute_url

SIGNERS = (Role.CO_PRODUCER, Role.ORGANISER)


class ScheduleError(DomainError):
    pass


class ReleaseOutdated(ScheduleError):
    """Signing off found the draft moved on: the release is marked outdated (that is kept,
    though the sign-off is refused), so nobody can sign it off again."""


# --- the draft ----------------------------------------------------------------------------


@dataclass
class Placed:
    """An event as the draft has it: its own times, or the draft's."""

    event: Event
    starts_at: datetime
    ends_at: datetime
    track: str
    cancelled: bool
    slot: DraftSlot | None

    @property
    def adding(self) -> bool:
        return self.event.status == EventStatus.DRAFT and self.slot is not None

    @property
    def moved(self) -> bool:
        return (
            self.slot is not None
            and not self.adding
            and ((self.starts_at, self.ends_at) != (self.event.starts_at, self.event.ends_at))
        )


def draft(edition: Edition) -> tuple[list[Placed], list[Event]]:
    """Every event of the edition as the draft places it (cancelled ones that stay cancelled
    left out), and the draft events not yet placed. Two queries."""
    events = list(
        db.session.scalars(
            select(Event).where(Event.edition_id == edition.id).order_by(Event.starts_at, Event.id)
        )
    )
    slots = {
        slot.event_id: slot
        for slot in db.session.scalars(
            select(DraftSlot).where(DraftSlot.event_id.in_([e.id for e in events]))
        )
    }
    placed, unplaced = [], []
    for event in events:
        slot = slots.get(event.id)
        if event.status == EventStatus.DRAFT and slot is None:
            unplaced.append(event)
            continue
        if event.status == EventStatus.CANCELLED:
            continue
        placed.append(
            Placed(
                event,
                slot.starts_at if slot else event.starts_at,
                slot.ends_at if slot else event.ends_at,
                slot.track if slot else event.track,
                bool(slot and slot.cancel),
                slot,
            )
        )
    placed.sort(key=lambda item: (item.starts_at, item.track, item.event.id))
    return placed, unplaced


def _slot_for(event: Event) -> DraftSlot:
    slot = db.session.scalar(select(DraftSlot).where(DraftSlot.event_id == event.id))
    if slot is None:
        slot = DraftSlot(
            event_id=event.id,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            track=event.track,
            cancel=False,
        )
        db.session.add(slot)
    return slot


def _require_organiser(by: User) -> None:
    if not by.has_role(Role.ORGANISER):
        raise ScheduleError("Only organisers change the schedule draft")


def place(event: Event, starts_at: datetime, ends_at: datetime, track: str, by: User) -> None:
    """Put an event at a time and in a room or stream, in the draft."""
    _require_organiser(by)
    if event.status == EventStatus.CANCELLED:
        raise ScheduleError("That event is cancelled: it cannot be placed", "event_id")
    if ends_at <= starts_at:
        raise ScheduleError("The end must be after the start", "end")
    slot = _slot_for(event)
    before = {"starts_at": slot.starts_at.isoformat(), "track": slot.track}
    slot.starts_at, slot.ends_at, slot.track = starts_at, ends_at, track.strip()[:100]
    slot.cancel = False
    slot.updated_by_id = by.id
    db.session.flush()
    audit.record(
        by.id,
        "schedule.placed",
        "event",
        event.id,
        before=before,
        after={"starts_at": starts_at.isoformat(), "track": slot.track},
    )


def cancel_in_draft(event: Event, by: User) -> None:
    _require_organiser(by)
    if event.status != EventStatus.PUBLISHED:
        raise ScheduleError("Only a published event can be cancelled by a release", "event_id")
    slot = _slot_for(event)
    slot.cancel, slot.updated_by_id = True, by.id
    db.session.flush()
    audit.record(by.id, "schedule.cancel_drafted", "event", event.id)


def undo(event: Event, by: User) -> None:
    """Forget the draft's change to an event."""
    _require_organiser(by)
    db.session.execute(delete(DraftSlot).where(DraftSlot.event_id == event.id))
    audit.record(by.id, "schedule.draft_undone", "event", event.id)


def add_break(
    conference: Event, starts_at: datetime, ends_at: datetime, label: str, by: User
) -> EventBreak:
    _require_organiser(by)
    if conference.kind != "conference":
        raise ScheduleError("Breaks belong to a conference", "conference_id")
    if ends_at <= starts_at:
        raise ScheduleError("The break must end after it starts", "end")
    pause = EventBreak(
        event_id=conference.id,
        starts_at=starts_at,
        ends_at=ends_at,
        label=label.strip()[:100] or "Break",
    )
    db.session.add(pause)
    db.session.flush()
    audit.record(
        by.id,
        "schedule.break_added",
        "event",
        conference.id,
        after={"starts_at": starts_at.isoformat(), "label": pause.label},
    )
    return pause


# --- conflicts ----------------------------------------------------------------------------


CONFLICT_LABELS = {
    "host": "Host",
    "room": "Room",
    "outside": "Outside the week",
    "unavailable": "Presenters unavailable",
    "break": "Break",
    "parent": "Conference",
}


@dataclass(frozen=True)
class Conflict:
    kind: str  # a key of CONFLICT_LABELS
    message: str
    event_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return CONFLICT_LABELS[self.kind]


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _related(a: Event, b: Event) -> bool:
    """A conference and its own workshops run at the same time by design."""
    return a.parent_id == b.id or b.parent_id == a.id


def conflicts(edition: Edition, placed: list[Placed] | None = None) -> list[Conflict]:
    """What stops the draft being released: a host in two sessions at once, two sessions in
    one room or stream at once, a session outside the week, a session when its presenters
    said they cannot present, a workshop across its conference's break."""
    placed = placed if placed is not None else draft(edition)[0]
    live = [item for item in placed if not item.cancelled]
    ids = [item.event.id for item in live]
    zone = edition.timezone
    found: list[Conflict] = []

    def when(item: Placed) -> str:
        return _describe(item, zone)

    hosts: dict[int, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for host in db.session.scalars(select(EventHost).where(EventHost.event_id.in_(ids))):
        key = (
            f"person:{host.person_id}"
            if host.person_id
            else (f"email:{host.email.lower()}" if host.email else f"name:{host.name.lower()}")
        )
        hosts[host.event_id].add(key)
        names[key] = host.name
    for index, a in enumerate(live):
        for b in live[index + 1 :]:
            if not _overlap(a.starts_at, a.ends_at, b.starts_at, b.ends_at) or _related(
                a.event, b.event
            ):
                continue
            for key in sorted(hosts[a.event.id] & hosts[b.event.id]):
                found.append(
                    Conflict(
                        "host",
                        f"{names[key]} hosts “{a.event.title}” and “{b.event.title}”, which "
                        f"overlap ({when(a)}).",
                        (a.event.id, b.event.id),
                    )
                )
            if a.track and a.track == b.track:
                found.append(
                    Conflict(
                        "room",
                        f"“{a.event.title}” and “{b.event.title}” are both in {a.track} at once "
                        f"({when(a)}).",
                        (a.event.id, b.event.id),
                    )
                )
    for item in live:
        first, last = local_date(item.starts_at, zone), local_date(item.ends_at, zone)
        if first < edition.starts_on or last > edition.ends_on:
            found.append(
                Conflict(
                    "outside",
                    f"“{item.event.title}” ({when(item)}) is outside the week "
                    f"({format_date(edition.starts_on)} to {format_date(edition.ends_on)}).",
                    (item.event.id,),
                )
            )
    unavailable = db.session.execute(
        select(Proposal.event_id, Proposal.unavailable).where(Proposal.event_id.in_(ids))
    ).all()
    by_event = {item.event.id: item for item in live}
    for event_id, ranges in unavailable:
        item = by_event[event_id]
        for rng in ranges or []:
            starts, ends = (
                datetime.fromisoformat(rng["starts"]),
                datetime.fromisoformat(rng["ends"]),
            )
            if _overlap(item.starts_at, item.ends_at, starts, ends):
                found.append(
                    Conflict(
                        "unavailable",
                        f"“{item.event.title}” ({when(item)}) is when its presenters said they "
                        f"cannot present ({rng['text']}).",
                        (item.event.id,),
                    )
                )
    by_id = {item.event.id: item for item in placed}
    for item in live:
        parent = by_id.get(item.event.parent_id) if item.event.parent_id else None
        if parent is None:
            continue
        if parent.cancelled:
            found.append(
                Conflict(
                    "parent",
                    f"“{item.event.title}” is a workshop of “{parent.event.title}”, which "
                    "the draft cancels: cancel or move the workshop too.",
                    (item.event.id, parent.event.id),
                )
            )
        elif item.starts_at < parent.starts_at or item.ends_at > parent.ends_at:
            found.append(
                Conflict(
                    "parent",
                    f"“{item.event.title}” ({when(item)}) is outside its conference "
                    f"“{parent.event.title}” ({when(parent)}).",
                    (item.event.id, parent.event.id),
                )
            )
    parents = {item.event.parent_id for item in live if item.event.parent_id}
    breaks = list(db.session.scalars(select(EventBreak).where(EventBreak.event_id.in_(parents))))
    for pause in breaks:
        for item in live:
            if item.event.parent_id == pause.event_id and _overlap(
                item.starts_at, item.ends_at, pause.starts_at, pause.ends_at
            ):
                found.append(
                    Conflict(
                        "break",
                        f"“{item.event.title}” runs into the conference's {pause.label.lower()} "
                        f"({format_time_range(pause.starts_at, pause.ends_at, zone)}).",
                        (item.event.id,),
                    )
                )
    return found


# --- the grid -----------------------------------------------------------------------------


@dataclass
class Day:
    day: date
    tracks: list[str]
    rows: list[Placed] = field(default_factory=list)

    def in_track(self, track: str) -> list[Placed]:
        return [item for item in self.rows if item.track == track]


def grid(edition: Edition, placed: list[Placed]) -> list[Day]:
    """The draft by day, with a column per room or stream ("" for sessions with none)."""
    days: dict[date, Day] = {}
    for item in placed:
        day = local_date(item.starts_at, edition.timezone)
        entry = days.setdefault(day, Day(day, []))
        entry.rows.append(item)
        if item.track not in entry.tracks:
            entry.tracks.append(item.track)
    for entry in days.values():
        entry.tracks.sort(key=lambda track: (track == "", track.lower()))
    return [days[day] for day in sorted(days)]


# --- releases -----------------------------------------------------------------------------


def _describe(item: Placed, zone: str) -> str:
    where = f", {item.track}" if item.track else ""
    return (
        f"{format_date(local_date(item.starts_at, zone))} "
        f"{format_time_range(item.starts_at, item.ends_at, zone)}{where}"
    )


def pending_changes(edition: Edition, placed: list[Placed] | None = None) -> list[dict]:
    """What releasing the draft now would change, as the change log will show it."""
    placed = placed if placed is not None else draft(edition)[0]
    zone = edition.timezone
    changes = []
    for item in placed:
        if item.slot is None:
            continue
        event = item.event
        was = Placed(event, event.starts_at, event.ends_at, event.track, False, None)
        if item.cancelled:
            kind = "cancelled"
        elif item.adding:
            kind = "added"
        elif item.moved:
            kind = "moved"
        elif item.track != event.track:
            kind = "changed"
        else:
            continue
        changes.append(
            {
                "kind": kind,
                "event_id": event.id,
                "title": event.title,
                "before": None if kind == "added" else _describe(was, zone),
                "after": None if kind == "cancelled" else _describe(item, zone),
                "starts_at": item.starts_at.isoformat(),
                "ends_at": item.ends_at.isoformat(),
                "track": item.track,
            }
        )
    return changes


def pending_release(edition: Edition) -> Release | None:
    return db.session.scalar(
        select(Release).where(Release.edition_id == edition.id, Release.status == "pending")
    )


def prepare_release(edition: Edition, by: User, override_reason: str = "") -> Release:
    """A release of the draft as it stands, waiting for sign-off. Refused with nothing to
    release, or with conflicts unless a reason to publish anyway is given (and recorded)."""
    _require_organiser(by)
    lock(edition)
    placed = draft(edition)[0]
    changes = pending_changes(edition, placed)
    if not changes:
        raise ScheduleError("The draft changes nothing: there is nothing to release.")
    found = conflicts(edition, placed)
    if found and not override_reason.strip():
        raise ScheduleError(
            f"{len(found)} conflict{'' if len(found) == 1 else 's'} remain. Resolve them, or "
            "give the reason to publish anyway (it is recorded).",
            "override_reason",
        )
    previous = pending_release(edition)
    if previous is not None:
        previous.status = "outdated"
    release = Release(
        edition_id=edition.id,
        status="pending",
        changes=changes,
        override_reason=override_reason.strip() if found else "",
        conflicts_overridden=[c.message for c in found],
        prepared_by_id=by.id,
    )
    db.session.add(release)
    db.session.flush()
    audit.record(
        by.id,
        "schedule.release_prepared",
        "release",
        release.id,
        after={
            "changes": len(changes),
            "override_reason": release.override_reason,
            "conflicts": release.conflicts_overridden,
        },
    )
    return release


def sign_offs(release: Release) -> list[tuple[SignOff, User]]:
    return list(
        db.session.execute(
            select(SignOff, User)
            .join(User, User.id == SignOff.user_id)
            .where(SignOff.release_id == release.id)
            .order_by(SignOff.signed_at, SignOff.id)
        ).all()
    )


def sign_off(release: Release, by: User) -> bool:
    """Sign a pending release off; True when this publishes it (a co-producer and an
    organiser have both signed). The draft must still be what was prepared."""
    if not by.has_role(*SIGNERS):
        raise ScheduleError("Only co-producers and organisers sign releases off")
    # Preparing and signing off queue on the edition's row: two people signing at once are
    # counted together, the release is published exactly once, and a new release prepared
    # meanwhile cannot outdate one being published.
    edition = lock(programme.get_edition_by_id(release.edition_id))
    db.session.refresh(release)
    if release.status != "pending":
        raise ScheduleError(f"This release is {release.status}: it cannot be signed off.")
    placed = draft(edition)[0]
    new_conflicts = [
        c.message
        for c in conflicts(edition, placed)
        if c.message not in release.conflicts_overridden
    ]
    if new_conflicts:
        release.status = "outdated"
        raise ReleaseOutdated(
            "A conflict appeared since this release was prepared (" + new_conflicts[0] + "): "
            "resolve it, or prepare the release again with a reason."
        )
    if _comparable(pending_changes(edition, placed)) != _comparable(release.changes):
        release.status = "outdated"
        raise ReleaseOutdated(
            "The draft has changed since this release was prepared: prepare it again."
        )
    perspective = perspective_of(by)
    if db.session.scalar(
        select(SignOff.id).where(SignOff.release_id == release.id, SignOff.user_id == by.id)
    ):
        raise ScheduleError("You have already signed this release off.")
    db.session.add(SignOff(release_id=release.id, user_id=by.id, perspective=perspective))
    db.session.flush()
    audit.record(
        by.id, "schedule.release_signed", "release", release.id, after={"perspective": perspective}
    )
    signed = set(
        db.session.scalars(select(SignOff.perspective).where(SignOff.release_id == release.id))
    )
    if not both_agreed(signed):
        return False
    people = _publish(release, edition, by)
    audit.record(
        by.id,
        "schedule.release_published",
        "release",
        release.id,
        after={"number": release.number, "changes": release.changes, "people_told": len(people)},
    )
    _send(people)
    return True


def _comparable(changes: list[dict]) -> list[tuple]:
    return sorted(
        (c["kind"], c["event_id"], c["starts_at"], c["ends_at"], c["track"]) for c in changes
    )


def _publish(release: Release, edition: Edition, by: User) -> dict:
    """Apply the draft to the events and collect, per person, what to tell them."""
    # The events' own lock, as registration and cancelling take it: nobody registers for an
    # event in the moment a release cancels or moves it without being told.
    lock_rows(Event, [change["event_id"] for change in release.changes])
    release.number = (
        db.session.scalar(
            select(func.coalesce(func.max(Release.number), 0)).where(
                Release.edition_id == edition.id
            )
        )
        + 1
    )
    release.status = "published"
    release.published_at = utcnow()
    touched: dict[int, str] = {}
    moves = notifications.Moves(edition)  # where events were, for "Was ... Now ..."
    for change in release.changes:
        event = db.session.get(Event, change["event_id"])
        moves.remember(event)
        if change["kind"] == "cancelled":
            programme.apply_event_changes(event, {"status": EventStatus.CANCELLED.value})
            touched[event.id] = "cancelled"
            continue
        values = {
            "starts_at": datetime.fromisoformat(change["starts_at"]),
            "ends_at": datetime.fromisoformat(change["ends_at"]),
            "track": change["track"],
        }
        if change["kind"] == "added":
            values["status"] = EventStatus.PUBLISHED.value
        programme.apply_event_changes(event, values)
        if change["kind"] in ("moved", "changed"):
            touched[event.id] = "changed"
    db.session.execute(
        delete(DraftSlot).where(DraftSlot.event_id.in_([c["event_id"] for c in release.changes]))
    )
    db.session.flush()
    return _messages_for(edition, touched, moves)


def _messages_for(
    edition: Edition, touched: dict[int, str], moves: notifications.Moves | None = None
) -> dict:
    """One message per person: every change that touches their registrations, together."""
    people: dict[int, dict] = {}
    for registration, person, event in programme.live_registrations_for(list(touched)):
        entry = people.setdefault(
            person.id, {"person": person, "changed": [], "cancelled": [], "waiting": []}
        )
        if registration.status in HOLDING_A_PLACE:
            entry[touched[event.id]].append(event)
        else:
            entry["waiting"].append(event)  # told, but no invitation: they hold no place
    for entry in people.values():
        entry["edition"] = edition
        entry["moves"] = moves
    return people


def _send(people: dict) -> int:
    sent = 0
    for entry in people.values():
        person, edition = entry["person"], entry["edition"]
        attachments = []
        for method, events in (("REQUEST", entry["changed"]), ("CANCEL", entry["cancelled"])):
            if events:
                body = calendar.build_calendar(
                    edition,
                    events,
                    join_urls={
                        e.id: e.join_url for e in events if e.join_url and method == "REQUEST"
                    },
                    name=f"Co-production Week {edition.year}",
                    method=method,
                    attendee=(person.email, person.name),
                    cancelled_for_reader=method == "CANCEL",
                )
                attachments.append(
                    Attachment(f"{method.lower()}.ics", f"text/calendar; method={method}", body)
                )
        text, html = render_mail(
            "schedule_changes",
            person=person,
            edition=edition,
            changed=entry["changed"],
            cancelled=entry["cancelled"],
            waiting=entry["waiting"],
            moves=entry.get("moves"),
            link=absolute_url("coproduction.changes", year=edition.year),
        )
        queue_mail(
            person.email, f"Changes to Co-production Week {edition.year}", text, html, attachments
        )
        sent += 1
    return sent


def releases(edition: Edition) -> list[Release]:
    """Published releases, newest first."""
    return list(
        db.session.scalars(
            select(Release)
            .where(Release.edition_id == edition.id, Release.status == "published")
            .order_by(Release.number.desc())
        )
    )


def get_release(release_id: int) -> Release | None:
    return db.session.get(Release, release_id)


KIND_WORDS = {"added": "Added", "moved": "Moved", "cancelled": "Cancelled", "changed": "Changed"}


def change_details(change: dict) -> str:
    """What a release did to a session, after its title, as the change log and its feed say
    it: where it was before and where it is now ("on" for a session that is new)."""
    before = change["before"] if change["kind"] not in ("added", "cancelled") else None
    words = f" (was {before})" if before else ""
    if change["after"]:
        words += f", {'on' if change['kind'] == 'added' else 'now'} {change['after']}"
    return words


def atom_feed(edition: Edition) -> bytes:
    """The change log as an Atom feed: one entry per release."""
    ns = "http://www.w3.org/2005/Atom"
    ElementTree.register_namespace("", ns)
    feed = ElementTree.Element(f"{{{ns}}}feed")
    page = absolute_url("coproduction.changes", year=edition.year)

    def add(parent, tag, text=None, **attrs):
        element = ElementTree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    published = releases(edition)
    add(feed, "title", f"Co-production Week {edition.year}: what changed")
    add(feed, "id", page)
    add(feed, "link", href=page)
    add(feed, "link", rel="self", href=absolute_url("coproduction.changes_feed", year=edition.year))
    updated = published[0].published_at if published else utcnow()
    add(feed, "updated", updated.isoformat())
    add(add(feed, "author"), "name", "Co-production Week")
    for release in published:
        entry = add(feed, "entry")
        add(entry, "title", f"Release {release.number}")
        add(entry, "id", f"{page}#release-{release.number}")
        add(entry, "link", href=f"{page}#release-{release.number}")
        add(entry, "updated", release.published_at.isoformat())
        lines = [
            f"{KIND_WORDS[c['kind']]}: {c['title']}{change_details(c)}" for c in release.changes
        ]
        add(entry, "content", "\n".join(lines), type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
