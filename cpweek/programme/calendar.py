"""iCalendar files for events: one event, an edition's feed; built apart from HTTP.

What keeps people's calendars right when an event changes:
- UIDs are stable (`event-<id>@<host>`), so a changed event replaces the old one;
- SEQUENCE is the event's own counter, raised on every change of time, place or status;
- a cancelled event stays in feeds with STATUS:CANCELLED, so subscribers see it go;
- times carry TZID=Europe/London (the edition's zone) with its VTIMEZONE, written as the standing
  rules (RRULEs) rather than one-off dates, so every parser reads BST and GMT right in any year;
- every TEXT value (names included) is escaped, and a name in a parameter (CN) is made safe;
- DTSTAMP is the event's last change, so an unchanged feed is byte-for-byte the same (ETag).
The join link is added only when the caller says the reader is a confirmed registrant.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date, datetime
from urllib.parse import quote, urlencode, urlsplit

import icalendar
from flask import current_app
from sqlalchemy import ColumnElement, Index, Row, select

from cpweek.extensions import db
from cpweek.programme.models import Edition, Event, EventFormat
from cpweek.timezones import UTC, to_local, utcnow
from cpweek.urls import absolute_url

PRODID = "-//Co-production Week//cpweek//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


# Europe/London since 1996 (the EU's harmonised rules): BST from 01:00 GMT on the last Sunday of
# March, GMT from 02:00 BST on the last Sunday of October. Written as RRULEs, because a list of
# one-off observances is read differently by different parsers once a feed spans several years
# (vobject took July 2027 as GMT in a feed whose list ran out). DTSTART lies in the past, so the
# rules cover every event we will ever list; tests check them against the tz database.
RULED_ZONES = {
    "Europe/London": (
        "BEGIN:VTIMEZONE\r\n"
        "TZID:Europe/London\r\n"
        "X-LIC-LOCATION:Europe/London\r\n"
        "BEGIN:DAYLIGHT\r\n"
        "TZNAME:BST\r\n"
        "TZOFFSETFROM:+0000\r\n"
        "TZOFFSETTO:+0100\r\n"
        "DTSTART:19960331T010000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
        "END:DAYLIGHT\r\n"
        "BEGIN:STANDARD\r\n"
        "TZNAME:GMT\r\n"
        "TZOFFSETFROM:+0100\r\n"
        "TZOFFSETTO:+0000\r\n"
        "DTSTART:19961027T020000\r\n"
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
        "END:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
    ),
}


def text(value: str) -> icalendar.vText:
    """A TEXT value, escaped on output (backslash, comma, semicolon, newline: RFC 5545 3.3.11).

    icalendar escapes the properties it knows, but writes X- properties (X-WR-CALNAME,
    X-WR-CALDESC) as they come, so a comma or a new line in a name would break the file."""
    return icalendar.vText(value)


def display_name(value: str) -> str:
    """A person's or the organiser's name made safe for a CN parameter.

    A parameter value cannot hold a double quote or a line break at all (RFC 5545 3.1); RFC 6868
    spells them ^' and ^n, but many clients (vobject, older Outlook) show that literally. So a
    double quote becomes an apostrophe and line breaks become spaces: the name then reads the
    same in every client. Commas, semicolons and colons are kept: the value is quoted."""
    value = value.replace('"', "'")
    return " ".join(value.split())


def event_uid(event: Event) -> str:
    host = urlsplit(current_app.config["CPWEEK_BASE_URL"]).hostname or "cpweek"
    return f"event-{event.id}@{host}"


def event_location(event: Event) -> str:
    online = f"Online ({event.online_platform})" if event.online_platform else "Online"
    venue = ", ".join(part for part in (event.track, event.venue) if part)
    if event.format == EventFormat.ONLINE.value:
        return f"{online}, {event.track}" if event.track else online
    if event.format == EventFormat.HYBRID.value:
        return f"{venue} and {online.lower()}" if venue else online
    return venue


def event_page_url(edition: Edition, event: Event) -> str:
    return absolute_url("programme.event", year=edition.year, slug=event.slug)


def _vevent(
    edition: Edition,
    event: Event,
    *,
    join_url: str | None,
    attendee: tuple[str, str] | None = None,
    cancelled_for_reader: bool = False,
) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", event.updated_at.astimezone(UTC))
    component.add("last-modified", event.updated_at.astimezone(UTC))
    component.add("dtstart", to_local(event.starts_at, edition.timezone))
    component.add("dtend", to_local(event.ends_at, edition.timezone))
    component.add("sequence", event.sequence)
    cancelled = event.is_cancelled or cancelled_for_reader
    component.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    component.add("summary", text(("Cancelled: " if event.is_cancelled else "") + event.title))
    page = event_page_url(edition, event)
    details = [event.summary.strip()] if event.summary.strip() else []
    if event.hosted_by:
        details.append(f"Hosted by {event.hosted_by}.")
    if join_url:
        details.append(f"Join: {join_url}")
    if event.recording_url:  # set once its recording is published (a description change)
        details.append(f"Watch again: {event.recording_url}")
    details.append(f"Details and access: {page}")
    details.append(f"Help: {current_app.config['CPWEEK_HELP_PHONE']}")
    component.add("description", text("\n\n".join(details)))
    component.add("url", page)
    location = join_url if join_url and event.format == EventFormat.ONLINE.value else None
    location = location or event_location(event)
    if location:
        component.add("location", text(location))
    component.add("categories", [event.kind_enum.label])
    if attendee is not None:
        # Invitations (METHOD:REQUEST / CANCEL) name who sends them and who they are for.
        config = current_app.config
        organizer = icalendar.vCalAddress(f"mailto:{config['CPWEEK_HELP_EMAIL']}")
        organizer.params["cn"] = display_name("Co-production Week")
        component.add("organizer", organizer)
        email, name = attendee
        person = icalendar.vCalAddress(f"mailto:{email}")
        person.params["cn"] = display_name(name)
        person.params["role"] = "REQ-PARTICIPANT"
        person.params["partstat"] = "DECLINED" if cancelled else "ACCEPTED"
        component.add("attendee", person)
    return component


def build_calendar(
    editions: Edition | dict[int, Edition],
    events: Iterable[Event],
    *,
    name: str,
    method: str | None = None,
    join_urls: dict[int, str] | None = None,
    attendee: tuple[str, str] | None = None,
    cancelled_for_reader: bool = False,
) -> bytes:
    """A VCALENDAR holding `events`; `editions` is their edition, or editions by id when they
    come from several. `join_urls` maps event id to a join link for readers entitled to it
    (never for public files); `attendee` (email, name) makes it an invitation for that person."""
    events = list(events)
    join_urls = join_urls or {}
    by_id = editions if isinstance(editions, dict) else {editions.id: editions}
    zone_name = (
        editions.timezone
        if isinstance(editions, Edition)
        else current_app.config["CPWEEK_TIMEZONE"]
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", text(name))
    calendar.add("x-wr-timezone", zone_name)
    for event in events:
        calendar.add_component(
            _vevent(
                by_id[event.edition_id],
                event,
                join_url=join_urls.get(event.id),
                attendee=attendee,
                cancelled_for_reader=cancelled_for_reader,
            )
        )
    zones = {by_id[event.edition_id].timezone for event in events}
    for zone in sorted(zones & RULED_ZONES.keys()):
        calendar.add_component(icalendar.Timezone.from_ical(RULED_ZONES[zone]))
    # Any other zone (none today): icalendar's one-off observances, for the years the events span.
    years = [event.starts_at.year for event in events] or [utcnow().year]
    calendar.add_missing_timezones(date(min(years) - 1, 1, 1), date(max(years) + 2, 1, 1))
    return calendar.to_ical()


# Bump when the layout of the files changes, so clients holding an old ETag fetch the new form.
FORMAT_VERSION = 2  # 2: ruled VTIMEZONE, escaped calendar name


# What a fingerprint reads of an event: no text column. The index holds all of them, so the
# database answers from it without reading the rows (SQLite would otherwise step over every
# summary and description on its way to updated_at), and a 304 costs the same however long the
# events' text is.
STAMP_COLUMNS = (Event.id, Event.edition_id, Event.sequence, Event.status, Event.updated_at)
STAMPS_INDEX = Index(
    "ix_events_stamps", Event.edition_id, Event.status, Event.id, Event.sequence, Event.updated_at
)


def event_stamps(*criteria: ColumnElement[bool]) -> list[Row]:
    """The stamps of the events matching `criteria` (rows of STAMP_COLUMNS), by id. No ORDER BY:
    sorting by time would make the database read the rows; the stamps fix the order anyway."""
    rows = db.session.connection().execute(select(*STAMP_COLUMNS).where(*criteria))
    return sorted(rows.all())  # by id, the first column


def stamp_of(event: Event) -> tuple:
    """An event's stamp, from the event itself."""
    return (event.id, event.edition_id, event.sequence, event.status, event.updated_at)


def fingerprint(editions: Iterable[Edition | Row], stamps: Iterable[tuple], name: str) -> str:
    """An ETag for the file `build_calendar` would make, without making it; `editions` may be
    rows of (id, year, timezone).

    Every change of an event row touches its updated_at (the ORM's onupdate; no bulk UPDATE of
    events bypasses it), so the stamps cover its text without reading it. The edition's fields
    and the settings that appear in the file are included too.
    """
    config = current_app.config
    parts = [
        FORMAT_VERSION,
        name,
        *((edition.id, edition.year, edition.timezone) for edition in editions),
        config["CPWEEK_BASE_URL"],
        config["CPWEEK_HELP_PHONE"],
        config["CPWEEK_TIMEZONE"],  # X-WR-TIMEZONE of a file spanning editions
        [tuple(stamp) for stamp in stamps],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


class BuiltFiles:
    """The last few calendar files built by this process, by fingerprint.

    Calendar apps poll feeds, many without conditional requests, and building a large feed is
    the costly part. A file is found here only while its fingerprint (so its content) is
    unchanged, so each worker keeping its own copy is safe: nothing needs sharing.
    """

    def __init__(self, size: int = 32):
        self._files: OrderedDict[str, bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get_or_build(self, key: str, build: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._files:
                self._files.move_to_end(key)
                return self._files[key]
        body = build()
        with self._lock:
            self._files[key] = body
            while len(self._files) > self._size:
                self._files.popitem(last=False)
        return body


built_files = BuiltFiles()


def last_modified(stamps: Iterable[tuple]) -> datetime | None:
    return max((stamp[-1] for stamp in stamps), default=None)


def google_calendar_link(edition: Edition, event: Event) -> str:
    stamp = "%Y%m%dT%H%M%SZ"
    starts, ends = event.starts_at.astimezone(UTC), event.ends_at.astimezone(UTC)
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{starts:{stamp}}/{ends:{stamp}}",
        "details": f"{event.summary}\n\n{event_page_url(edition, event)}",
        "location": event_location(event),
        "ctz": edition.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_link(edition: Edition, event: Event) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.astimezone(UTC).isoformat(),
        "enddt": event.ends_at.astimezone(UTC).isoformat(),
        "body": f"{event.summary}\n\n{event_page_url(edition, event)}",
        "location": event_location(event),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)


def content_disposition(filename: str) -> str:
    """`attachment` with a plain ASCII filename, and the UTF-8 one (RFC 6266) when it differs.

    Every calendar file is sent as an attachment, feeds included. A browser following the link
    honours it and offers the file (to save, or to open in the calendar app) under our name,
    instead of showing the raw text; subscribing clients (webcal handlers, Google's "From URL",
    Outlook's "Subscribe from web", Apple Calendar) fetch the address themselves and ignore the
    header. So `inline` gains nothing for feeds, and one rule for all three is simpler."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, "ics"
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem).strip("-._") or "calendar"
    header = f'attachment; filename="{ascii_stem}.{extension}"'
    if f"{ascii_stem}.{extension}" != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def webcal_url(https_url: str) -> str:
    """The same address with the webcal scheme, which calendar apps open as a subscription."""
    return "webcal://" + https_url.split("://", 1)[1]
