"""The demo as people meet it: the real weeks' programmes back to 2022, the 2027 programme's
first release, one account per role landing where there is something to see, the longest data
a phone must fit. What `flask seed-demo` prints, and that it loads once, is in
test_demo_and_cli.py (on an empty database)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import Role, User
from cpweek.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from cpweek.extensions import db
from cpweek.programme.models import Edition, Event
from cpweek.timezones import to_local

# The demo is loaded once for the module (`demo_world`); each test loses what it adds.
pytestmark = pytest.mark.usefixtures("demo_world")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_programmes_follow_the_real_weeks():

    editions = {e.year: e for e in db.session.scalars(select(Edition))}
    assert sorted(editions) == [2022, 2024, 2025, 2026, 2027]
    assert editions[2024].theme == "Co-production: What's Missing?"
    assert (editions[2024].starts_on.isoformat(), editions[2024].ends_on.isoformat()) == (
        "2024-07-01",
        "2024-07-05",
    )
    assert editions[2025].theme == "Innovation through co-production"
    assert (editions[2025].starts_on.isoformat(), editions[2025].ends_on.isoformat()) == (
        "2025-06-30",
        "2025-07-04",
    )
    assert (
        "care equity" in editions[2026].theme.lower() and "Evidence Hub" in editions[2026].summary
    )
    assert editions[2027].is_draft

    def event(year, slug):
        return db.session.scalar(
            select(Event).where(Event.edition_id == editions[year].id, Event.slug == slug)
        )

    conference = event(2025, "innovation-conference-2025")
    start, end = to_local(conference.starts_at), to_local(conference.ends_at)
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        datetime(2025, 7, 1, 10, 0),
        datetime(2025, 7, 1, 16, 0),
    )
    workshops = db.session.scalars(select(Event).where(Event.parent_id == conference.id)).all()
    assert len(workshops) == 6
    assert all(
        conference.starts_at <= w.starts_at and w.ends_at <= conference.ends_at for w in workshops
    )
    webinar = event(2025, "lincolnshire-carers-webinar-2025")
    assert to_local(webinar.starts_at).replace(tzinfo=None) == datetime(2025, 7, 3, 10, 30)
    assert to_local(webinar.ends_at).replace(tzinfo=None) == datetime(2025, 7, 3, 11, 30)
    assert "University of Lincoln" in webinar.hosted_by
    # As the week's own page has them: the hosts by name, and the full description.
    assert "Sarah Grundy" in webinar.hosted_by and "Robert Dean" in webinar.hosted_by
    assert "Innovation Lincolnshire" in webinar.description
    assert "respite" in webinar.description
    launch = event(2025, "embracing-change-report-launch-2025")
    assert (launch.kind, launch.format) == ("launch", "in_person")
    assert "Westminster" in launch.venue and "Embracing change" in launch.title
    kinds_2025 = set(
        db.session.scalars(select(Event.kind).where(Event.edition_id == editions[2025].id))
    )
    assert {"conference", "workshop", "webinar", "q_and_a", "launch"} <= kinds_2025
    open_2027 = db.session.scalars(
        select(Event).where(Event.edition_id == editions[2027].id, Event.status == "published")
    ).all()
    assert len(open_2027) >= 3 and all(e.registration_opens_at for e in open_2027)
    texts = " ".join(e.summary + e.title for e in db.session.scalars(select(Event))).lower()
    assert "lorem" not in texts and "ipsum" not in texts


def test_the_archive_goes_back_to_2022_and_its_webinar_on_impact(client):
    """The seventh week, as its own page has it: the theme, the dates, what the week produced,
    and the webinar led by the report's authors, its day and time illustrative and said so."""

    edition = db.session.scalar(select(Edition).where(Edition.year == 2022))
    assert edition.theme == "The impact of co-production" and not edition.is_draft
    assert (edition.starts_on.isoformat(), edition.ends_on.isoformat()) == (
        "2022-07-04",
        "2022-07-09",
    )
    for made in (
        "seventh",
        "Developing our understanding of the difference co-production makes in social care",
        "Co-production: what it is and how to do it",
        "Examples of co-production in social care",
        "Views from Suffolk and South Wales",
        "John Evans",
    ):
        assert made in edition.summary, made
    (webinar,) = db.session.scalars(select(Event).where(Event.edition_id == edition.id)).all()
    assert (webinar.slug, webinar.kind, webinar.format, webinar.status) == (
        "impact-of-coproduction-webinar-2022",
        "webinar",
        "online",
        "published",
    )
    assert "Sharon Stevens" in webinar.hosted_by and "Patrick Wood" in webinar.hosted_by
    assert "Developing our understanding" in webinar.description
    assert "time of the webinar are illustrative" in webinar.description
    start, end = to_local(webinar.starts_at), to_local(webinar.ends_at)
    assert edition.starts_on <= start.date() <= edition.ends_on and start < end

    page = client.get("/2022/").get_data(as_text=True)
    assert "The impact of co-production" in page and "Webinar: the impact of co-production" in page
    event_page = client.get(f"/2022/events/{webinar.slug}").get_data(as_text=True)
    assert "Sharon Stevens and Patrick Wood" in event_page
    assert "registration is closed" in event_page and 'name="email"' not in event_page
    assert 'href="/2022/"' in client.get("/editions").get_data(as_text=True)
    # The archive is only an archive: the home page still leads with the week to come.
    home = client.get("/").get_data(as_text=True)
    assert 'href="/2022/"' in home and "<h1>The impact of co-production</h1>" not in home
    assert "<h1>Sharing power in everyday practice</h1>" in home


def test_one_demo_account_per_role_can_sign_in(browser):

    held = set()
    for email, _, roles in DEMO_ACCOUNTS:
        browser.sign_in(email, DEMO_PASSWORD)
        browser.sign_out()
        held |= set(roles)
    assert held | {Role.ATTENDEE} == set(Role)


def test_the_demo_shows_the_2027_programmes_first_release(client):
    """Published the way the app publishes one: the decision agreed by a co-producer, the
    session placed in the draft, the release signed off by an organiser and a co-producer."""
    from xml.etree import ElementTree

    from cpweek.coproduction import schedule
    from cpweek.coproduction import services as coproduction
    from cpweek.coproduction.models import Proposal, Release

    edition = db.session.scalar(select(Edition).where(Edition.year == 2027))
    (release,) = schedule.releases(edition)
    assert release.number == 1 and [c["kind"] for c in release.changes] == ["added"]
    assert sorted(s.perspective for s, _ in schedule.sign_offs(release)) == [
        "co_producer",
        "organiser",
    ]
    event = db.session.scalar(
        select(Event).where(
            Event.edition_id == edition.id, Event.title == "Easy Read, done together"
        )
    )
    assert event.status == "published" and event.registration_opens_at is not None
    assert to_local(event.starts_at).replace(tzinfo=None) == datetime(2027, 7, 1, 14, 0)

    page = client.get("/2027/changes").get_data(as_text=True)
    assert "No releases yet" not in page
    assert "Release 1" in page and "Easy Read, done together" in page
    assert client.get(f"/2027/events/{event.slug}").status_code == 200

    feed = ElementTree.fromstring(client.get("/2027/changes.atom").data)  # noqa: S314 (ours)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entries] == ["Release 1"]
    assert "Added: Easy Read, done together" in entries[0].findtext(f"{atom}content")

    # What the demo leaves to try: a decision still waiting, a draft session still to place.
    assert seed_demo().releases == 0 and _count(Release) == 1
    _placed, unplaced = schedule.draft(edition)
    assert [e.slug for e in unplaced] == ["week-review-2027"]
    waiting = db.session.scalar(
        select(Proposal).where(Proposal.title == "Carers' own evidence: what counts?")
    )
    assert coproduction.current_decision(waiting).stands_at is None
    made = client.get("/2027/how-it-was-made").get_data(as_text=True)
    assert "Accepted proposals" in made and "Easy Read, done together" in made


START_PAGES = [
    # who, the page their role starts from, what it must show (not an empty state)
    ("attendee@example.org", "/account/calendar", "Carers&#39; voices in commissioning"),
    ("contributor@example.org", "/involvement/", "Reviewing proposals"),
    ("coproducer@example.org", "/review/2027/", "Easy Read, done together"),
    ("organiser@example.org", "/ledger/", "Waiting for a decision"),
    ("admin@example.org", "/admin/people", "Marcus Bell"),
    ("ama@example.org", "/involvement/", "Co-facilitating a workshop"),
]


@pytest.mark.parametrize("email, start, shows", START_PAGES)
def test_each_demo_account_lands_where_there_is_something_to_see(browser, email, start, shows):

    assert browser.sign_in(email, DEMO_PASSWORD).headers["Location"] == "/"
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/2027/"' in home
    page = browser.get(start)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert shows in text, start
    for empty in ("not registered for any events yet", "Nothing is waiting.", "No entries"):
        assert empty not in text, (start, empty)


def test_the_demo_holds_the_longest_data_a_phone_must_fit():
    from cpweek.demo import LONG_NAME

    ama = db.session.scalar(select(User).where(User.email == "ama@example.org"))
    assert ama.name == LONG_NAME and len(LONG_NAME) == 60
    assert max(len(word) for word in re.split(r"[ -]", LONG_NAME)) >= 30
    sam = db.session.scalar(select(User).where(User.email == "attendee@example.org"))
    assert sam.calendar_token
