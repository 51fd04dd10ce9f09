"""Registration rules, without HTTP: places, the waiting list, promotion, links, feeds."""

from __future__ import annotations

import threading
from datetime import datetime

import icalendar
import pytest
from sqlalchemy import func, select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import Event, EventStatus, Registration
from cpweek.programme.services import Applicant
from cpweek.timezones import UTC
from cpweek.uow import unit_of_work
from tests.factories import make_edition, make_event, make_user


@pytest.fixture
def webinar():
    edition = make_edition(2099)
    return make_event(
        edition,
        datetime(2099, 6, 30, 10, 30),
        datetime(2099, 6, 30, 11, 30),
        title="Carers' voices",
        capacity=2,
        join_url="https://zoom.example/j/555",
    )


def _applicant(number: int, **extra) -> Applicant:
    return Applicant(name=f"Person {number}", email=f"person{number}@example.org", **extra)


def _statuses(event: Event) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    return dict(rows)


def test_places_then_waiting_list_in_order(webinar, mailbox):
    first = services.register(webinar, _applicant(1))
    second = services.register(webinar, _applicant(2))
    third = services.register(webinar, _applicant(3))
    fourth = services.register(webinar, _applicant(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert services.waitlist_position(third) == 1 and services.waitlist_position(fourth) == 2
    assert services.waitlist_position(first) is None
    assert services.places_left(webinar) == 0
    kinds = [m["Subject"].split(":")[0] for m in mailbox.messages]
    assert kinds == ["Your place is booked"] * 2 + ["You are on the waiting list"] * 2


def test_a_cancellation_promotes_the_first_person_waiting_and_tells_them(webinar, mailbox):
    people = [services.register(webinar, _applicant(n)) for n in range(4)]
    mailbox.messages.clear()
    promoted = services.cancel_registration(people[0])
    assert [r.id for r in promoted] == [people[2].id]
    db.session.expire_all()
    assert db.session.get(Registration, people[2].id).status == "confirmed"
    assert services.waitlist_position(db.session.get(Registration, people[3].id)) == 1
    subjects = {m["X-Envelope-To"]: m["Subject"] for m in mailbox.messages}
    assert subjects["person0@example.org"].startswith("Your registration is cancelled")
    assert subjects["person2@example.org"].startswith("Good news: a place has come up")


def test_leaving_the_waiting_list_promotes_nobody(webinar):
    people = [services.register(webinar, _applicant(n)) for n in range(3)]
    assert services.cancel_registration(people[2]) == []
    assert _statuses(webinar) == {"confirmed": 2, "cancelled": 1}


def test_cancelling_twice_is_harmless(webinar):
    registration = services.register(webinar, _applicant(1))
    services.cancel_registration(registration)
    assert services.cancel_registration(registration) == []
    assert _statuses(webinar) == {"cancelled": 1}


def test_more_capacity_promotes_people_waiting(webinar):
    [services.register(webinar, _applicant(n)) for n in range(5)]
    promoted = services.set_capacity(webinar, 4)
    assert len(promoted) == 2
    assert _statuses(webinar) == {"confirmed": 4, "waitlisted": 1}
    services.set_capacity(webinar, None)
    assert _statuses(webinar) == {"confirmed": 5}


def test_capacity_below_the_people_confirmed_is_refused(webinar):
    [services.register(webinar, _applicant(n)) for n in range(2)]
    with pytest.raises(services.CapacityTooLow, match="2 people already have a place"):
        services.set_capacity(webinar, 1)
    db.session.expire_all()
    assert db.session.get(Event, webinar.id).capacity == 2


def test_registering_twice_is_friendly_and_makes_no_second_row(webinar):
    services.register(webinar, _applicant(1))
    with pytest.raises(services.AlreadyRegistered, match="already registered"):
        services.register(webinar, Applicant(name="Someone", email="PERSON1@example.org"))
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    services.register(webinar, _applicant(2))
    waiting = services.register(webinar, _applicant(3))
    with pytest.raises(services.AlreadyRegistered, match="already on the waiting list") as raised:
        services.register(webinar, _applicant(3))
    assert raised.value.registration.id == waiting.id


def test_after_cancelling_a_person_can_register_again(webinar):
    registration = services.register(webinar, _applicant(1))
    services.cancel_registration(registration)
    again = services.register(webinar, _applicant(1))
    assert again.id != registration.id and again.status == "confirmed"


def test_a_signed_in_person_registers_as_themselves(webinar):
    person = make_user(email="member@example.org", name="Member")
    registration = services.register(webinar, Applicant(name="Member", email=None), person=person)
    assert registration.person_id == person.id


def test_registering_creates_a_passwordless_person_once():
    edition = make_edition(2099)
    one, two = make_event(edition, slug="a"), make_event(edition, slug="b")
    services.register(one, _applicant(7))
    services.register(two, _applicant(7))
    people = db.session.scalars(select(User)).all()
    assert len(people) == 1 and people[0].password_hash is None


@pytest.mark.parametrize(
    "fields, now, message",
    [
        ({"status": EventStatus.CANCELLED.value}, None, "has been cancelled"),
        ({"status": EventStatus.DRAFT.value}, None, "not open"),
        ({}, datetime(2099, 7, 1, tzinfo=UTC), "already started or taken place"),
        (
            {"registration_opens_at": datetime(2099, 6, 1, 8, 0, tzinfo=UTC)},
            datetime(2099, 5, 1, tzinfo=UTC),
            "Registration opens on Monday 1 June 2099 at 09:00 UK time",
        ),
        (
            {"registration_closes_at": datetime(2099, 6, 1, tzinfo=UTC)},
            datetime(2099, 6, 2, tzinfo=UTC),
            "has closed",
        ),
    ],
)
def test_closed_events_say_why(webinar, fields, now, message):
    for name, value in fields.items():
        setattr(webinar, name, value)
    db.session.commit()
    with pytest.raises(services.RegistrationClosed, match=message):
        services.register(webinar, _applicant(1), now=now)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


@pytest.mark.parametrize("email", ["", "two words@example.org", "nope"])
def test_a_bad_email_is_refused_before_anything_is_saved(webinar, email):
    from cpweek.auth.services import InvalidEmail

    with pytest.raises(InvalidEmail):
        services.register(webinar, Applicant(name="X", email=email))
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_unknown_access_needs_are_dropped_and_known_ones_kept(webinar):
    registration = services.register(
        webinar,
        _applicant(
            1,
            access_needs=("bsl_interpreter", "teleport", "breaks"),
            access_notes="  Vegan lunch  ",
        ),
    )
    assert registration.access_needs == ["breaks", "bsl_interpreter"]
    assert registration.access_notes == "Vegan lunch" and registration.needs_attention
    services.update_access_needs(registration, ["live_captions"], "")
    db.session.commit()
    assert db.session.get(Registration, registration.id).access_needs == ["live_captions"]


def test_manage_tokens_open_only_their_registration(webinar):
    registration = services.register(webinar, _applicant(1))
    token = services.manage_token(registration)
    assert services.registration_for_token(token).id == registration.id
    assert services.registration_for_token(token[:-2] + "xx") is None
    assert services.registration_for_token("x" * 5000) is None
    assert services.registration_for_token("") is None


def test_the_confirmation_carries_an_invitation_with_the_join_link(webinar, mailbox):
    services.register(webinar, _applicant(1))
    [message] = mailbox.messages
    text = mailbox.text(message)
    assert "https://zoom.example/j/555" in text and "020 7946 0123" in text
    assert "http://cpweek.test/registrations/" in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/ics"  # text/calendar is in the body
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    assert calendar["method"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert "zoom.example/j/555" in str(event["description"])
    assert str(event["attendee"]) == "mailto:person1@example.org"
    assert str(event["organizer"]).startswith("mailto:")
    assert event.decoded("dtstart").isoformat() == "2099-06-30T10:30:00+01:00"


def test_a_cancellation_mail_withdraws_the_invitation(webinar, mailbox):
    registration = services.register(webinar, _applicant(1))
    services.cancel_registration(registration)
    message = mailbox.messages[-1]
    [attachment] = list(message.iter_attachments())
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert calendar["method"] == "CANCEL" and event["status"] == "CANCELLED"
    assert "zoom.example" not in attachment.get_payload(decode=True).decode()


def test_waiting_list_mail_has_no_invitation(webinar, mailbox):
    for n in range(3):
        services.register(webinar, _applicant(n))
    last = mailbox.messages[-1]
    assert "number 1" in mailbox.text(last) and list(last.iter_attachments()) == []


def test_a_mail_server_that_fails_does_not_lose_the_registration(app, webinar):
    app.config["MAIL_PORT"], port = 1, app.config["MAIL_PORT"]
    try:
        registration = services.register(webinar, _applicant(1))
    finally:
        app.config["MAIL_PORT"] = port
    assert registration.id and registration.status == "confirmed"


# --- personal feeds -----------------------------------------------------------------------


def test_personal_feed_holds_only_confirmed_events_with_their_join_links(webinar):
    person = make_user(email="feed@example.org")
    edition = make_edition(2098)
    other = make_event(
        edition,
        datetime(2098, 1, 14, 10, 0),
        datetime(2098, 1, 14, 11, 0),
        slug="winter",
        join_url="https://meet.example/winter",
    )
    services.register(webinar, Applicant(name="Feed", email=None), person=person)
    waiting_event = make_event(edition, slug="full", capacity=0)
    services.register(waiting_event, Applicant(name="Feed", email=None), person=person)
    services.register(other, Applicant(name="Feed", email=None), person=person)
    token = services.calendar_token_for(person)
    body = services.personal_calendar(token).build()
    calendar = icalendar.Calendar.from_ical(body)
    starts = sorted(e.decoded("dtstart").isoformat() for e in calendar.walk("VEVENT"))
    assert starts == ["2098-01-14T10:00:00+00:00", "2099-06-30T10:30:00+01:00"]
    assert b"zoom.example/j/555" in body and b"meet.example/winter" in body


def test_renewing_the_feed_token_revokes_the_old_address():
    person = make_user()
    old = services.calendar_token_for(person)
    assert services.calendar_token_for(person) == old
    new = services.calendar_token_for(person, renew=True)
    assert new != old and services.personal_calendar(old) is None
    assert services.personal_calendar(new) is not None
    assert services.personal_calendar("") is None and services.personal_calendar("x" * 100) is None


# --- never overbooked, whatever the concurrency --------------------------------------------


def _detached_event(event_id: int) -> Event:
    """The event loaded and let go of its connection, so 50 waiting threads hold none."""
    event = db.session.get(Event, event_id)
    db.session.expunge(event)
    db.session.close()
    return event


def test_fifty_people_at_once_for_ten_places(app):
    edition = make_edition(2099)
    event = make_event(edition, datetime(2099, 6, 30, 10, 0), capacity=10)
    event_id = event.id  # read here: the threads must not touch this thread's session
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def attempt(number: int) -> None:
        with app.app_context():
            try:
                mine = _detached_event(event_id)
                start.wait(timeout=30)
                with unit_of_work():
                    services.register(mine, _applicant(number))
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    assert _statuses(event) == {"confirmed": 10, "waitlisted": 40}
    positions = sorted(
        services.waitlist_position(r)
        for r in db.session.scalars(select(Registration).where(Registration.status == "waitlisted"))
    )
    assert positions == list(range(1, 41))


def test_the_same_person_clicking_twice_at_once_gets_one_row(app):
    edition = make_edition(2099)
    event = make_event(edition, capacity=5)
    event_id = event.id  # read here: the threads must not touch this thread's session
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def attempt() -> None:
        with app.app_context():
            try:
                mine = _detached_event(event_id)
                start.wait(timeout=30)
                with unit_of_work():
                    services.register(mine, _applicant(1))
                outcomes.append("registered")
            except services.AlreadyRegistered:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already"] * 7 + ["registered"]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_locking_the_event_does_not_touch_its_calendar_fingerprint(webinar):
    before = webinar.updated_at
    services.register(webinar, _applicant(1))
    db.session.expire_all()
    assert db.session.get(Event, webinar.id).updated_at == before


@pytest.mark.parametrize(
    "kind",
    [
        "confirmed",
        "promoted",
        "waitlisted",
        "cancelled",
        "changed",
        "changed_waiting",
        "event_cancelled",
        "reminder",
    ],
)
def test_every_registration_mail_has_text_html_and_the_help_line(app, webinar, kind):
    from cpweek.mail import render_mail
    from cpweek.programme.notifications import SUBJECTS, RegistrationMail

    registration = services.register(webinar, _applicant(1))
    event, edition = services.event_with_edition(webinar.id)
    mail = RegistrationMail(
        registration=registration,
        person=db.session.get(User, registration.person_id),
        event=event,
        edition=edition,
        manage_url="http://cpweek.test/registrations/x",
        position=3,
    )
    text, html = render_mail(f"registration_{kind}", mail=mail)
    assert kind in SUBJECTS
    for body in (text, html):
        assert "Person 1" in body and app.config["CPWEEK_HELP_PHONE"] in body
        assert "Carers" in body  # the event's title
    assert "<p>" not in text and "<p>" in html
