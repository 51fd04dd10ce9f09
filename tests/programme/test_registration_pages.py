"""Registering through the site, as a person would: one minute, no password, clear answers."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import EventStatus, Registration
from tests.a11y import problems
from tests.factories import make_edition, make_event, make_user, make_workshop


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def event():
    edition = make_edition(2099)
    return make_event(
        edition,
        datetime(2099, 6, 30, 10, 30),
        datetime(2099, 6, 30, 11, 30),
        slug="webinar",
        title="Carers' voices",
        capacity=1,
        join_url="https://zoom.example/j/42",
    )


FORM = {
    "name": "Ama Mensah",
    "email": "ama@example.org",
    "organisation": "Carers First",
    "access_needs": ["live_captions", "breaks"],
    "access_notes": "Vegetarian",
    "consent_to_contact": "y",
}


def test_register_from_the_event_page_without_an_account(browser, event, mailbox):
    page = _page(browser.get("/2099/events/webinar"))
    assert "1 place left" in page and problems(page) == []
    response = browser.submit("/2099/events/webinar", FORM)
    assert response.status_code == 302
    manage = response.headers["Location"]
    assert manage.startswith("/registrations/")
    page = _page(browser.get(manage))
    assert "You have a place." in page and "https://zoom.example/j/42" in page
    assert "Your place is booked" in page and problems(page) == []
    assert (
        'checked id="access_needs-2" name="access_needs" type="checkbox" value="live_captions"'
        in page
    )
    [message] = mailbox.to("ama@example.org")
    assert manage in mailbox.text(message)
    registration = db.session.scalar(select(Registration))
    assert registration.organisation == "Carers First" and registration.consent_to_contact


def test_a_full_event_offers_the_waiting_list(browser, event):
    services.register(event, services.Applicant(name="First", email="first@example.org"))
    page = _page(browser.get("/2099/events/webinar"))
    assert "Full:" in page and "Join the waiting list" in page
    response = browser.submit("/2099/events/webinar", FORM)
    page = _page(browser.get(response.headers["Location"]))
    assert "On the waiting list: number 1." in page and "zoom.example" not in page


def test_registering_twice_with_the_same_email_does_not_show_the_registration(
    browser, event, mailbox
):
    browser.submit("/2099/events/webinar", FORM)
    mailbox.messages.clear()
    other_browser = type(browser)(browser.client.application.test_client())
    typed = {**FORM, "name": "Impostor", "access_notes": "Step-free seat"}
    response = other_browser.submit("/2099/events/webinar", typed)
    # The form comes back as typed, with the message at the email address; the first
    # registration's details and its manage link stay with its owner's mailbox.
    assert response.status_code == 200
    page = _page(response)
    assert "already registered for this event" in page and "Vegetarian" not in page
    assert 'value="Impostor"' in page and "Step-free seat</textarea>" in page
    assert "/registrations/" not in page and problems(page) == []
    assert [m["X-Envelope-To"] for m in mailbox.messages] == ["ama@example.org"]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_signed_in_people_register_in_one_step(browser, event):
    make_user(email="member@example.org", name="Member Person")
    browser.sign_in("member@example.org")
    page = _page(browser.get("/2099/events/webinar"))
    assert 'id="email"' not in page and "Registering as <strong>Member Person</strong>" in page
    response = browser.submit("/2099/events/webinar", {})
    assert response.status_code == 302
    page = _page(browser.get("/2099/events/webinar"))
    assert "You are registered for this event." in page
    again = browser.submit("/2099/events/webinar", {})
    assert again.status_code == 302 and again.headers["Location"].startswith("/registrations/")


def test_errors_are_shown_and_what_was_typed_is_kept(browser, event):
    response = browser.submit(
        "/2099/events/webinar", {**FORM, "email": "ama at example", "name": ""}
    )
    page = _page(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert 'href="#name">Enter your name' in page and "cannot contain spaces" in page
    assert "Carers First" in page and "Vegetarian" in page and 'value="ama at example"' in page
    assert problems(page) == []
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


@pytest.mark.parametrize(
    "name",
    ["x" * 5000, "<script>alert(1)</script>", "Robert'); DROP TABLE registrations;--", "王小明 🌻"],
)
def test_hostile_names_never_error(browser, event, name):
    response = browser.submit("/2099/events/webinar", {**FORM, "name": name})
    assert response.status_code in (200, 302)
    assert "<script>alert(1)" not in _page(response)


def test_closed_events_say_so_instead_of_a_form(browser, event):
    event.status = EventStatus.CANCELLED.value
    db.session.commit()
    page = _page(browser.get("/2099/events/webinar"))
    assert "This event has been cancelled, so registration is closed." in page
    assert 'name="email"' not in page
    response = browser.submit("/2099/events/webinar", FORM, form_url="/sign-in")
    assert "registration is closed" in _page(response)


def test_manage_link_updates_access_needs_and_cancels(browser, event, mailbox):
    manage = browser.submit("/2099/events/webinar", FORM).headers["Location"]
    waiting = services.register(event, services.Applicant(name="Next", email="next@example.org"))
    response = browser.submit(manage, {"access_needs": ["bsl_interpreter"], "access_notes": ""})
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.name == "Ama Mensah"))
    db.session.refresh(registration)
    assert registration.access_needs == ["bsl_interpreter"]
    page = _page(browser.get(manage + "/cancel"))
    assert "Cancel your registration?" in page and problems(page) == []
    browser.submit(manage + "/cancel", {})
    assert "Cancelled." in _page(browser.get(manage))
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == "confirmed"
    assert any(m["Subject"].startswith("Good news") for m in mailbox.to("next@example.org"))


@pytest.mark.parametrize("token", ["nonsense", "x" * 3000, "eyJ0ZXN0Ijp0cnVlfQ.abc"])
def test_a_tampered_manage_link_is_404(client, token):
    assert client.get(f"/registrations/{token}").status_code == 404
    assert client.get(f"/registrations/{token}/cancel").status_code == 404


def test_the_programme_shows_places_left(client, event):
    page = _page(client.get("/2099/"))
    assert re.search(r'event-line__places">1 place left', page)


def test_access_needs_are_not_on_public_pages(client, event):
    services.register(
        event,
        services.Applicant(name="Private", email="p@example.org", access_notes="Uses a wheelchair"),
    )
    for url in ("/2099/", "/2099/events/webinar", "/2099/calendar.ics"):
        assert "wheelchair" not in _page(client.get(url))


def test_personal_feed_page_makes_and_renews_the_address(browser, event):
    make_user(email="feed@example.org", roles=(Role.ATTENDEE,))
    browser.sign_in("feed@example.org")
    browser.submit("/2099/events/webinar", {})
    page = _page(browser.get("/account/calendar"))
    assert "Carers&#39; voices" in page and "Make my calendar feed" in page and problems(page) == []
    browser.submit("/account/calendar", {})
    page = _page(browser.get("/account/calendar"))
    old = re.search(r"http://cpweek.test/calendar/([^<\"]+)\.ics", page).group(1)
    assert 'href="webcal://cpweek.test/calendar/' in page
    feed = browser.get(f"/calendar/{old}.ics")
    assert feed.status_code == 200 and b"zoom.example/j/42" in feed.data
    assert (
        browser.get(
            f"/calendar/{old}.ics", headers={"If-None-Match": feed.headers["ETag"]}
        ).status_code
        == 304
    )
    browser.submit("/account/calendar", {})
    assert browser.get(f"/calendar/{old}.ics").status_code == 404
    new = re.search(
        r"http://cpweek.test/calendar/([^<\"]+)\.ics", _page(browser.get("/account/calendar"))
    ).group(1)
    assert new != old and browser.get(f"/calendar/{new}.ics").status_code == 200


def test_event_page_query_count_is_small_and_fixed(client, event, count_queries):
    with count_queries() as queries:
        assert client.get("/2099/events/webinar").status_code == 200
    assert len(queries) <= 6


def test_conference_page_offers_workshops_and_refuses_clashes(browser):
    edition = make_edition(2099)
    conference = make_event(
        edition,
        datetime(2099, 6, 29, 10, 0),
        datetime(2099, 6, 29, 16, 0),
        kind="conference",
        slug="conf",
        title="Conference",
    )
    one = make_workshop(
        conference,
        datetime(2099, 6, 29, 11, 0),
        datetime(2099, 6, 29, 12, 0),
        title="One",
        capacity=4,
    )
    two = make_workshop(
        conference,
        datetime(2099, 6, 29, 11, 30),
        datetime(2099, 6, 29, 12, 30),
        title="Two",
        capacity=4,
    )
    page = _page(browser.get("/2099/events/conf"))
    assert "11:00 to 12:00: One (4 places left)" in page and problems(page) == []
    response = browser.submit(
        "/2099/events/conf", {**FORM, "workshops": [str(one.id), str(two.id)]}
    )
    page = _page(response)
    assert response.status_code == 200 and "run at the same time: choose one" in page
    assert 'href="#workshops-0"' in page
    response = browser.submit(
        "/2099/events/conf", {**FORM, "workshops": [str(one.id)], "companion": "y"}
    )
    assert response.status_code == 302
    page = _page(browser.get("/2099/events/conf"))
    assert "11:00 to 12:00: One (2 places left)" in page


def test_a_saved_access_profile_is_offered_and_kept_up_to_date(browser, event):
    from cpweek.auth.models import User

    make_user(email="profile@example.org")
    browser.sign_in("profile@example.org")
    page = _page(browser.get("/account/access"))
    assert problems(page) == []
    browser.submit(
        "/account/access", {"access_needs": ["large_print"], "access_notes": "Aisle seat"}
    )
    page = _page(browser.get("/2099/events/webinar"))
    assert (
        'checked id="access_needs-5" name="access_needs" type="checkbox" value="large_print"'
        in page
    )
    assert "Aisle seat" in page
    browser.submit(
        "/2099/events/webinar",
        {"access_needs": ["breaks"], "access_notes": "", "save_profile": "y"},
    )
    person = db.session.scalar(select(User).where(User.email == "profile@example.org"))
    db.session.refresh(person)
    assert person.access_needs == ["breaks"] and person.access_notes == ""
    registration = db.session.scalar(select(Registration))
    assert registration.access_needs == ["breaks"]


def test_anonymous_people_are_not_offered_a_profile(client, event):
    assert "Save my access needs" not in _page(client.get("/2099/events/webinar"))


def test_registrations_from_one_address_are_rate_limited(app, browser, event):
    app.config["REGISTRATION_LIMIT_PER_ADDRESS"], before = (
        "3 per hour",
        app.config["REGISTRATION_LIMIT_PER_ADDRESS"],
    )
    try:
        for number in range(3):
            response = browser.submit(
                "/2099/events/webinar", {**FORM, "email": f"r{number}@example.org"}
            )
            assert response.status_code == 302
        response = browser.submit("/2099/events/webinar", {**FORM, "email": "r9@example.org"})
        assert response.status_code == 429 and "Too many attempts" in _page(response)
    finally:
        app.config["REGISTRATION_LIMIT_PER_ADDRESS"] = before


def test_a_failed_registration_does_not_change_the_saved_profile(browser, event):
    from cpweek.auth.models import User

    make_user(email="keep@example.org")
    browser.sign_in("keep@example.org")
    event.status = "cancelled"
    db.session.commit()
    browser.submit("/2099/events/webinar", {"access_needs": ["breaks"], "save_profile": "y"})
    person = db.session.scalar(select(User).where(User.email == "keep@example.org"))
    db.session.refresh(person)
    assert person.access_needs == []
