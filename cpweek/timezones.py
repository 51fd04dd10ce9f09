"""Time, in one place: store UTC, show the event's zone (Europe/London by default).

Instants are kept in the database as UTC (`UTCDateTime`) and are always timezone-aware in
Python. Forms take wall-clock times in the edition's zone; `from_local` turns them into UTC and
refuses the hour that does not exist when the clocks go forward.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

UTC = UTC
DEFAULT_ZONE = "Europe/London"


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks go forward (01:30 on the last Sunday of March)."""


class AmbiguousLocalTime(ValueError):
    """A wall-clock time that happens twice when the clocks go back (01:30 on the last Sunday
    of October): the person must say which. `choices` are (fold, label) pairs, earlier first,
    e.g. (0, "BST"), (1, "GMT"); pass the chosen fold back to `from_local`."""

    def __init__(self, message: str, choices: list[tuple[int, str]]):
        super().__init__(message)
        self.choices = choices


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC; SQLite keeps it naive, PostgreSQL as timestamptz."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; convert it with from_local()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone(name: str | None = None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def to_local(instant: datetime, zone_name: str | None = None) -> datetime:
    return instant.astimezone(zone(zone_name))


def from_local(
    wall_clock: datetime, zone_name: str | None = None, fold: int | None = None
) -> datetime:
    """A naive wall-clock time in the given zone, as an aware UTC instant.

    A time skipped in spring raises `NonexistentLocalTime`. A time that happens twice in
    autumn is never guessed: without `fold` (0 the first, summer-time reading; 1 the second)
    it raises `AmbiguousLocalTime`, whose `choices` name both readings.
    """
    tz = zone(zone_name)
    first = wall_clock.replace(tzinfo=tz, fold=0)
    round_trip = first.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != wall_clock.replace(tzinfo=None):
        raise NonexistentLocalTime(
            f"{wall_clock:%H:%M} on {wall_clock:%-d %B %Y} does not exist in UK time "
            "(the clocks go forward that night)"
        )
    second = wall_clock.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    if fold in (0, 1):
        return (second if fold else first).astimezone(UTC)
    labels = [(0, first.tzname() or "summer time"), (1, second.tzname() or "winter time")]
    raise AmbiguousLocalTime(
        f"{wall_clock:%H:%M} on {wall_clock:%-d %B %Y} happens twice in UK time (the clocks go "
        f"back that night): say whether you mean {labels[0][1]} (the first) or "
        f"{labels[1][1]} (the second)",
        labels,
    )


def local_date(instant: datetime, zone_name: str | None = None) -> date:
    return to_local(instant, zone_name).date()


def format_date(day: date) -> str:
    """'Tuesday 1 July 2025'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def format_time(instant: datetime, zone_name: str | None = None) -> str:
    """'10:00' in the zone's wall-clock time."""
    return to_local(instant, zone_name).strftime("%H:%M")


def format_time_range(starts: datetime, ends: datetime, zone_name: str | None = None) -> str:
    """'10:00 to 16:00', or with both dates when the range crosses midnight."""
    start_local, end_local = to_local(starts, zone_name), to_local(ends, zone_name)
    if start_local.date() == end_local.date():
        return f"{start_local:%H:%M} to {end_local:%H:%M}"
    return (
        f"{format_date(start_local.date())} {start_local:%H:%M} to "
        f"{format_date(end_local.date())} {end_local:%H:%M}"
    )


def format_date_range(first: date, last: date) -> str:
    """'30 June to 4 July 2025', '1 to 5 July 2024'."""
    if first == last:
        return format_date(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} to {last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} to {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def zone_abbreviation(instant: datetime, zone_name: str | None = None) -> str:
    """'BST' or 'GMT' for Europe/London; other zones' own abbreviation."""
    return to_local(instant, zone_name).tzname() or ""
