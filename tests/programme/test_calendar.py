"""Calendar files: parsed by icalendar and by vobject, right in BST and GMT, stable, private."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import pytest
import vobject

from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import EventStatus
from cpweek.timezones import UTC, from_local
from tests.factories import make_edition, make_event

JOIN = "https://zoom.example/j/987654321"


@pytest.fixture
def summer_and_winter():
    edition = make_edition(2027, starts_on=date(2027, 1, 11), ends_on=date(2027, 7, 2))
    july = make_event(
        edition,
        datetime(2027, 7, 1, 10, 30),
        datetime(2027, 7, 1, 11, 30),
        slug="july",
        title="Carers' webinar",
        join_url=JOIN,
    )
    january = make_event(
        edition,
        datetime(2027, 1, 12, 10, 0),
        datetime(2027, 1, 12, 11, 0),
        slug="january",
        title="Winter Q&A",
        join_url=JOIN,
    )
    return edition, july, january


def _parse_both(body: bytes):
    return icalendar.Calendar.from_ical(body), vobject.readOne(body.decode())


def test_event_file_parses_in_both_parsers_with_the_right_offsets(client, summer_and_winter):
    for slug, offset, local_hour in (
        ("july", timedelta(hours=1), 10),
        ("january", timedelta(0), 10),
    ):
        response = client.get(f"/2027/events/{slug}/calendar.ics")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        ours, theirs = _parse_both(response.data)
        [event] = ours.walk("VEVENT")
        start = event.decoded("dtstart")
        assert start.utcoffset() == offset and start.hour == local_hour
        assert event["dtstart"].params["TZID"] == "Europe/London"
        assert [tz["tzid"] for tz in ours.walk("VTIMEZONE")] == ["Europe/London"]
        other = theirs.vevent.dtstart.value
        assert other.utcoffset() == offset and other.hour == local_hour
        assert theirs.vevent.uid.value == event["uid"]


def test_the_offsets_print_as_plus_one_in_july_and_zero_in_january(client, summer_and_winter):
    ours, theirs = _parse_both(client.get("/2027/calendar.ics").data)
    by_title = {str(e["summary"]): e.decoded("dtstart").isoformat() for e in ours.walk("VEVENT")}
    assert by_title == {
        "Carers' webinar": "2027-07-01T10:30:00+01:00",
        "Winter Q&A": "2027-01-12T10:00:00+00:00",
    }
    assert sorted(v.dtstart.value.isoformat() for v in theirs.vevent_list) == [
        "2027-01-12T10:00:00+00:00",
        "2027-07-01T10:30:00+01:00",
    ]


def test_public_files_never_carry_the_join_link(client, summer_and_winter):
    assert b"zoom.example" not in client.get("/2027/calendar.ics").data
    assert b"zoom.example" not in client.get("/2027/events/july/calendar.ics").data


def test_uid_is_stable_and_dtstamp_is_present(client, summer_and_winter):
    first = client.get("/2027/events/july/calendar.ics").data
    second = client.get("/2027/events/july/calendar.ics").data
    assert first == second
    [event] = icalendar.Calendar.from_ical(first).walk("VEVENT")
    assert event["uid"] == f"event-{summer_and_winter[1].id}@cpweek.test"
    assert event.decoded("dtstamp").tzinfo is not None
    assert event["url"] == "http://cpweek.test/2027/events/july"


def test_a_change_of_time_raises_sequence_and_keeps_the_uid(client, summer_and_winter):
    _, july, _ = summer_and_winter
    before = icalendar.Calendar.from_ical(client.get("/2027/events/july/calendar.ics").data)
    changed = services.apply_event_changes(
        july,
        {
            "starts_at": from_local(datetime(2027, 7, 1, 14, 0)),
            "ends_at": from_local(datetime(2027, 7, 1, 15, 0)),
            "title": july.title,
        },
    )
    db.session.commit()
    assert changed == {"starts_at", "ends_at"}
    after = icalendar.Calendar.from_ical(client.get("/2027/events/july/calendar.ics").data)
    [old], [new] = before.walk("VEVENT"), after.walk("VEVENT")
    assert new["uid"] == old["uid"]
    assert new["sequence"] == old["sequence"] + 1 == 1
    assert new.decoded("dtstart").hour == 14


def test_only_time_place_and_status_raise_sequence(summer_and_winter):
    _, july, _ = summer_and_winter
    services.apply_event_changes(july, {"title": "A new title", "summary": "New words"})
    assert july.sequence == 0
    services.apply_event_changes(july, {"venue": "Leeds Town Hall", "format": "hybrid"})
    assert july.sequence == 1
    services.apply_event_changes(july, {"venue": "Leeds Town Hall"})  # no real change
    assert july.sequence == 1
    services.apply_event_changes(july, {"status": EventStatus.CANCELLED.value})
    assert july.sequence == 2


def test_a_cancelled_event_stays_in_the_feed_as_cancelled(client, summer_and_winter):
    edition, july, _ = summer_and_winter
    make_event(edition, slug="draft", title="Not yet", status=EventStatus.DRAFT.value)
    services.apply_event_changes(july, {"status": EventStatus.CANCELLED.value})
    db.session.commit()
    ours, theirs = _parse_both(client.get("/2027/calendar.ics").data)
    statuses = {str(e["summary"]): str(e["status"]) for e in ours.walk("VEVENT")}
    assert statuses == {"Cancelled: Carers' webinar": "CANCELLED", "Winter Q&A": "CONFIRMED"}
    assert sorted(v.status.value for v in theirs.vevent_list) == ["CANCELLED", "CONFIRMED"]


def test_feeds_answer_conditional_requests(client, summer_and_winter):
    first = client.get("/2027/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/2027/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    assert (
        client.get("/2027/calendar.ics", headers={"If-Modified-Since": modified}).status_code == 304
    )
    single = client.get("/2027/events/july/calendar.ics")
    again = client.get(
        "/2027/events/july/calendar.ics", headers={"If-None-Match": single.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""


def test_a_change_gives_the_feed_a_new_etag(client, summer_and_winter):
    _, july, _ = summer_and_winter
    etag = client.get("/2027/calendar.ics").headers["ETag"]
    services.apply_event_changes(july, {"venue": "Online and in Lincoln", "format": "hybrid"})
    july.updated_at = datetime.now(UTC) + timedelta(seconds=5)
    db.session.commit()
    response = client.get("/2027/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag


def test_pages_announce_and_link_their_calendars(client, summer_and_winter):
    programme = client.get("/2027/").get_data(as_text=True)
    assert '<link rel="alternate" type="text/calendar"' in programme
    assert 'href="http://cpweek.test/2027/calendar.ics"' in programme
    assert 'href="webcal://cpweek.test/2027/calendar.ics"' in programme
    page = client.get("/2027/events/july").get_data(as_text=True)
    assert '<link rel="alternate" type="text/calendar"' in page
    assert 'href="/2027/events/july/calendar.ics"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "dates=20270701T093000Z%2F20270701T103000Z" in page
    assert "ctz=Europe%2FLondon" in page
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in page
    assert "zoom.example" not in page


def test_unknown_or_draft_calendars_are_404(client, summer_and_winter):
    edition, _, _ = summer_and_winter
    make_event(edition, slug="draft", status=EventStatus.DRAFT.value)
    assert client.get("/2027/events/draft/calendar.ics").status_code == 404
    assert client.get("/2027/events/nope/calendar.ics").status_code == 404
    assert client.get("/1999/calendar.ics").status_code == 404


def test_feed_query_count_does_not_grow_with_events(client, count_queries):
    small, large = make_edition(2030), make_edition(2031)
    for edition, number in ((small, 2), (large, 40)):
        for index in range(number):
            starts = datetime(edition.year, 6, 28, 9, 0) + timedelta(
                hours=index % 8, days=index % 4
            )
            make_event(edition, starts, starts + timedelta(minutes=30))
    counts = []
    for edition in (small, large):
        with count_queries() as queries:
            assert client.get(f"/{edition.year}/calendar.ics").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_unchanged_feed_is_not_rebuilt_for_a_304(client, summer_and_winter, monkeypatch):
    from cpweek.programme import calendar

    etag = client.get("/2027/calendar.ics").headers["ETag"]

    def must_not_build(*args, **kwargs):
        raise AssertionError("built a calendar only to answer 304")

    monkeypatch.setattr(calendar, "build_calendar", must_not_build)
    assert client.get("/2027/calendar.ics", headers={"If-None-Match": etag}).status_code == 304


def test_a_new_theme_changes_the_feeds_etag(client, summer_and_winter):
    edition, _, _ = summer_and_winter
    etag = client.get("/2027/calendar.ics").headers["ETag"]
    edition.theme = "A better theme"
    db.session.commit()
    response = client.get("/2027/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200 and b"A better theme" in response.data


def test_built_files_are_reused_only_while_unchanged(client, summer_and_winter, monkeypatch):
    from cpweek.programme import calendar

    _, july, _ = summer_and_winter
    builds = []
    real_build = calendar.build_calendar
    monkeypatch.setattr(calendar, "built_files", calendar.BuiltFiles(size=2))
    monkeypatch.setattr(
        calendar, "build_calendar", lambda *a, **k: builds.append(1) or real_build(*a, **k)
    )
    first = client.get("/2027/calendar.ics").data
    assert client.get("/2027/calendar.ics").data == first and len(builds) == 1
    services.apply_event_changes(july, {"status": EventStatus.CANCELLED.value})
    db.session.commit()
    changed = client.get("/2027/calendar.ics").data
    assert len(builds) == 2 and b"STATUS:CANCELLED" in changed and changed != first


def test_personal_feeds_and_invitations_parse_in_both_parsers(client, summer_and_winter, mailbox):
    from cpweek.auth.models import User
    from tests.factories import make_user

    _, july, january = summer_and_winter
    person = make_user(email="both@example.org")
    for event in (july, january):
        services.register(event, services.Applicant(name="Both", email=None), person=person)
    token = services.calendar_token_for(db.session.get(User, person.id))
    feed = client.get(f"/calendar/{token}.ics").data
    ours, theirs = _parse_both(feed)
    assert sorted(e.decoded("dtstart").isoformat() for e in ours.walk("VEVENT")) == [
        "2027-01-12T10:00:00+00:00",
        "2027-07-01T10:30:00+01:00",
    ]
    assert sorted(v.dtstart.value.isoformat() for v in theirs.vevent_list) == [
        "2027-01-12T10:00:00+00:00",
        "2027-07-01T10:30:00+01:00",
    ]
    # The registrant's own feed carries the join link, as the place and in the description.
    assert all(
        str(e["location"]) == JOIN and JOIN in str(e["description"]) for e in ours.walk("VEVENT")
    )
    for message in mailbox.to("both@example.org"):
        [attachment] = list(message.iter_attachments())
        body = attachment.get_payload(decode=True)
        ours, theirs = _parse_both(body)
        assert ours["method"] == "REQUEST" and theirs.method.value == "REQUEST"
        assert theirs.vevent.dtstart.value.utcoffset() in (timedelta(0), timedelta(hours=1))
