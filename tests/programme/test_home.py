"""The home page for someone unsure: the next events with a button to book, that no account is
needed, and the phone line, near the top; the same few queries however many events there are."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import EditionStatus, EventStatus
from cpweek.timezones import UTC, utcnow
from tests.a11y import problems
from tests.factories import make_edition, make_event, make_user, make_workshop


def _page(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _next_events(page: str) -> str:
    """The "Next events" section: from its heading to the next h2."""
    start = page.index('<h2 id="next-events">')
    return page[start : page.index("<h2", start + 10)]


def _titles(section: str) -> list[str]:
    return re.findall(r'<h3 class="event-line__title"><a href="[^"]+">([^<]+)</a>', section)


@pytest.fixture
def year():
    """Two editions to come, so the list crosses editions."""
    return make_edition(2098), make_edition(2099)


def test_a_signed_out_person_sees_no_account_needed_and_the_phone_line_before_the_events(
    app, client, year
):
    make_event(year[0], datetime(2098, 6, 29, 10, 0), title="First webinar")
    page = _page(client.get("/"))
    phone = app.config["CPWEEK_HELP_PHONE"]
    assert "No account needed." in page
    assert f'href="tel:{phone.replace(" ", "")}">{phone}</a>' in page
    assert "Relay UK users dial 18001 first" in page
    # Near the top: both come before the list of events, inside the first block of the page.
    main = page[page.index('<main id="main-content"') :]
    assert main.index("No account needed.") < main.index('id="next-events"')
    assert main.index(phone) < main.index('id="next-events"')
    assert problems(page) == []


def test_a_signed_in_person_is_not_told_about_accounts(browser, year):
    make_user(email="member@example.org")
    browser.sign_in("member@example.org")
    page = _page(browser.get("/"))
    assert "No account needed" not in page and "Booking a place takes about a minute." in page


def test_the_next_events_across_editions_soonest_first_with_uk_time_and_a_button(client, year):
    later, sooner = year[1], year[0]
    make_event(later, datetime(2099, 6, 30, 10, 30), title="Next year's webinar", slug="web")
    make_event(sooner, datetime(2098, 6, 29, 10, 0), datetime(2098, 6, 29, 16, 0), title="Day")
    section = _next_events(_page(client.get("/")))
    assert _titles(section) == ["Day", "Next year&#39;s webinar"]
    # British Summer Time: 10:30 UK time is stored as 09:30 UTC, and shown as 10:30.
    assert "Tuesday 30 June 2099, 10:30 to 11:30 UK time" in section
    assert "Sunday 29 June 2098, 10:00 to 16:00 UK time" in section
    assert '<a class="button" href="/2099/events/web#register">Book a place' in section
    assert '<span class="visually-hidden"> at Next year&#39;s webinar</span>' in section


def test_at_most_four_are_listed(client, year):
    for day in range(1, 7):
        make_event(year[0], datetime(2098, 6, day, 10, 0), title=f"June {day}")
    assert _titles(_next_events(_page(client.get("/")))) == [f"June {d}" for d in range(1, 5)]


def test_cancelled_past_draft_and_started_events_and_workshops_are_not_listed(client, year):
    edition = year[0]
    make_event(edition, datetime(2098, 6, 29, 9, 0), title="Listed")
    make_event(edition, datetime(2098, 6, 29, 10, 0), title="Called off", status="cancelled")
    make_event(edition, datetime(2098, 6, 29, 11, 0), title="Not ready", status="draft")
    conference = make_event(
        edition, datetime(2098, 6, 30, 10, 0), datetime(2098, 6, 30, 16, 0), title="Conference"
    )
    make_workshop(
        conference, datetime(2098, 6, 30, 11, 0), datetime(2098, 6, 30, 12, 0), title="A workshop"
    )
    past = make_edition(2020)
    make_event(past, datetime(2020, 6, 29, 10, 0), title="Long ago")
    started = make_event(edition, title="Under way")
    now = utcnow()
    started.starts_at, started.ends_at = now - timedelta(hours=1), now + timedelta(hours=1)
    db.session.commit()
    section = _next_events(_page(client.get("/")))
    assert _titles(section) == ["Listed", "Conference"]
    for hidden in ("Called off", "Not ready", "A workshop", "Long ago", "Under way"):
        assert hidden not in section


def test_a_draft_editions_published_events_are_listed_and_said_to_be_draft(client):
    """Draft editions are public (their programme page says "Draft programme") and their events
    take bookings, so the home page offers them, saying they may still change; their draft
    events stay hidden like any draft event."""
    draft = make_edition(2098, EditionStatus.DRAFT.value)
    make_event(draft, datetime(2098, 6, 29, 10, 0), title="Confirmed early")
    make_event(draft, datetime(2098, 6, 29, 12, 0), title="Still a draft", status="draft")
    section = _next_events(_page(client.get("/")))
    assert _titles(section) == ["Confirmed early"]
    assert "may still change" in section


def test_a_full_event_offers_the_waiting_list(client, year):
    event = make_event(year[0], datetime(2098, 6, 29, 10, 0), title="Small", capacity=1)
    services.register(event, services.Applicant(name="First", email="first@example.org"))
    section = _next_events(_page(client.get("/")))
    assert ">Join the waiting list<span" in section and "Book a place" not in section
    assert "<strong>Full:</strong>" in section


def test_an_event_not_yet_open_says_when_instead_of_a_button(client, year):
    make_event(
        year[0],
        datetime(2098, 6, 29, 10, 0),
        title="Opens later",
        registration_opens_at=datetime(2098, 3, 2, 9, 0, tzinfo=UTC),
    )
    section = _next_events(_page(client.get("/")))
    assert "Registration opens on Sunday 2 March 2098 at 09:00 UK time." in section
    assert 'class="button"' not in section


def test_no_events_to_come_says_so(client):
    past = make_edition(2020)
    make_event(past, datetime(2020, 6, 29, 10, 0), title="Long ago")
    page = _page(client.get("/"))
    assert "There are no events to book just now." in page and "Long ago" not in page
    assert 'href="/2020/"' in page and problems(page) == []


def test_no_editions_at_all_still_says_no_account_and_the_phone(app, client):
    page = _page(client.get("/"))
    assert "There are no events to book just now." in page
    assert "No account needed." in page and app.config["CPWEEK_HELP_PHONE"] in page
    assert problems(page) == []


def test_next_events_service_leaves_out_what_cannot_be_booked(year):
    edition = year[0]
    first = make_event(edition, datetime(2098, 6, 29, 10, 0))
    second = make_event(edition, datetime(2098, 6, 30, 10, 0), capacity=0)
    make_event(edition, datetime(2098, 6, 28, 10, 0), status=EventStatus.CANCELLED.value)
    listed = services.next_events()
    assert [item.event.id for item in listed] == [first.id, second.id]
    assert [item.edition.year for item in listed] == [2098, 2098]
    assert [item.full for item in listed] == [False, True]
    assert listed[0].places_left is None and listed[0].closed_reason is None
    # An hour after the first has started, it is no longer offered.
    later = first.starts_at + timedelta(hours=1)
    assert [item.event.id for item in services.next_events(now=later)] == [second.id]
    assert services.next_events(limit=1)[0].event.id == first.id


def test_the_home_page_query_count_does_not_grow_with_events(client, count_queries, year):
    """The same number of statements for one event as for four, each with people registered
    (the most shown), and as for forty events in the week."""
    edition = year[0]

    def home_queries() -> int:
        with count_queries() as queries:
            _page(client.get("/"))
        return len(queries)

    def add(day: int, hour: int):
        event = make_event(edition, datetime(2098, 6, day, hour, 0), capacity=5)
        services.register(event, services.Applicant(name="P", email=f"p{day}-{hour}@example.org"))
        db.session.commit()

    add(1, 10)
    one = home_queries()
    for day in (2, 3, 4):
        add(day, 10)
    four = home_queries()
    for day in range(5, 15):
        for hour in (9, 11, 13):
            add(day, hour)
    many = home_queries()
    assert one == four == many
    assert len(_titles(_next_events(_page(client.get("/"))))) == 4
