"""The public programme: home page, the archive, an edition's programme by day, an event."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from cpweek.auth.models import Role
from cpweek.programme import services
from cpweek.programme.models import EditionStatus, EventStatus
from tests.factories import make_edition, make_event, make_user, make_workshop


def _page(response) -> str:
    return response.get_data(as_text=True)


# --- which edition is current ------------------------------------------------------------


@pytest.fixture
def three_years():
    return [make_edition(2025), make_edition(2026), make_edition(2027, EditionStatus.DRAFT.value)]


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2026, 6, 30), 2026),  # during the week
        (date(2026, 7, 2), 2026),  # its last day
        (date(2026, 11, 22), 2027),  # after one, before the next
        (date(2025, 1, 1), 2025),  # before them all
        (date(2030, 1, 1), 2027),  # after them all: the most recent
    ],
)
def test_current_or_next_edition(three_years, today, expected):
    assert services.current_or_next_edition(today).year == expected


def test_no_editions_at_all(client):
    assert services.current_or_next_edition(date(2026, 1, 1)) is None
    assert "has not been published yet" in _page(client.get("/"))


def test_home_page_shows_the_next_editions_theme_dates_and_links(client):
    edition = make_edition(
        2099,
        EditionStatus.DRAFT.value,
        theme="Sharing power",
        starts_on=date(2099, 6, 29),
        ends_on=date(2099, 7, 3),
    )
    make_edition(2024, theme="Co-production: What's Missing?")
    page = _page(client.get("/"))
    assert "<h1>Sharing power</h1>" in page
    assert "29 June to 3 July 2099" in page and "Coming up" in page
    assert "Draft programme" in page
    assert f'href="/{edition.year}/"' in page
    assert 'href="/2024/"' in page and "Co-production: What&#39;s Missing?" in page


# --- the programme page -------------------------------------------------------------------


def test_programme_lists_events_by_day_in_uk_time(client):
    edition = make_edition(2025, starts_on=date(2025, 6, 30), ends_on=date(2025, 7, 4))
    conference = make_event(
        edition,
        datetime(2025, 7, 1, 10, 0),
        datetime(2025, 7, 1, 16, 0),
        title="Online conference",
        kind="conference",
        slug="conference",
    )
    make_workshop(
        conference,
        datetime(2025, 7, 1, 11, 0),
        datetime(2025, 7, 1, 12, 15),
        title="Carers workshop",
    )
    make_event(
        edition,
        datetime(2025, 7, 3, 10, 30),
        datetime(2025, 7, 3, 11, 30),
        title="Lincolnshire webinar",
    )
    make_event(
        edition, datetime(2025, 7, 2, 9, 0), title="Secret draft", status=EventStatus.DRAFT.value
    )
    make_event(
        edition, datetime(2025, 7, 4, 9, 0), title="Called off", status=EventStatus.CANCELLED.value
    )
    page = _page(client.get("/2025/"))
    days = re.findall(r'<h2 id="day-[^"]+">([^<]+)</h2>', page)
    assert days == ["Tuesday 1 July 2025", "Thursday 3 July 2025", "Friday 4 July 2025"]
    assert '<time datetime="2025-07-01T09:00:00+00:00">10:00</time>' in page  # BST shown as UK time
    assert (
        page.index("Online conference")
        < page.index("Carers workshop")
        < page.index("Lincolnshire webinar")
    )
    assert 'aria-label="Workshops in Online conference"' in page
    assert "Secret draft" not in page
    assert "Called off" in page and "Cancelled" in page
    assert "4 events" in page


def test_a_january_event_is_shown_in_gmt(client):
    edition = make_edition(2027, starts_on=date(2027, 1, 11), ends_on=date(2027, 1, 15))
    make_event(edition, datetime(2027, 1, 12, 10, 0), datetime(2027, 1, 12, 11, 0), slug="winter")
    assert '<time datetime="2027-01-12T10:00:00+00:00">10:00</time>' in _page(client.get("/2027/"))
    assert "(GMT)" in _page(client.get("/2027/events/winter"))


def test_unknown_years_and_events_are_404(client):
    edition = make_edition(2025)
    make_event(edition, slug="hidden", status=EventStatus.DRAFT.value)
    assert client.get("/1999/").status_code == 404
    assert client.get("/2025/events/nope").status_code == 404
    assert client.get("/2025/events/hidden").status_code == 404
    assert client.get("/2025/events/" + "x" * 3000).status_code == 404
    assert client.get("/99999999999999999999/").status_code == 404


def test_event_page_shows_everything_a_person_needs(client):
    """An event still to come (once it has ended its page has no places: test_ended_events)."""
    edition = make_edition(2031)
    conference = make_event(
        edition,
        datetime(2031, 6, 29, 10, 0),
        datetime(2031, 6, 29, 16, 0),
        slug="conf",
        title="The conference",
        kind="conference",
        capacity=500,
    )
    make_workshop(
        conference,
        datetime(2031, 6, 29, 11, 0),
        datetime(2031, 6, 29, 12, 0),
        slug="ws",
        title="A workshop",
    )
    page = _page(client.get("/2031/events/conf"))
    assert "<h1>The conference</h1>" in page
    assert "Sunday 29 June 2031" in page and "10:00 to 16:00 UK time (BST)" in page
    assert "500 places" in page and "A workshop" in page
    workshop = _page(client.get("/2031/events/ws"))
    assert 'href="/2031/events/conf">The conference</a>' in workshop


def test_the_join_link_is_never_on_public_pages(client):
    edition = make_edition(2025)
    make_event(edition, slug="secret-link", join_url="https://zoom.example/j/123456")
    assert "zoom.example" not in _page(client.get("/2025/"))
    assert "zoom.example" not in _page(client.get("/2025/events/secret-link"))


def test_archive_lists_every_edition_newest_first(client):
    make_edition(2024)
    make_edition(2026)
    make_edition(2025)
    page = _page(client.get("/editions"))
    assert page.index("/2026/") < page.index("/2025/") < page.index("/2024/")


def test_event_descriptions_are_escaped(client):
    edition = make_edition(2025)
    make_event(
        edition,
        slug="x",
        title="<img src=x onerror=alert(1)>",
        description="<script>alert(2)</script>",
    )
    page = _page(client.get("/2025/events/x"))
    assert "<script>alert(2)" not in page and "<img src=x" not in page


# --- SQL queries do not grow with the number of events --------------------------------------


def _fill(edition, how_many):
    first = datetime(edition.year, 6, 28, 9, 0)
    parent = None
    for number in range(how_many):
        starts = first + timedelta(days=number % 5, minutes=10 * (number % 40))
        event = make_event(
            edition,
            starts,
            starts + timedelta(minutes=45),
            parent_id=parent.id if parent and number % 3 else None,
        )
        if number % 10 == 0:
            parent = event


def _bulk_fill(edition, how_many):
    """Many events in one insert (the page is under test, not the factory)."""
    from cpweek.extensions import db
    from cpweek.programme.models import Event
    from cpweek.timezones import from_local

    first = datetime(edition.year, 6, 28, 9, 0)
    db.session.add_all(
        Event(
            edition_id=edition.id,
            slug=f"bulk-{n}",
            title=f"Bulk {n}",
            kind="webinar",
            format="online",
            status="published",
            access_offer=["live_captions"],
            starts_at=from_local(first + timedelta(days=n % 5, minutes=10 * (n % 40))),
            ends_at=from_local(first + timedelta(days=n % 5, minutes=10 * (n % 40) + 45)),
        )
        for n in range(how_many)
    )
    db.session.commit()


def test_programme_page_query_count_is_constant(client, count_queries):
    small, large = make_edition(2030), make_edition(2031)
    _fill(small, 3)
    _bulk_fill(large, 320)
    counts = {}
    for edition in (small, large):
        with count_queries() as queries:
            response = client.get(f"/{edition.year}/")
        assert response.status_code == 200
        counts[edition.year] = len(queries)
    # one more than before the evidence room: the edition's hubs, linked from its page; and one
    # for the edition's resources with their formats (resources.services.linked.for_edition)
    assert counts[2030] == counts[2031] <= 6


def test_home_and_archive_query_counts_are_constant(client, count_queries):
    make_edition(2030)
    with count_queries() as few:
        client.get("/")
        client.get("/editions")
    for year in range(2031, 2041):
        make_edition(year)
    with count_queries() as many:
        client.get("/")
        client.get("/editions")
    assert len(few) == len(many)


# --- organisers' overview -----------------------------------------------------------------


def test_manage_page_counts_events_by_status(browser):
    edition = make_edition(2027)
    make_event(edition)
    make_event(edition, status=EventStatus.DRAFT.value)
    make_event(edition, status=EventStatus.DRAFT.value)
    make_event(edition, status=EventStatus.CANCELLED.value)
    make_user(email="org@example.org", roles=(Role.ORGANISER,))
    browser.sign_in("org@example.org")
    page = _page(browser.get("/manage/"))
    row = re.search(
        r'<tr>\s*<th scope="row"><a href="/manage/2027/">2027.*?</th>(.*?)</tr>', page, re.S
    ).group(1)
    cells = re.findall(r'<td class="numeric">(\d+)</td>', row)
    assert cells == ["2", "1", "1", "4"]  # draft, published, cancelled, all


def test_navigation_fits_the_persons_roles(browser):
    make_user(email="plain@example.org")
    make_user(email="both@example.org", roles=(Role.ORGANISER, Role.ADMIN))
    anonymous = _page(browser.get("/"))
    assert "Sign in" in anonymous and "Manage programme" not in anonymous
    browser.sign_in("plain@example.org")
    plain = _page(browser.get("/"))
    assert (
        "Your account" in plain
        and "Manage programme" not in plain
        and "People and roles" not in plain
    )
    browser.sign_out()
    browser.sign_in("both@example.org")
    both = _page(browser.get("/"))
    assert "Manage programme" in both and "People and roles" in both


@pytest.mark.parametrize(
    "today, phase, words",
    [
        (date(2026, 6, 29), "now", "Happening now"),
        (date(2026, 6, 1), "upcoming", "Coming up"),
        (date(2026, 8, 1), "past", "Most recent"),
    ],
)
def test_edition_phase(client, monkeypatch, today, phase, words):
    edition = make_edition(2026, starts_on=date(2026, 6, 29), ends_on=date(2026, 7, 3))
    assert services.edition_phase(edition, today) == phase
    monkeypatch.setattr(services, "today_in", lambda zone_name=None: today)
    assert f"{words}:" in _page(client.get("/"))


def test_programme_filters_by_kind_format_access_and_words(client):
    edition = make_edition(2099)
    conference = make_event(
        edition,
        datetime(2099, 6, 29, 10, 0),
        datetime(2099, 6, 29, 16, 0),
        kind="conference",
        title="Big day",
        slug="big",
    )
    make_workshop(
        conference,
        datetime(2099, 6, 29, 11, 0),
        datetime(2099, 6, 29, 12, 0),
        title="Carers workshop",
        access_offer=["bsl_interpreter"],
    )
    make_event(
        edition,
        datetime(2099, 6, 30, 11, 0),
        kind="webinar",
        title="Rural webinar",
        format="online",
        access_offer=["live_captions"],
    )
    make_event(
        edition,
        datetime(2099, 7, 1, 11, 0),
        kind="other",
        title="Leeds meet-up",
        format="in_person",
    )

    def titles(query):
        page = _page(client.get("/2099/?" + query))
        return re.findall(r'<a href="/2099/events/[^"]+">([^<]+)</a>', page)

    assert titles("") == ["Big day", "Carers workshop", "Rural webinar", "Leeds meet-up"]
    assert titles("kind=webinar") == ["Rural webinar"]
    assert titles("format=in_person") == ["Leeds meet-up"]
    assert titles("access=bsl_interpreter") == ["Big day", "Carers workshop"]  # shown in place
    assert titles("q=RURAL") == ["Rural webinar"]
    assert titles("kind=webinar&access=bsl_interpreter") == []
    assert titles("kind=nonsense&access=%3Cscript%3E") == titles("")
    assert "1 of 4 events match" in _page(client.get("/2099/?kind=webinar"))
