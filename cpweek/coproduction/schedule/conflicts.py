"""What stops the schedule draft being released, one small checker per kind of conflict: a
host in two sessions at once, two sessions in one room or stream at once, a session outside
the week, a session when its presenters said they cannot present, a workshop outside (or
cancelled with) its conference, a workshop across its conference's break.

A conflict is known by its kind and the ids of the events in it (`Conflict.key`), not by its
words: a release prepared despite conflicts stores their keys, so retitling an event does
not make an overridden conflict look new.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from sqlalchemy import select

from cpweek.coproduction.models import Proposal
from cpweek.coproduction.schedule.draft import Placed, describe, draft
from cpweek.extensions import db
from cpweek.programme.models import Edition, EventBreak, EventHost
from cpweek.timezones import format_date, format_time_range, local_date

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

    @property
    def key(self) -> dict:
        """What an override matches (stored as JSON): the kind and the sorted event ids."""
        return {"kind": self.kind, "event_ids": sorted(self.event_ids)}


@dataclass
class Board:
    """The draft a checker looks at: every placed session, and the ones not cancelled."""

    edition: Edition
    placed: list[Placed]

    @cached_property
    def live(self) -> list[Placed]:
        return [item for item in self.placed if not item.cancelled]

    @cached_property
    def live_ids(self) -> list[int]:
        return [item.event.id for item in self.live]

    def when(self, item: Placed) -> str:
        return describe(item, self.edition.timezone)

    def overlapping_pairs(self) -> Iterator[tuple[Placed, Placed]]:
        """Live sessions that overlap, leaving out a conference and its own workshops (they
        run at the same time by design)."""
        for index, a in enumerate(self.live):
            for b in self.live[index + 1 :]:
                related = a.event.parent_id == b.event.id or b.event.parent_id == a.event.id
                if not related and _overlap(a.starts_at, a.ends_at, b.starts_at, b.ends_at):
                    yield a, b


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def host_conflicts(board: Board) -> Iterator[Conflict]:
    hosts: dict[int, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for host in db.session.scalars(select(EventHost).where(EventHost.event_id.in_(board.live_ids))):
        key = (
            f"person:{host.person_id}"
            if host.person_id
            else (f"email:{host.email.lower()}" if host.email else f"name:{host.name.lower()}")
        )
        hosts[host.event_id].add(key)
        names[key] = host.name
    for a, b in board.overlapping_pairs():
        for key in sorted(hosts[a.event.id] & hosts[b.event.id]):
            yield Conflict(
                "host",
                f"{names[key]} hosts “{a.event.title}” and “{b.event.title}”, which "
                f"overlap ({board.when(a)}).",
                (a.event.id, b.event.id),
            )


def room_conflicts(board: Board) -> Iterator[Conflict]:
    for a, b in board.overlapping_pairs():
        if a.track and a.track == b.track:
            yield Conflict(
                "room",
                f"“{a.event.title}” and “{b.event.title}” are both in {a.track} at once "
                f"({board.when(a)}).",
                (a.event.id, b.event.id),
            )


def outside_conflicts(board: Board) -> Iterator[Conflict]:
    edition, zone = board.edition, board.edition.timezone
    for item in board.live:
        first, last = local_date(item.starts_at, zone), local_date(item.ends_at, zone)
        if first < edition.starts_on or last > edition.ends_on:
            yield Conflict(
                "outside",
                f"“{item.event.title}” ({board.when(item)}) is outside the week "
                f"({format_date(edition.starts_on)} to {format_date(edition.ends_on)}).",
                (item.event.id,),
            )


def unavailable_conflicts(board: Board) -> Iterator[Conflict]:
    by_event = {item.event.id: item for item in board.live}
    unavailable = db.session.execute(
        select(Proposal.event_id, Proposal.unavailable).where(Proposal.event_id.in_(list(by_event)))
    ).all()
    for event_id, ranges in unavailable:
        item = by_event[event_id]
        for rng in ranges or []:
            starts, ends = (
                datetime.fromisoformat(rng["starts"]),
                datetime.fromisoformat(rng["ends"]),
            )
            if _overlap(item.starts_at, item.ends_at, starts, ends):
                yield Conflict(
                    "unavailable",
                    f"“{item.event.title}” ({board.when(item)}) is when its presenters said "
                    f"they cannot present ({rng['text']}).",
                    (item.event.id,),
                )


def parent_conflicts(board: Board) -> Iterator[Conflict]:
    by_id = {item.event.id: item for item in board.placed}
    for item in board.live:
        parent = by_id.get(item.event.parent_id) if item.event.parent_id else None
        if parent is None:
            continue
        if parent.cancelled:
            yield Conflict(
                "parent",
                f"“{item.event.title}” is a workshop of “{parent.event.title}”, which "
                "the draft cancels: cancel or move the workshop too.",
                (item.event.id, parent.event.id),
            )
        elif item.starts_at < parent.starts_at or item.ends_at > parent.ends_at:
            yield Conflict(
                "parent",
                f"“{item.event.title}” ({board.when(item)}) is outside its conference "
                f"“{parent.event.title}” ({board.when(parent)}).",
                (item.event.id, parent.event.id),
            )


def break_conflicts(board: Board) -> Iterator[Conflict]:
    zone = board.edition.timezone
    parents = {item.event.parent_id for item in board.live if item.event.parent_id}
    breaks = db.session.scalars(select(EventBreak).where(EventBreak.event_id.in_(parents)))
    for pause in breaks:
        for item in board.live:
            if item.event.parent_id == pause.event_id and _overlap(
                item.starts_at, item.ends_at, pause.starts_at, pause.ends_at
            ):
                yield Conflict(
                    "break",
                    f"“{item.event.title}” runs into the conference's {pause.label.lower()} "
                    f"({format_time_range(pause.starts_at, pause.ends_at, zone)}).",
                    (item.event.id,),
                )


CHECKERS: tuple[Callable[[Board], Iterator[Conflict]], ...] = (
    host_conflicts,
    room_conflicts,
    outside_conflicts,
    unavailable_conflicts,
    parent_conflicts,
    break_conflicts,
)


def conflicts(edition: Edition, placed: list[Placed] | None = None) -> list[Conflict]:
    """Every conflict of the draft (or of `placed`, the draft already read), kind by kind."""
    board = Board(edition, placed if placed is not None else draft(edition)[0])
    return [conflict for check in CHECKERS for conflict in check(board)]
