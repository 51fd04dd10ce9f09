"""Calendar files that every client reads: sent as attachments with safe names, every text value
escaped, and a Europe/London VTIMEZONE written as rules, so any year reads right in icalendar and
in vobject (which reads the zone from the file itself)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from icalendar.parser import unescape_backslash

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import calendar, services
from cpweek.programme.models import Registration
from cpweek.timezones import UTC
from tests.factories import make_edition, make_event, make_user

TRICKY = 'Care, equity; "and" \\ more\nnew line'
LONDON = ZoneInfo("Europe/London")


def _parse_both(body: bytes):
    return icalendar.Calendar.from_ical(body), vobject.readOne(body.decode())


def _calname(ours: icalendar.Calendar) -> str:
    # icalendar does not know X-WR-CALNAME's type and hands it over as written; clients read it
    # as TEXT, so that is how the test reads it too.
    return unescape_backslash(ours["X-WR-CALNAME"].to_ical().decode())


@pytest.fixture
def tricky(app):
    edition = make_edition(2099, starts_on=date(2099, 6, 29), ends_on=date(2099, 7, 3))
    event = make_event(
        edition,
        datetime(2099, 7, 1, 10, 30),
        datetime(2099, 7, 1, 11, 30),
        slug="tricky",
        title=TRICKY,
        format="in_person",
        venue=TRICKY,
        summary=TRICKY,
    )
    return edition, event


def test_every_text_value_reads_back_as_written_in_both_parsers(client, tricky):
    body = client.get("/2099/events/tricky/calendar.ics").data
    ours, theirs = _parse_both(body)
    [event] = ours.walk("VEVENT")
    assert str(event["summary"]) == TRICKY == theirs.vevent.summary.value
    assert str(event["location"]) == TRICKY == theirs.vevent.location.value
    assert str(event["description"]).startswith(TRICKY + "\n\n")
    assert theirs.vevent.description.value.startswith(TRICKY + "\n\n")
    # The calendar's own name is the event's title: escaped too (it was written raw before).
    assert _calname(ours) == TRICKY == theirs.contents["x-wr-calname"][0].value
    for line in body.split(b"\r\n"):
        if line.startswith((b"SUMMARY", b"X-WR-CALNAME")):
            assert line.endswith(b'Care\\, equity\\; "and" \\\\ more\\nnew line')


def test_an_edition_feed_named_with_commas_stays_one_property(client, tricky):
    edition, _ = tricky
    edition.theme = "Care, equity; and more"
    db.session.commit()
    ours, theirs = _parse_both(client.get("/2099/calendar.ics").data)
    name = "Co-production Week 2099: Care, equity; and more"
    assert _calname(ours) == name == theirs.contents["x-wr-calname"][0].value


def test_names_in_invitations_are_quoted_and_read_the_same_everywhere(tricky):
    edition, event = tricky
    body = calendar.build_calendar(
        edition, [event], name="x", method="REQUEST", attendee=("p@example.org", TRICKY)
    )
    ours, theirs = _parse_both(body)
    # A parameter cannot carry a double quote or a line break: they become ' and a space, and
    # the rest (commas, semicolons, backslash) survive inside the quotes.
    expected = "Care, equity; 'and' \\ more new line"
    [event_component] = ours.walk("VEVENT")
    assert event_component["attendee"].params["CN"] == expected
    assert theirs.vevent.attendee.params["CN"] == [expected]
    assert theirs.vevent.attendee.value == "mailto:p@example.org"
    assert theirs.vevent.organizer.params["CN"] == ["Co-production Week"]
    assert b"ATTENDEE;CN=\"Care, equity; 'and' \\ more new line\"" in body.replace(b"\r\n ", b"")


# --- the zone -------------------------------------------------------------------------------


@pytest.fixture
def two_years(app):
    """Events in July 2026, January 2027 and July 2027: a feed spanning two years."""
    old = make_edition(2026, starts_on=date(2026, 6, 29), ends_on=date(2026, 7, 3))
    new = make_edition(2027, starts_on=date(2027, 1, 11), ends_on=date(2027, 7, 2))
    events = [
        make_event(old, datetime(2026, 7, 1, 10, 30), datetime(2026, 7, 1, 11, 30), slug="a"),
        make_event(new, datetime(2027, 1, 12, 10, 0), datetime(2027, 1, 12, 11, 0), slug="b"),
        make_event(new, datetime(2027, 7, 1, 10, 30), datetime(2027, 7, 1, 11, 30), slug="c"),
    ]
    return old, new, events


EXPECTED_STARTS = [
    "2026-07-01T10:30:00+01:00",
    "2027-01-12T10:00:00+00:00",
    "2027-07-01T10:30:00+01:00",
]


def _starts(ours, theirs) -> tuple[list[str], list[str]]:
    return (
        sorted(e.decoded("dtstart").isoformat() for e in ours.walk("VEVENT")),
        sorted(v.dtstart.value.isoformat() for v in theirs.vevent_list),
    )


def test_a_personal_feed_over_two_years_reads_right_in_both_parsers(client, two_years):
    _, _, events = two_years
    person = make_user(email="years@example.org")
    for event in events:  # July 2026 is past: registered then, so rows rather than register()
        db.session.add(
            Registration(event_id=event.id, person_id=person.id, status="confirmed", name="Y")
        )
    db.session.commit()
    token = services.calendar_token_for(db.session.get(User, person.id))
    ours, theirs = _parse_both(client.get(f"/calendar/{token}.ics").data)
    assert _starts(ours, theirs) == (EXPECTED_STARTS, EXPECTED_STARTS)


def test_an_edition_feed_over_two_years_reads_right_in_both_parsers(client, two_years):
    old, _, events = two_years
    events[1].edition_id = events[2].edition_id = old.id  # one edition's feed, two years
    db.session.commit()
    ours, theirs = _parse_both(client.get("/2026/calendar.ics").data)
    assert _starts(ours, theirs) == (EXPECTED_STARTS, EXPECTED_STARTS)
    [zone] = ours.walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/London" and len(zone.subcomponents) == 2
    rules = {part.name: part["rrule"] for part in zone.subcomponents}
    assert rules["DAYLIGHT"]["BYMONTH"] == [3] and rules["DAYLIGHT"]["BYDAY"] == ["-1SU"]
    assert rules["STANDARD"]["BYMONTH"] == [10] and rules["STANDARD"]["BYDAY"] == ["-1SU"]
    assert all(part.decoded("dtstart").year == 1996 for part in zone.subcomponents)


def test_the_written_zone_agrees_with_the_tz_database_for_decades(app, two_years):
    """Read the VTIMEZONE as a client does (icalendar's to_tz, vobject's tzinfo) and compare
    every hour around each change of the clocks, 2026 to 2045, with zoneinfo."""
    old, _, events = two_years
    body = calendar.build_calendar(old, events[:1], name="zone")
    ours, theirs = _parse_both(body)
    readers = [ours.walk("VTIMEZONE")[0].to_tz(), theirs.vtimezone.gettzinfo()]
    for year in range(2026, 2046):
        for month in (3, 10):
            last_sunday = max(
                date(year, month, day)
                for day in range(25, 32)
                if date(year, month, day).weekday() == 6
            )
            around = datetime(last_sunday.year, month, last_sunday.day, tzinfo=UTC)
            for hours in range(-3, 4):
                instant = around + timedelta(hours=hours)
                truth = instant.astimezone(LONDON)
                for reader in readers:
                    local = instant.astimezone(reader)
                    assert (local.utcoffset(), local.replace(tzinfo=None)) == (
                        truth.utcoffset(),
                        truth.replace(tzinfo=None),
                    ), (reader, instant)


# --- downloads --------------------------------------------------------------------------------


def test_every_calendar_download_is_an_attachment_and_keeps_its_etag(client, two_years):
    person = make_user(email="dl@example.org")
    token = services.calendar_token_for(db.session.get(User, person.id))
    for url, filename in (
        ("/2027/events/c/calendar.ics", "c.ics"),
        ("/2027/calendar.ics", "cpweek-2027.ics"),
        (f"/calendar/{token}.ics", "my-co-production-week.ics"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("cpweek-2027.ics", 'attachment; filename="cpweek-2027.ics"'),
        (
            "Café – Leeds.ics",
            'attachment; filename="Cafe-Leeds.ics"; '
            "filename*=UTF-8''Caf%C3%A9%20%E2%80%93%20Leeds.ics",
        ),
        (
            'a"b\r\nSet-Cookie: x.ics',
            'attachment; filename="a-b-Set-Cookie-x.ics"; '
            "filename*=UTF-8''a%22b%0D%0ASet-Cookie%3A%20x.ics",
        ),
        (
            "Ωμέγα.ics",
            'attachment; filename="calendar.ics"; '
            "filename*=UTF-8''%CE%A9%CE%BC%CE%AD%CE%B3%CE%B1.ics",
        ),
    ],
)
def test_filenames_are_plain_ascii_with_the_utf8_name_beside(name, header):
    assert calendar.content_disposition(name) == header
