"""A conference place with workshops (each with its own places, no clashes), and the free
extra place for a personal assistant or carer."""

from __future__ import annotations

from datetime import datetime

import icalendar
import pytest
from sqlalchemy import select

from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import Registration
from cpweek.programme.services import Applicant
from tests.factories import make_edition, make_event, make_workshop


@pytest.fixture
def conference():
    edition = make_edition(2099)
    conference = make_event(
        edition,
        datetime(2099, 6, 29, 10, 0),
        datetime(2099, 6, 29, 16, 0),
        kind="conference",
        slug="conference",
        title="Conference",
        capacity=10,
    )
    morning_a = make_workshop(
        conference,
        datetime(2099, 6, 29, 11, 0),
        datetime(2099, 6, 29, 12, 15),
        title="Morning A",
        capacity=1,
        join_url="https://zoom.example/a",
    )
    morning_b = make_workshop(
        conference,
        datetime(2099, 6, 29, 11, 30),
        datetime(2099, 6, 29, 12, 30),
        title="Morning B",
        capacity=5,
    )
    afternoon = make_workshop(
        conference,
        datetime(2099, 6, 29, 13, 30),
        datetime(2099, 6, 29, 14, 45),
        title="Afternoon",
        capacity=5,
    )
    return conference, morning_a, morning_b, afternoon


def test_workshops_are_booked_with_the_conference(conference, mailbox):
    conf, morning_a, _, afternoon = conference
    main = services.register(
        conf,
        Applicant(name="Ada", email="ada@example.org"),
        workshop_ids=[str(morning_a.id), str(afternoon.id)],
    )
    rows = {r.event_id: r.status for r in db.session.scalars(select(Registration))}
    assert rows == {conf.id: "confirmed", morning_a.id: "confirmed", afternoon.id: "confirmed"}
    [message] = mailbox.messages  # one message for the lot
    text = mailbox.text(message)
    assert "Your workshops:" in text and "Morning A" in text and "Afternoon" in text
    [invite] = list(message.iter_attachments())
    calendar = icalendar.Calendar.from_ical(invite.get_payload(decode=True))
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == [
        "Afternoon",
        "Conference",
        "Morning A",
    ]
    assert b"zoom.example/a" in invite.get_payload(decode=True)
    assert main.status == "confirmed"


def test_clashing_workshops_are_refused_and_nothing_is_saved(conference):
    conf, morning_a, morning_b, _ = conference
    with pytest.raises(services.WorkshopClash, match="run at the same time"):
        services.register(
            conf,
            Applicant(name="Ada", email="ada@example.org"),
            workshop_ids=[morning_a.id, morning_b.id],
        )
    assert db.session.scalars(select(Registration)).all() == []


def test_workshops_of_another_event_are_refused(conference):
    conf, *_ = conference
    stranger = make_event(make_edition(2098), slug="elsewhere")
    with pytest.raises(services.WorkshopClash, match="this conference's list"):
        services.register(
            conf, Applicant(name="Ada", email="ada@example.org"), workshop_ids=[stranger.id]
        )


def test_a_full_workshop_puts_you_on_its_waiting_list_but_keeps_the_conference_place(conference):
    conf, morning_a, *_ = conference
    services.register(
        conf, Applicant(name="First", email="first@example.org"), workshop_ids=[morning_a.id]
    )
    second = services.register(
        conf, Applicant(name="Second", email="second@example.org"), workshop_ids=[morning_a.id]
    )
    assert second.status == "confirmed"
    workshop_place = db.session.scalar(
        select(Registration).where(
            Registration.event_id == morning_a.id, Registration.name == "Second"
        )
    )
    assert workshop_place.status == "waitlisted"


def test_cancelling_the_conference_frees_the_workshop_places_too(conference, mailbox):
    conf, morning_a, *_ = conference
    first = services.register(
        conf, Applicant(name="First", email="first@example.org"), workshop_ids=[morning_a.id]
    )
    services.register(
        conf, Applicant(name="Second", email="second@example.org"), workshop_ids=[morning_a.id]
    )
    promoted = services.cancel_registration(first)
    assert [r.name for r in promoted] == ["Second"]
    statuses = {(r.event_id, r.name): r.status for r in db.session.scalars(select(Registration))}
    assert statuses[(morning_a.id, "First")] == "cancelled"
    assert statuses[(morning_a.id, "Second")] == "confirmed"


def test_a_companion_gets_a_place_beside_the_person(conference):
    conf, _, morning_b, _ = conference
    main = services.register(
        conf,
        Applicant(name="Bea", email="bea@example.org"),
        workshop_ids=[morning_b.id],
        companion=True,
    )
    rows = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert [(r.event_id, r.name, r.status, r.companion_of_id is not None) for r in rows] == [
        (conf.id, "Bea", "confirmed", False),
        (conf.id, "Personal assistant or carer of Bea", "confirmed", True),
        (morning_b.id, "Bea", "confirmed", False),
        (morning_b.id, "Personal assistant or carer of Bea", "confirmed", True),
    ]
    assert services.places_left(conf) == 8
    services.cancel_registration(main)
    assert {r.status for r in db.session.scalars(select(Registration))} == {"cancelled"}


def test_with_one_place_left_a_person_and_companion_wait_together(conference):
    edition_event = make_event(make_edition(2097), capacity=1, slug="small")
    main = services.register(
        edition_event, Applicant(name="Cy", email="cy@example.org"), companion=True
    )
    assert main.status == "waitlisted"
    companion = db.session.scalar(
        select(Registration).where(Registration.companion_of_id == main.id)
    )
    assert companion.status == "waitlisted"
    assert services.waitlist_position(main) == 1
    later = services.register(edition_event, Applicant(name="Di", email="di@example.org"))
    assert later.status == "waitlisted"  # one place is free, but Cy was first: nobody jumps
    services.set_capacity(edition_event, 3)
    db.session.expire_all()
    assert db.session.get(Registration, main.id).status == "confirmed"
    assert db.session.get(Registration, companion.id).status == "confirmed"
    assert db.session.get(Registration, later.id).status == "confirmed"


def test_promotion_keeps_the_queue_order_for_pairs(conference):
    small = make_event(make_edition(2096), capacity=1, slug="tiny")
    services.register(small, Applicant(name="Holder", email="holder@example.org"))
    pair = services.register(
        small, Applicant(name="Pair", email="pair@example.org"), companion=True
    )
    single = services.register(small, Applicant(name="Single", email="single@example.org"))
    assert services.waitlist_position(single) == 2
    holder = db.session.scalar(select(Registration).where(Registration.name == "Holder"))
    promoted = services.cancel_registration(holder)
    assert promoted == []  # one place free; the pair first in line needs two, nobody jumps them
    services.set_capacity(small, 2)
    db.session.expire_all()
    assert db.session.get(Registration, pair.id).status == "confirmed"
    assert db.session.get(Registration, single.id).status == "waitlisted"


def test_cancelling_the_conference_withdraws_the_workshops_from_calendars(conference, mailbox):
    conf, morning_a, _, afternoon = conference
    main = services.register(
        conf,
        Applicant(name="Ada", email="ada@example.org"),
        workshop_ids=[morning_a.id, afternoon.id],
    )
    mailbox.messages.clear()
    services.cancel_registration(main)
    [message] = mailbox.messages
    assert "Your workshop places are cancelled too" in mailbox.text(message)
    [invite] = list(message.iter_attachments())
    calendar = icalendar.Calendar.from_ical(invite.get_payload(decode=True))
    assert calendar["method"] == "CANCEL"
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == [
        "Afternoon",
        "Conference",
        "Morning A",
    ]
