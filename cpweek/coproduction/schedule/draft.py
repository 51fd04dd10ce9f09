"""The schedule draft: organisers place, move and cancel sessions in `DraftSlot` rows over the
events, and add breaks to conferences. Nothing here reaches the public programme or anyone's
calendar; a release does (`releases`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select

from cpweek import audit
from cpweek.auth.models import Role, User
from cpweek.coproduction.models import DraftSlot
from cpweek.coproduction.schedule.errors import ScheduleError
from cpweek.extensions import db
from cpweek.programme.models import Edition, Event, EventBreak, EventKind, EventStatus
from cpweek.timezones import format_date, format_time_range, local_date


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


def describe(item: Placed, zone: str) -> str:
    """When and where a session is, as conflicts and the change log say it."""
    where = f", {item.track}" if item.track else ""
    return (
        f"{format_date(local_date(item.starts_at, zone))} "
        f"{format_time_range(item.starts_at, item.ends_at, zone)}{where}"
    )


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


def require_organiser(by: User) -> None:
    if not by.has_role(Role.ORGANISER):
        raise ScheduleError("Only organisers change the schedule draft")


def place(event: Event, starts_at: datetime, ends_at: datetime, track: str, by: User) -> None:
    """Put an event at a time and in a room or stream, in the draft."""
    require_organiser(by)
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
    require_organiser(by)
    if event.status != EventStatus.PUBLISHED:
        raise ScheduleError("Only a published event can be cancelled by a release", "event_id")
    slot = _slot_for(event)
    slot.cancel, slot.updated_by_id = True, by.id
    db.session.flush()
    audit.record(by.id, "schedule.cancel_drafted", "event", event.id)


def undo(event: Event, by: User) -> None:
    """Forget the draft's change to an event."""
    require_organiser(by)
    db.session.execute(delete(DraftSlot).where(DraftSlot.event_id == event.id))
    audit.record(by.id, "schedule.draft_undone", "event", event.id)


def add_break(
    conference: Event, starts_at: datetime, ends_at: datetime, label: str, by: User
) -> EventBreak:
    require_organiser(by)
    if conference.kind != EventKind.CONFERENCE:
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
