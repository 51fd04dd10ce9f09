"""A hybrid event keeps its room's places and its online places apart."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import Registration
from cpweek.programme.services import Applicant
from tests.a11y import problems
from tests.factories import make_edition, make_event


@pytest.fixture
def hybrid():
    return make_event(
        make_edition(2099),
        datetime(2099, 6, 30, 10, 30),
        datetime(2099, 6, 30, 15, 0),
        format="hybrid",
        slug="hybrid",
        title="Gathering",
        capacity=1,
        online_capacity=2,
        venue="Council House, Birmingham",
    )


def _person(n, mode):
    return Applicant(name=f"P{n}", email=f"p{n}@example.org", attendance=mode)


def test_room_and_online_places_fill_separately(hybrid):
    assert services.places_by_mode(hybrid) == {"in_person": 1, "online": 2}
    assert services.register(hybrid, _person(1, "in_person")).status == "confirmed"
    assert services.register(hybrid, _person(2, "in_person")).status == "waitlisted"
    assert services.register(hybrid, _person(3, "online")).status == "confirmed"
    assert services.register(hybrid, _person(4, "online")).status == "confirmed"
    waiting_online = services.register(hybrid, _person(5, "online"))
    assert waiting_online.status == "waitlisted"
    assert services.places_by_mode(hybrid) == {"in_person": 0, "online": 0}


def test_a_freed_room_place_goes_to_the_first_person_waiting_for_the_room(hybrid):
    first = services.register(hybrid, _person(1, "in_person"))
    services.register(hybrid, _person(2, "online"))
    services.register(hybrid, _person(3, "online"))
    online_waiting = services.register(hybrid, _person(4, "online"))
    room_waiting = services.register(hybrid, _person(5, "in_person"))
    promoted = services.cancel_registration(first)
    assert [r.id for r in promoted] == [room_waiting.id]
    db.session.expire_all()
    assert db.session.get(Registration, online_waiting.id).status == "waitlisted"


def test_choosing_how_to_take_part_is_required(hybrid):
    with pytest.raises(services.RegistrationError, match="in person or join online") as raised:
        services.register(hybrid, Applicant(name="X", email="x@example.org"))
    assert raised.value.field == "attendance"


def test_online_places_refused_below_the_people_online(hybrid):
    services.register(hybrid, _person(1, "online"))
    services.register(hybrid, _person(2, "online"))
    with pytest.raises(
        services.CapacityTooLow, match="2 people already have a place online"
    ) as raised:
        services.set_capacity(hybrid, 1, online_capacity=1)
    assert raised.value.field == "online_capacity"
    promoted = services.set_capacity(hybrid, 1, online_capacity=None)
    assert promoted == [] and services.places_by_mode(hybrid)["online"] is None


def test_the_page_shows_both_pools_and_asks_how_people_take_part(browser, hybrid):
    page = browser.get("/2099/events/hybrid").get_data(as_text=True)
    assert "In person: 1 place left<br>Online: 2 places left" in page
    assert "How will you take part?" in page and problems(page) == []
    response = browser.submit("/2099/events/hybrid", {"name": "Q", "email": "q@example.org"})
    assert 'href="#attendance' in response.get_data(as_text=True)
    response = browser.submit(
        "/2099/events/hybrid", {"name": "Q", "email": "q@example.org", "attendance": "online"}
    )
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.attendance == "online" and registration.status == "confirmed"


def test_online_places_only_for_hybrid_events():
    edition = make_edition(2099)
    details = services.EventDetails(
        title="Webinar",
        slug="webinar",
        kind="webinar",
        format="online",
        starts_at=datetime(2099, 6, 30, 9, 0).astimezone(),
        ends_at=datetime(2099, 6, 30, 10, 0).astimezone(),
        online_capacity=5,
    )
    from tests.factories import make_user

    with pytest.raises(services.EventInvalid, match="only for hybrid events"):
        services.create_event(edition, details, make_user())


def test_check_in_lists_only_people_coming_in_person(hybrid):
    services.register(hybrid, _person(1, "in_person"))
    services.register(hybrid, _person(2, "online"))
    assert [r.name for r, _ in services.check_in_list(hybrid)] == ["P1"]


def test_an_organiser_registers_someone_with_their_carer(hybrid):
    from tests.factories import make_user

    services.set_capacity(hybrid, 2, online_capacity=2)
    main = services.register_assisted(
        hybrid,
        Applicant(name="Gil", email=None, contact_phone="01632 960000", attendance="in_person"),
        make_user(),
        companion=True,
    )
    assert main.status == "confirmed"
    assert services.places_by_mode(hybrid) == {"in_person": 0, "online": 2}


def test_waiting_list_positions_are_per_pool(hybrid):
    services.register(hybrid, _person(1, "in_person"))
    services.register(hybrid, _person(2, "online"))
    services.register(hybrid, _person(3, "online"))
    room = services.register(hybrid, _person(4, "in_person"))
    online = services.register(hybrid, _person(5, "online"))
    assert services.waitlist_position(room) == 1 and services.waitlist_position(online) == 1


def test_making_a_hybrid_event_single_format_counts_everyone_together(hybrid):
    from tests.factories import make_user

    services.register(hybrid, _person(1, "in_person"))
    services.register(hybrid, _person(2, "online"))
    details = services.EventDetails(
        title=hybrid.title,
        slug=hybrid.slug,
        kind=hybrid.kind,
        format="in_person",
        starts_at=hybrid.starts_at,
        ends_at=hybrid.ends_at,
        capacity=1,
    )
    with pytest.raises(services.CapacityTooLow, match="2 people already have a place"):
        services.update_event(hybrid, details, make_user())
