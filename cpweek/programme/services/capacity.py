"""Places: how many are taken and left at an event, in each pool (a hybrid event keeps its
room's places and its online places apart), and whether a new number of places still fits
everyone who holds one. Reading only: changing places is in `events` and `waitlist`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, true

from cpweek.extensions import db
from cpweek.programme.models import (
    HOLDING_A_PLACE,
    IN_PERSON,
    ONLINE,
    Event,
    EventFormat,
    Registration,
)
from cpweek.programme.services.errors import CapacityTooLow
from cpweek.timezones import utcnow


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


def _all_pools(pools: list[int | None]) -> int | None:
    """Places left in several pools together; None (unlimited) when any pool has no limit."""
    limited = [pool for pool in pools if pool is not None]
    return sum(limited) if len(limited) == len(pools) else None


def total_places_left(event: Event) -> int | None:
    """All the event's free places (a hybrid event's pools added up); None: unlimited."""
    return _all_pools(list(places_by_mode(event).values()))


def has_ended(event: Event, now: datetime | None = None) -> bool:
    """Whether the event is over (its end has come). No public page shows the places of an
    event that has ended: there is nothing left to take. Organisers' pages keep their counts."""
    return event.ends_at <= (now or utcnow())


@dataclass(frozen=True)
class EventPlaces:
    """What an event's own page says about places."""

    total: int | None  # all its free places, a hybrid event's pools added up; None: no limit
    by_mode: dict[str, int | None] | None  # a hybrid event's pools ({'in_person': n, ...})

    @property
    def full(self) -> bool:
        return self.total == 0


def event_page_places(event: Event, now: datetime | None = None) -> EventPlaces | None:
    """The places an event's page shows, in one query; None once the event has ended (see
    `has_ended`): the page then has no places line at all."""
    if has_ended(event, now):
        return None
    pools = places_by_mode(event)
    return EventPlaces(_all_pools(list(pools.values())), pools if event.is_hybrid else None)


def places_left_for(events: list[Event]) -> dict[int, int | None]:
    """Places left at each event still to come (None: unlimited; a hybrid event's pools added
    up), in one query whatever their number; events that have started (so also every one that
    has ended, see `has_ended`) or are cancelled are left out: places mean nothing there. A
    list shows places only for the events it has a number for, and an event line's cached
    piece is keyed by that number or its absence, so the line changes when the event starts."""
    now = utcnow()
    upcoming = [e for e in events if e.starts_at > now and not e.is_cancelled]
    taken = taken_by_mode(upcoming)
    return {
        event.id: _all_pools(
            [places_left(event, mode, taken[(event.id, mode)]) for mode in event.attendance_modes]
        )
        for event in upcoming
    }


def in_pool(event: Event, mode: str) -> ColumnElement[bool]:
    """SQL condition: registrations in this pool of places (all of them for most events)."""
    if not event.is_hybrid:
        return true()
    # Registrations from before hybrid pools existed count as in person.
    return Registration.attendance.in_([mode, ""] if mode == IN_PERSON else [mode])


def _taken_after_format(event: Event, new_format: str) -> dict[str, int]:
    """Places taken per pool as they would be counted once the event has `new_format`: a
    hybrid event keeps online places apart; any other format counts everyone together."""
    rows = db.session.execute(
        select(Registration.attendance, func.count())
        .where(Registration.event_id == event.id, Registration.status.in_(HOLDING_A_PLACE))
        .group_by(Registration.attendance)
    ).all()
    by_attendance: dict[str, int] = {attendance: number for attendance, number in rows}
    total = sum(by_attendance.values())
    if new_format != EventFormat.HYBRID.value:
        return {"": total}
    online = by_attendance.get(ONLINE, 0)
    return {IN_PERSON: total - online, ONLINE: online}


def check_new_capacity(
    event: Event, capacity: int | None, mode: str, field: str, new_format: str | None = None
) -> None:
    """Refuse fewer places than people already holding one in that pool (under the format
    the event is about to have)."""
    pools = _taken_after_format(event, new_format or event.format)
    taken = pools.get(mode if len(pools) > 1 else "", 0)
    if capacity is not None and capacity < taken:
        where = {IN_PERSON: " in person", ONLINE: " online"}.get(mode, "")
        raise CapacityTooLow(
            f"{taken} people already have a place{where}, so there must be at least {taken} "
            "places. To take places away, cancel registrations first.",
            field,
        )
