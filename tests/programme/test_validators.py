"""Validators: calendar feeds answer a 304 from a narrow query, and change whenever the file
would; the programme and event pages carry an ETag and Last-Modified for anonymous visitors,
answer 304 when nothing shown changed, and stay private for signed-in people."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import Text

from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import Edition, Event, EventStatus, Registration
from tests.factories import PASSWORD, make_edition, make_event, make_user

SHARED = "public, max-age=0, must-revalidate"


@pytest.fixture
def year_2098():
    edition = make_edition(2098)
    first = make_event(
        edition,
        datetime(2098, 6, 29, 10, 0),
        datetime(2098, 6, 29, 11, 0),
        slug="first",
        title="First event",
        summary="What we will talk about.",
        capacity=10,
        join_url="https://meet.example/first",
    )
    second = make_event(
        edition,
        datetime(2098, 6, 30, 14, 0),
        datetime(2098, 6, 30, 15, 0),
        slug="second",
        title="Second event",
        hosted_by="Carers UK",
    )
    return edition, first, second


@pytest.fixture
def feed_reader(year_2098):
    _, first, second = year_2098
    person = make_user("reader@example.org", name="Feed Reader")
    for held in (first, second):
        services.register(held, services.Applicant(name=person.name, email=None), person=person)
    token = services.calendar_token_for(person)
    db.session.commit()
    return person, f"/calendar/{token}.ics"


def _selected_event_columns(statement: str) -> set[str]:
    """The columns of the events table a SELECT names before its FROM."""
    head = re.split(r"\sFROM\s", statement, maxsplit=1)[0]
    if not head.lstrip().upper().startswith("SELECT"):
        return set()
    return {
        part.strip().split(".", 1)[1].split()[0]
        for part in head[6:].split(",")
        if "events." in part
    }


# --- calendar feeds ----------------------------------------------------------------------------


@pytest.mark.parametrize("feed", ["edition", "personal"])
def test_a_feed_answers_304_without_reading_any_text_of_its_events(
    client, count_queries, feed_reader, feed
):
    url = "/2098/calendar.ics" if feed == "edition" else feed_reader[1]
    first = client.get(url)
    assert first.status_code == 200 and b"Second event" in first.data
    text_columns = {c.name for c in Event.__table__.columns if isinstance(c.type, Text)}
    text_columns |= {"title", "hosted_by", "venue", "join_url", "slug"}
    with count_queries() as statements:
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    read = set().union(*map(_selected_event_columns, statements))
    assert read and not read & text_columns, statements
    assert not any("registrations.access_notes" in s for s in statements)


def _summary(edition, first, second):
    first.summary = "A new summary."


def _title(edition, first, second):
    second.title = "Second event, retitled"


def _host(edition, first, second):
    second.hosted_by = "Carers UK and Shared Lives"


def _cancel(edition, first, second):
    services.apply_event_changes(first, {"status": EventStatus.CANCELLED.value})


def _move(edition, first, second):
    second.starts_at = second.starts_at.replace(hour=12)


def _unpublish(edition, first, second):
    second.status = EventStatus.DRAFT.value


def _theme(edition, first, second):
    edition.theme = "A new theme"


def _zone(edition, first, second):
    edition.timezone = "Europe/Paris"


def _new_event(edition, first, second):
    db.session.add(
        Event(
            edition_id=edition.id,
            slug="third",
            title="Third",
            kind="webinar",
            format="online",
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            status=EventStatus.PUBLISHED.value,
        )
    )


CHANGES = [_summary, _title, _host, _cancel, _move, _unpublish, _theme, _zone, _new_event]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__[1:])
def test_every_change_to_what_the_edition_feed_holds_gives_a_new_file(
    client, year_2098, change: Callable
):
    before = client.get("/2098/calendar.ics")
    change(*year_2098)
    db.session.commit()
    after = client.get("/2098/calendar.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert after.data != before.data


@pytest.mark.parametrize("change", ["leave", "join link", "summary"])
def test_every_change_to_a_personal_feed_gives_a_new_file(client, year_2098, feed_reader, change):
    _, first, _ = year_2098
    person, url = feed_reader
    before = client.get(url)
    if change == "leave":
        mine = db.session.scalar(
            db.select(Registration).filter_by(event_id=first.id, person_id=person.id)
        )
        services.cancel_registration(mine)
    elif change == "join link":
        first.join_url = "https://meet.example/moved"
    else:
        first.summary = "Changed."
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.data != before.data


def test_two_readers_of_the_same_events_never_share_a_feed(client, year_2098, feed_reader):
    _, first, second = year_2098
    other = make_user("other@example.org", name="Other Reader")
    for held in (first, second):
        services.register(held, services.Applicant(name=other.name, email=None), person=other)
    token = services.calendar_token_for(other)
    db.session.commit()
    mine, theirs = client.get(feed_reader[1]), client.get(f"/calendar/{token}.ics")
    assert mine.headers["ETag"] != theirs.headers["ETag"]


# --- the programme page ------------------------------------------------------------------------


def test_the_programme_page_revalidates_for_anonymous_visitors(client, year_2098):
    page = client.get("/2098/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == SHARED
    assert "Cookie" in page.headers["Vary"]
    etag, modified = page.headers["ETag"], page.headers["Last-Modified"]
    unchanged = client.get("/2098/", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == etag
    assert client.get("/2098/", headers={"If-Modified-Since": modified}).status_code == 304
    filtered = client.get("/2098/?kind=webinar&q=second")
    assert filtered.headers["ETag"] != etag  # another page, another validator


def _register_someone(edition, first, second):
    services.register(first, services.Applicant(name="Ann", email="ann@example.org"))


def _edition_summary(edition, first, second):
    edition.summary = "Now with more events."


def _edition_draft(edition, first, second):
    edition.status = "draft"


@pytest.mark.parametrize(
    "change",
    [*CHANGES, _register_someone, _edition_summary, _edition_draft],
    ids=lambda change: change.__name__[1:],
)
def test_the_programme_page_changes_its_validators_with_what_it_shows(
    client, year_2098, change: Callable
):
    before = client.get("/2098/")
    change(*year_2098)
    db.session.commit()
    for headers in (
        {"If-None-Match": before.headers["ETag"]},
        {"If-Modified-Since": before.headers["Last-Modified"]},
    ):
        after = client.get("/2098/", headers=headers)
        assert after.status_code == 200 and after.data != before.data
        assert after.headers["ETag"] != before.headers["ETag"]


def test_a_page_showing_a_message_gets_no_validator(client, year_2098):
    etag = client.get("/2098/").headers["ETag"]
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "You have signed out.")]
    page = client.get("/2098/", headers={"If-None-Match": etag})
    assert page.status_code == 200 and b"You have signed out." in page.data
    assert "ETag" not in page.headers and "Last-Modified" not in page.headers
    assert client.get("/2098/", headers={"If-None-Match": etag}).status_code == 304


def test_signed_in_visitors_get_private_pages_without_validators(browser, year_2098):
    make_user("someone@example.org")
    etag = browser.get("/2098/").headers["ETag"]
    browser.sign_in("someone@example.org", PASSWORD)
    for url in ("/2098/", "/2098/events/first"):
        page = browser.get(url, headers={"If-None-Match": etag})
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "private, no-cache"
        assert "ETag" not in page.headers and "Last-Modified" not in page.headers


# --- event pages -------------------------------------------------------------------------------


def test_an_event_page_revalidates_within_the_visitors_session(client, app, year_2098):
    page = client.get("/2098/events/first")
    assert page.status_code == 200
    # The registration form's CSRF token belongs to this browser's session.
    assert page.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert "Cookie" in page.headers["Vary"]
    etag = page.headers["ETag"]
    again = client.get("/2098/events/first", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert (
        client.get(
            "/2098/events/first", headers={"If-Modified-Since": page.headers["Last-Modified"]}
        ).status_code
        == 304
    )
    stranger = app.test_client().get("/2098/events/first", headers={"If-None-Match": etag})
    assert stranger.status_code == 200 and stranger.headers["ETag"] != etag


def test_the_easy_read_version_has_its_own_validator(client, year_2098):
    _, first, _ = year_2098
    first.easy_read = "This is a meeting.\nIt is online."
    db.session.commit()
    standard = client.get("/2098/events/first")
    easy = client.get(
        "/2098/events/first?version=easy", headers={"If-None-Match": standard.headers["ETag"]}
    )
    assert easy.status_code == 200 and b"This is a meeting." in easy.data
    # The cookie now asks for Easy Read at the plain address: the standard copy is not current.
    plain = client.get("/2098/events/first", headers={"If-None-Match": standard.headers["ETag"]})
    assert plain.status_code == 200 and b"This is a meeting." in plain.data


@pytest.mark.parametrize(
    "change",
    [_summary, _cancel, _register_someone, _zone],
    ids=lambda change: change.__name__[1:],
)
def test_an_event_page_changes_its_validator_with_what_it_shows(client, year_2098, change):
    before = client.get("/2098/events/first")
    change(*year_2098)
    db.session.commit()
    after = client.get("/2098/events/first", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]


def test_an_events_description_change_shows_at_once(client, year_2098):
    _, first, _ = year_2098
    etag = client.get("/2098/events/first").headers["ETag"]
    first.description = "A **new** description."
    db.session.commit()
    after = client.get("/2098/events/first", headers={"If-None-Match": etag})
    assert after.status_code == 200 and b"<strong>new</strong>" in after.data


def test_a_kept_event_line_is_never_shown_after_its_event_changed(client, year_2098):
    edition, first, _ = year_2098
    assert b"10 places left" in client.get("/2098/").data
    _register_someone(edition, first, None)
    first.title = "First event, renamed"
    db.session.commit()
    page = client.get("/2098/").data
    assert b"9 places left" in page and b"First event, renamed" in page
    assert db.session.get(Edition, edition.id).year == 2098


def test_kept_event_lines_read_the_same_as_freshly_rendered_ones(client, year_2098):
    from cpweek.fragments import pieces

    pieces.clear()
    fresh = client.get("/2098/").data
    assert client.get("/2098/").data == fresh and pieces.hits


def test_a_page_that_sets_the_session_cookie_is_never_shared(client, year_2098):
    client.get("/2098/events/first")  # a session now holds this browser's CSRF secret
    page = client.get("/2098/")  # flask-login marks the session: the cookie is sent again
    assert page.headers.getlist("Set-Cookie")
    assert page.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    again = client.get("/2098/")
    assert not again.headers.getlist("Set-Cookie") and again.headers["Cache-Control"] == SHARED
