"""UTC in the database, UK time on the page, BST and GMT both right."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from cpweek.extensions import db
from cpweek.programme.models import Event
from cpweek.timezones import (
    UTC,
    NonexistentLocalTime,
    format_date,
    format_date_range,
    format_time_range,
    from_local,
    to_local,
    zone_abbreviation,
)
from tests.factories import make_edition, make_event


def test_july_is_british_summer_time_and_january_is_gmt():
    july = from_local(datetime(2025, 7, 1, 10, 0))
    january = from_local(datetime(2026, 1, 14, 10, 0))
    assert july == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
    assert january == datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
    assert to_local(july).utcoffset() == timedelta(hours=1)
    assert to_local(january).utcoffset() == timedelta(0)
    assert zone_abbreviation(july) == "BST" and zone_abbreviation(january) == "GMT"


def test_the_hour_skipped_in_spring_is_refused():
    with pytest.raises(NonexistentLocalTime, match="does not exist"):
        from_local(datetime(2026, 3, 29, 1, 30))


def test_the_hour_repeated_in_autumn_is_never_guessed():
    from cpweek.timezones import AmbiguousLocalTime

    with pytest.raises(AmbiguousLocalTime, match="happens twice") as refused:
        from_local(datetime(2026, 10, 25, 1, 30))
    assert refused.value.choices == [(0, "BST"), (1, "GMT")]
    first = from_local(datetime(2026, 10, 25, 1, 30), fold=0)
    second = from_local(datetime(2026, 10, 25, 1, 30), fold=1)
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    # An hour either side of the change is one reading only; a fold given there changes nothing.
    assert from_local(datetime(2026, 10, 25, 2, 30), fold=0) == datetime(
        2026, 10, 25, 2, 30, tzinfo=UTC
    )


def test_formatting():
    assert format_date(date(2025, 7, 1)) == "Tuesday 1 July 2025"
    assert format_date_range(date(2024, 7, 1), date(2024, 7, 5)) == "1 to 5 July 2024"
    assert format_date_range(date(2025, 6, 30), date(2025, 7, 4)) == "30 June to 4 July 2025"
    assert (
        format_date_range(date(2026, 12, 30), date(2027, 1, 2))
        == "30 December 2026 to 2 January 2027"
    )
    starts = from_local(datetime(2025, 7, 3, 10, 30))
    assert format_time_range(starts, starts + timedelta(hours=1)) == "10:30 to 11:30"
    late = from_local(datetime(2025, 7, 3, 23, 0))
    assert format_time_range(late, late + timedelta(hours=2)) == (
        "Thursday 3 July 2025 23:00 to Friday 4 July 2025 01:00"
    )


def test_instants_round_trip_through_the_database_as_aware_utc():
    edition = make_edition(2025)
    event = make_event(edition, datetime(2025, 7, 1, 10, 0), datetime(2025, 7, 1, 16, 0))
    db.session.expire_all()
    stored = db.session.scalar(select(Event).where(Event.id == event.id))
    assert stored.starts_at == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
    assert stored.starts_at.tzinfo is not None and stored.starts_at.utcoffset() == timedelta(0)


def test_a_naive_datetime_never_reaches_the_database():
    edition = make_edition(2025)
    event = make_event(edition)
    event.starts_at = datetime(2025, 7, 1, 10, 0)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()
    db.session.rollback()


def test_other_offsets_are_converted_to_utc_on_the_way_in():
    edition = make_edition(2025)
    event = make_event(edition)
    event.starts_at = datetime(2025, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    event.ends_at = datetime(2025, 7, 1, 13, 0, tzinfo=timezone(timedelta(hours=3)))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Event, event.id).starts_at == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)
