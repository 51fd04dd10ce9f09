"""Invitations laid out the way Outlook and Gmail act on them, and change messages that say what
the time or place was and what it is now."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime

import icalendar
import pytest

from cpweek.auth.models import Role
from cpweek.coproduction import schedule
from cpweek.mail import Attachment, queue_mail
from cpweek.programme import services
from cpweek.programme.models import Event
from cpweek.timezones import from_local
from tests.coproduction.conftest import open_call
from tests.factories import make_edition, make_event, make_user

CALENDAR = "BEGIN:VCALENDAR\r\nMETHOD:{method}\r\nSUMMARY:Café\\, talk\r\nEND:VCALENDAR\r\n"


def _layout(message) -> list[tuple[int, str]]:
    """Each part's depth and content type, in order."""

    def walk(part, depth):
        yield depth, part.get_content_type()
        if part.is_multipart():
            for child in part.get_payload():
                yield from walk(child, depth + 1)

    return list(walk(message, 0))


def _invitation_parts(message):
    [alternative] = [p for p in message.iter_parts() if p.get_content_type() != "application/ics"]
    [calendar] = [p for p in alternative.iter_parts() if p.get_content_type() == "text/calendar"]
    [attachment] = list(message.iter_attachments())
    return calendar, attachment


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_one_invitation_is_an_alternative_body_and_an_attachment(mailbox, method):
    body = CALENDAR.format(method=method).encode()
    queue_mail(
        "ama@example.org",
        "Your place",
        "Plain words",
        "<p>Rich words</p>",
        attachments=[Attachment("invite.ics", f"text/calendar; method={method}", body)],
    )
    [message] = mailbox.messages
    assert _layout(message) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
        (2, "text/html"),
        (2, "text/calendar"),
        (1, "application/ics"),
    ]
    calendar, attachment = _invitation_parts(message)
    assert calendar.get_param("method") == method and calendar.get_content_charset() == "utf-8"
    assert not calendar.is_attachment()
    assert calendar.get_content().replace("\r\n", "\n") == body.decode().replace("\r\n", "\n")
    assert attachment.get_filename() == "invite.ics" and attachment.is_attachment()
    assert attachment.get_payload(decode=True) == body  # byte for byte, CRLF kept
    assert mailbox.text(message).strip() == "Plain words"
    assert "Rich words" in mailbox.html(message)


def test_an_invitation_without_html_is_still_an_alternative(mailbox):
    body = CALENDAR.format(method="REQUEST").encode()
    queue_mail(
        "ama@example.org",
        "Plain only",
        "Plain words",
        attachments=[Attachment("invite.ics", "text/calendar; method=REQUEST", body)],
    )
    [message] = mailbox.messages
    assert _layout(message) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
        (2, "text/calendar"),
        (1, "application/ics"),
    ]


def test_two_methods_in_one_message_stay_attachments(mailbox):
    """iMIP allows one METHOD per message: a release's REQUEST and CANCEL are files only."""
    request, cancel = (CALENDAR.format(method=m).encode() for m in ("REQUEST", "CANCEL"))
    queue_mail(
        "ama@example.org",
        "Changes",
        "Plain words",
        "<p>Rich words</p>",
        attachments=[
            Attachment("request.ics", "text/calendar; method=REQUEST", request),
            Attachment("cancel.ics", "text/calendar; method=CANCEL", cancel),
        ],
    )
    [message] = mailbox.messages
    assert _layout(message) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
        (2, "text/html"),
        (1, "text/calendar"),
        (1, "text/calendar"),
    ]
    files = {p.get_filename(): p for p in message.iter_attachments()}
    assert files["request.ics"].get_param("method") == "REQUEST"
    assert files["cancel.ics"].get_param("method") == "CANCEL"
    assert files["cancel.ics"].get_payload(decode=True) == cancel


def test_a_message_without_a_calendar_is_text_and_html_only(mailbox):
    queue_mail("ama@example.org", "Hello", "Plain words", "<p>Rich words</p>")
    [message] = mailbox.messages
    assert _layout(message) == [
        (0, "multipart/alternative"),
        (1, "text/plain"),
        (1, "text/html"),
    ]


# --- what registrants receive -------------------------------------------------------------------


@pytest.fixture
def edition(app):
    return make_edition(2099, starts_on=date(2099, 6, 29), ends_on=date(2099, 7, 3))


@pytest.fixture
def webinar(edition):
    event = make_event(
        edition,
        datetime(2099, 7, 2, 10, 30),
        datetime(2099, 7, 2, 11, 30),
        slug="webinar",
        title="Carers' webinar",
        capacity=1,
        online_platform="Zoom",
        join_url="https://zoom.example/j/7",
    )
    for number in range(2):
        services.register(
            event, services.Applicant(name=f"P{number}", email=f"p{number}@example.org")
        )
    return event


def test_a_confirmation_carries_its_invitation_as_a_body(webinar, mailbox):
    message = mailbox.to("p0@example.org")[0]
    calendar, attachment = _invitation_parts(message)
    assert calendar.get_param("method") == "REQUEST"
    parsed = icalendar.Calendar.from_ical(calendar.get_content())
    assert parsed["method"] == "REQUEST"
    [vevent] = parsed.walk("VEVENT")
    assert str(vevent["summary"]) == "Carers' webinar"
    assert vevent["attendee"] == "mailto:p0@example.org"
    same = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    assert same.to_ical() == parsed.to_ical()
    waiting = mailbox.to("p1@example.org")[0]
    assert list(waiting.iter_attachments()) == [] and "text/calendar" not in str(_layout(waiting))


def test_cancelling_a_place_sends_a_cancel_body(webinar, mailbox):
    mailbox.messages.clear()
    services.cancel_event(webinar, make_user(email="o@example.org", roles=(Role.ORGANISER,)))
    calendar, attachment = _invitation_parts(mailbox.to("p0@example.org")[0])
    assert calendar.get_param("method") == "CANCEL"
    assert icalendar.Calendar.from_ical(attachment.get_payload(decode=True))["method"] == "CANCEL"


def _details(event: Event, **changes) -> services.EventDetails:
    values = {
        f.name: getattr(event, f.name)
        for f in fields(services.EventDetails)
        if hasattr(event, f.name) and f.name != "hosts"
    }
    return services.EventDetails(**{**values, "hosts": [], **changes})


def test_a_moved_event_says_what_it_was_and_what_it_is(webinar, mailbox):
    organiser = make_user(email="o@example.org", roles=(Role.ORGANISER,))
    mailbox.messages.clear()
    services.update_event(
        webinar,
        _details(
            webinar,
            starts_at=from_local(datetime(2099, 7, 2, 14, 0)),
            ends_at=from_local(datetime(2099, 7, 2, 15, 0)),
            online_platform="Teams",
        ),
        organiser,
    )
    was = "Was: Thursday 2 July 2099, 10:30 to 11:30 UK time, online (Zoom)."
    now = "Now: Thursday 2 July 2099, 14:00 to 15:00 UK time, online (Teams)."
    for address in ("p0@example.org", "p1@example.org"):  # a place, and the waiting list
        [message] = mailbox.to(address)
        text, html = mailbox.text(message), mailbox.html(message)
        assert was in text and now in text and text.index(was) < text.index(now)
        assert was in html and now in html


def test_a_change_of_place_alone_says_where_it_was(edition, mailbox):
    event = make_event(
        edition,
        datetime(2099, 7, 1, 10, 0),
        datetime(2099, 7, 1, 12, 0),
        slug="room",
        title="In the room",
        format="in_person",
        venue="Leeds Town Hall",
    )
    services.register(event, services.Applicant(name="R", email="r@example.org"))
    mailbox.messages.clear()
    organiser = make_user(email="o@example.org", roles=(Role.ORGANISER,))
    services.update_event(event, _details(event, venue="Bradford Library"), organiser)
    text = mailbox.text(mailbox.to("r@example.org")[0])
    assert "Was: Wednesday 1 July 2099, 10:00 to 12:00 UK time, Leeds Town Hall." in text
    assert "Now: Wednesday 1 July 2099, 10:00 to 12:00 UK time, Bradford Library." in text


def test_a_release_message_says_what_each_event_was(app, mailbox):
    organiser = make_user(email="organiser@example.org", roles=(Role.ORGANISER,), name="Helen")
    co_producer = make_user(email="m@example.org", roles=(Role.CO_PRODUCER,), name="Marcus")
    edition = make_edition(2027)
    open_call(edition, organiser)
    morning = make_event(
        edition,
        datetime(2027, 6, 29, 10, 0),
        datetime(2027, 6, 29, 11, 0),
        title="Morning webinar",
        track="Stream A",
        capacity=1,
    )
    person = make_user(email="seat@example.org", name="Seat")
    services.register(morning, services.Applicant(name="Seat", email=None), person=person)
    waiting = make_user(email="wait@example.org", name="Wait")
    services.register(morning, services.Applicant(name="Wait", email=None), person=waiting)
    mailbox.messages.clear()
    schedule.place(
        morning,
        from_local(datetime(2027, 6, 30, 9, 0)),
        from_local(datetime(2027, 6, 30, 10, 0)),
        "Stream B",
        organiser,
    )
    release = schedule.prepare_release(edition, organiser)
    schedule.sign_off(release, organiser)
    assert schedule.sign_off(release, co_producer) is True
    was = "Was: Tuesday 29 June 2027, 10:00 to 11:00 UK time, online, Stream A."
    now = "Now: Wednesday 30 June 2027, 09:00 to 10:00 UK time, online, Stream B."
    for address in ("seat@example.org", "wait@example.org"):
        [message] = mailbox.to(address)
        text, html = mailbox.text(message), mailbox.html(message)
        assert was in text and now in text, text
        assert was in html and now in html
    # One invitation (REQUEST only): the alternative body Outlook and Gmail act on.
    calendar, attachment = _invitation_parts(mailbox.to("seat@example.org")[0])
    assert calendar.get_param("method") == "REQUEST" and attachment.get_filename() == "request.ics"
