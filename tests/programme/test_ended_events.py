"""An event that has ended shows no places left: not on its page (standard or Easy Read, one
pool or a hybrid event's two), not in the programme; one that is still to come does, and the
organisers' registrations page keeps its count."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.services import capacity
from tests.a11y import problems
from tests.factories import make_edition, make_event, make_user

PLACES_WORDS = ("place left", "places left", "No limit on places", "Full:", "This event is full")


def _page(response) -> str:
    return response.get_data(as_text=True)


def _says_no_places(page: str) -> bool:
    return "<dt>Places</dt>" not in page and not any(words in page for words in PLACES_WORDS)


@pytest.fixture
def past():
    """A webinar in 2020 with places to spare: it ended long ago."""
    return make_event(
        make_edition(2020),
        datetime(2020, 6, 30, 10, 30),
        datetime(2020, 6, 30, 11, 30),
        slug="webinar",
        title="Long ago",
        capacity=250,
    )


@pytest.fixture
def future():
    return make_event(
        make_edition(2099),
        datetime(2099, 6, 30, 10, 30),
        datetime(2099, 6, 30, 11, 30),
        slug="webinar",
        title="To come",
        capacity=10,
    )


# --- the rule ------------------------------------------------------------------------------


def test_an_event_has_ended_from_its_end_time(future):
    assert not services.has_ended(future)
    assert not services.has_ended(future, future.starts_at)  # under way: not over yet
    assert not services.has_ended(future, future.ends_at - timedelta(seconds=1))
    assert services.has_ended(future, future.ends_at)
    assert services.has_ended(future, future.ends_at + timedelta(days=1))


def test_the_event_page_places_until_the_event_ends(future):
    assert services.event_page_places(future) == services.EventPlaces(10, None)
    assert services.event_page_places(future, future.starts_at) == services.EventPlaces(10, None)
    assert services.event_page_places(future, future.ends_at) is None


def test_an_ended_events_places_are_none_whatever_its_limit(past):
    assert services.event_page_places(past) is None
    past.capacity = None
    assert services.event_page_places(past) is None
    # The count is still there for organisers.
    assert services.total_places_left(past) is None
    past.capacity = 250
    assert services.total_places_left(past) == 250


def test_a_hybrid_events_pools_until_it_ends():
    hybrid = make_event(
        make_edition(2099),
        datetime(2099, 6, 30, 10, 30),
        datetime(2099, 6, 30, 15, 0),
        format="hybrid",
        capacity=1,
        online_capacity=2,
    )
    shown = services.event_page_places(hybrid)
    assert shown == services.EventPlaces(3, {"in_person": 1, "online": 2})
    assert services.event_page_places(hybrid, hybrid.ends_at) is None


def test_lists_have_no_places_for_an_ended_event(past, future):
    assert services.places_left_for([past, future]) == {future.id: 10}


# --- pages ---------------------------------------------------------------------------------


def test_an_ended_events_page_shows_no_places(client, past):
    page = _page(client.get("/2020/events/webinar"))
    assert "Long ago" in page and problems(page) == []
    assert _says_no_places(page)
    assert "already started or taken place, so registration is closed" in page


def test_an_ended_event_without_a_limit_does_not_say_there_is_none(client, past):
    past.capacity = None
    db.session.commit()
    assert _says_no_places(_page(client.get("/2020/events/webinar")))


def test_an_ended_events_easy_read_facts_have_no_places(client, past):
    page = _page(client.get("/2020/events/webinar?version=easy"))
    assert "The main facts" in page and problems(page) == []
    assert _says_no_places(page) and "There are 250 places" not in page
    assert "already started or taken place" in page


def test_an_ended_hybrid_events_page_shows_neither_pool(client):
    make_event(
        make_edition(2020),
        datetime(2020, 6, 30, 10, 30),
        datetime(2020, 6, 30, 15, 0),
        format="hybrid",
        slug="hybrid",
        capacity=1,
        online_capacity=2,
    )
    page = _page(client.get("/2020/events/hybrid"))
    assert _says_no_places(page) and "In person:" not in page and problems(page) == []


def test_an_event_still_to_come_shows_its_places(client, future):
    page = _page(client.get("/2099/events/webinar"))
    assert "<dt>Places</dt><dd>10 places left</dd>" in page
    easy = _page(client.get("/2099/events/webinar?version=easy"))
    assert "There are 10 places left." in easy


def test_the_programme_lists_places_only_for_events_to_come(client, past, future):
    assert "event-line__places" not in _page(client.get("/2020/"))
    page = _page(client.get("/2099/"))
    assert re.search(r'event-line__places">10 places left', page)


def test_a_programme_line_loses_its_places_when_the_event_ends(client, future, monkeypatch):
    """The line is kept once rendered (cpweek/fragments.py): the key must change with time."""
    assert "10 places left" in _page(client.get("/2099/"))
    monkeypatch.setattr(capacity, "utcnow", lambda: future.ends_at + timedelta(minutes=1))
    page = _page(client.get("/2099/"))
    assert "To come" in page and "event-line__places" not in page
    event_page = _page(client.get("/2099/events/webinar"))
    assert _says_no_places(event_page)


def test_organisers_still_see_the_count_of_an_ended_event(browser, past):
    organiser = make_user(roles=(Role.ORGANISER,))
    browser.sign_in(organiser.email)
    page = _page(browser.get(f"/manage/events/{past.id}/registrations"))
    assert "250 places left" in page
