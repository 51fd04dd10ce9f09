"""Organisers create, edit, publish and cancel events; changes reach people and calendars."""

from __future__ import annotations

from datetime import date, datetime

import icalendar
import pytest
from sqlalchemy import select

from cpweek import signals
from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import Event, EventHost, Registration
from tests.a11y import problems
from tests.boxes import boxes, shown_in
from tests.factories import make_edition, make_event, make_user


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def organiser(browser):
    make_user(email="org@example.org", name="Olu Organiser", roles=(Role.ORGANISER,))
    browser.sign_in("org@example.org")
    return browser


@pytest.fixture
def edition():
    return make_edition(2099, starts_on=date(2099, 6, 29), ends_on=date(2099, 7, 3))


FORM = {
    "title": "Carers' voices in commissioning",
    "slug": "",
    "kind": "webinar",
    "format": "online",
    "parent_id": "",
    "day": "2099-07-01",
    "start_time": "10:30",
    "end_time": "11:30",
    "venue": "",
    "online_platform": "Zoom",
    "join_url": "https://zoom.example/j/1",
    "capacity": "2",
    "registration_opens_at": "",
    "registration_closes_at": "",
    "hosted_by": "Carers' organisations",
    "hosts": "Priya Shah, priya@example.org\nA local carer",
    "access_offer": ["live_captions", "bsl_interpreter"],
    "summary": "Carers on panels.",
    "description": "## What to expect\n\nA **friendly** hour. <script>alert(1)</script>",
}


def test_create_an_event_as_a_draft_then_publish_it(organiser, edition):
    page = _page(organiser.get("/manage/2099/events/new"))
    assert problems(page) == []
    response = organiser.submit("/manage/2099/events/new", boxes(FORM))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.slug == "carers-voices-in-commissioning" and event.status == "draft"
    assert event.starts_at == datetime(2099, 7, 1, 9, 30, tzinfo=event.starts_at.tzinfo)
    assert event.access_offer == ["bsl_interpreter", "live_captions"] and event.capacity == 2
    hosts = db.session.scalars(select(EventHost).order_by(EventHost.position)).all()
    assert [(h.name, h.email) for h in hosts] == [
        ("Priya Shah", "priya@example.org"),
        ("A local carer", ""),
    ]
    assert organiser.get("/2099/events/carers-voices-in-commissioning").status_code == 404
    edit_page = _page(organiser.get(response.headers["Location"]))
    assert problems(edit_page) == []
    assert [shown_in(edit_page, f"start_time-{box}") for box in ("hour", "minute")] == ["10", "30"]
    organiser.submit(
        f"/manage/events/{event.id}/publish", {}, form_url=response.headers["Location"]
    )
    public = _page(organiser.get("/2099/events/carers-voices-in-commissioning"))
    assert "<h2>What to expect</h2>" in public and "<strong>friendly</strong>" in public
    assert "<script>alert(1)" not in public
    assert "British Sign Language (BSL) interpreter" in public
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["event.create", "event.publish"]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"end_time": "10:00"}, "end_time-hour", "The end time must be after the start time"),
        ({"day": "2099-02-30"}, "day-day", "The date must be a real date"),
        ({"start_time": "25:00"}, "start_time-hour", "The start time must be a real time"),
        (
            {"day": "2099-03-29", "start_time": "01:30", "end_time": "03:00"},
            "start_time-hour",
            "does not exist in UK time",
        ),
        ({"capacity": "-1"}, "capacity", "from 0 to 100,000"),
        ({"join_url": "zoom dot com"}, "join_url", "starting https://"),
        ({"hosts": "Jo, not-an-email@"}, "hosts", "Host line 1"),
        ({"title": ""}, "title", "Enter a title"),
        ({"kind": "party"}, "kind", "Not a valid choice"),
        (
            {
                "registration_opens_at": "2099-06-02T09:00",
                "registration_closes_at": "2099-06-01T09:00",
            },
            "registration_closes_at-day",
            "Registration must close after it opens",
        ),
    ],
)
def test_bad_event_input_is_refused_next_to_the_field(organiser, edition, changes, field, message):
    response = organiser.submit("/manage/2099/events/new", boxes({**FORM, **changes}))
    page = _page(response)
    assert response.status_code == 200
    assert f'href="#{field}' in page and message in page
    assert "Carers on panels." in page  # what was typed is kept
    assert db.session.scalar(select(Event)) is None


def test_a_slug_used_twice_is_refused(organiser, edition):
    make_event(edition, slug="taken")
    page = _page(organiser.submit("/manage/2099/events/new", boxes({**FORM, "slug": "taken"})))
    assert "already has this web address" in page


def test_events_outside_the_week_are_saved_with_a_warning(organiser, edition):
    response = organiser.submit("/manage/2099/events/new", boxes({**FORM, "day": "2099-09-01"}))
    page = _page(organiser.get(response.headers["Location"]))
    assert "outside the week&#39;s dates" in page


@pytest.fixture
def busy_event(edition):
    event = make_event(
        edition,
        datetime(2099, 7, 1, 10, 30),
        datetime(2099, 7, 1, 11, 30),
        slug="busy",
        title="Busy webinar",
        capacity=2,
        join_url="https://zoom.example/j/9",
    )
    for number in range(3):
        services.register(
            event, services.Applicant(name=f"P{number}", email=f"p{number}@example.org")
        )
    return event


def _form_for(event) -> dict:
    return {
        **FORM,
        "title": event.title,
        "slug": event.slug,
        "hosts": "",
        "access_offer": [],
        "description": "",
        "summary": "",
        "capacity": str(event.capacity),
        "online_platform": event.online_platform,
        "join_url": event.join_url,
    }


def test_moving_an_event_tells_everyone_once_and_updates_calendars(
    organiser, busy_event, mailbox, client
):
    feed_before = icalendar.Calendar.from_ical(client.get("/2099/calendar.ics").data)
    mailbox.messages.clear()
    response = organiser.submit(
        f"/manage/events/{busy_event.id}/edit",
        boxes({**_form_for(busy_event), "start_time": "14:00", "end_time": "15:00"}),
    )
    assert response.status_code == 302
    assert "Everyone registered has been emailed" in _page(
        organiser.get(response.headers["Location"])
    )
    recipients = sorted(m["X-Envelope-To"] for m in mailbox.messages)
    assert recipients == ["p0@example.org", "p1@example.org", "p2@example.org"]
    confirmed = mailbox.to("p0@example.org")[0]
    assert confirmed["Subject"] == "Changed: Busy webinar" and "14:00 to 15:00" in mailbox.text(
        confirmed
    )
    [invite] = list(confirmed.iter_attachments())
    [vevent] = icalendar.Calendar.from_ical(invite.get_payload(decode=True)).walk("VEVENT")
    [old] = feed_before.walk("VEVENT")
    assert vevent["uid"] == old["uid"] and vevent["sequence"] == old["sequence"] + 1
    assert vevent.decoded("dtstart").isoformat() == "2099-07-01T14:00:00+01:00"
    assert list(mailbox.to("p2@example.org")[0].iter_attachments()) == []  # waiting: no invite
    [feed_event] = icalendar.Calendar.from_ical(client.get("/2099/calendar.ics").data).walk(
        "VEVENT"
    )
    assert feed_event["sequence"] == 1 and feed_event.decoded("dtstart").hour == 14


def test_changing_only_words_tells_nobody(organiser, busy_event, mailbox):
    mailbox.messages.clear()
    organiser.submit(
        f"/manage/events/{busy_event.id}/edit",
        boxes({**_form_for(busy_event), "summary": "New words"}),
    )
    assert mailbox.messages == []
    db.session.expire_all()
    assert db.session.get(Event, busy_event.id).sequence == 0


def test_fewer_places_than_people_confirmed_is_refused(organiser, busy_event):
    page = _page(
        organiser.submit(
            f"/manage/events/{busy_event.id}/edit",
            boxes({**_form_for(busy_event), "capacity": "1"}),
        )
    )
    assert "2 people already have a place" in page and 'href="#capacity"' in page
    db.session.expire_all()
    assert db.session.get(Event, busy_event.id).capacity == 2


def test_more_places_promote_the_waiting_list(organiser, busy_event, mailbox):
    mailbox.messages.clear()
    organiser.submit(
        f"/manage/events/{busy_event.id}/edit", boxes({**_form_for(busy_event), "capacity": ""})
    )
    statuses = db.session.scalars(select(Registration.status).order_by(Registration.id)).all()
    assert statuses == ["confirmed"] * 3
    assert mailbox.to("p2@example.org")[0]["Subject"].startswith("Good news")


def test_other_domains_hear_of_each_change_once_with_what_changed(organiser, busy_event):
    heard = []

    def receiver(event, changed):
        heard.append((event.id, changed))

    url = f"/manage/events/{busy_event.id}/edit"
    moved = {**_form_for(busy_event), "hosted_by": "", "start_time": "14:00", "end_time": "15:00"}
    with signals.event_changed.connected_to(receiver):
        organiser.submit(url, boxes({**moved, "capacity": "3"}))
        organiser.submit(url, boxes({**moved, "capacity": "3"}))  # nothing changed: nothing said
        organiser.submit(f"/manage/events/{busy_event.id}/cancel", {})
    assert heard == [
        (busy_event.id, {"starts_at", "ends_at", "capacity"}),
        (busy_event.id, {"status"}),
    ]


def test_cancelling_an_event_withdraws_it_from_calendars(organiser, busy_event, mailbox, client):
    page = _page(organiser.get(f"/manage/events/{busy_event.id}/cancel"))
    assert "2 people have a place" in page and problems(page) == []
    mailbox.messages.clear()
    organiser.submit(f"/manage/events/{busy_event.id}/cancel", {})
    assert sorted(m["X-Envelope-To"] for m in mailbox.messages) == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]
    message = mailbox.to("p0@example.org")[0]
    assert message["Subject"] == "Cancelled: Busy webinar"
    [invite] = list(message.iter_attachments())
    calendar = icalendar.Calendar.from_ical(invite.get_payload(decode=True))
    assert calendar["method"] == "CANCEL"
    [feed_event] = icalendar.Calendar.from_ical(client.get("/2099/calendar.ics").data).walk(
        "VEVENT"
    )
    assert feed_event["status"] == "CANCELLED"
    assert "This event has been cancelled" in _page(client.get("/2099/events/busy"))


def test_organisers_see_every_event_with_its_numbers(organiser, busy_event):
    make_event(make_edition(2098), slug="another-year")
    page = _page(organiser.get("/manage/2099/"))
    assert "Busy webinar" in page and "2 of 2" in page and problems(page) == []


def test_unknown_events_are_404_for_organisers(organiser):
    assert organiser.get("/manage/events/424242/edit").status_code == 404
    assert organiser.get("/manage/1999/").status_code == 404


def test_organisers_add_and_change_a_year(organiser):
    page = _page(organiser.get("/manage/editions/new"))
    assert problems(page) == []
    response = organiser.submit(
        "/manage/editions/new",
        boxes(
            {
                "year": "2028",
                "theme": "Everyday equity",
                "starts_on": "2028-07-03",
                "ends_on": "2028-07-07",
                "summary": "Next year.",
                "status": "draft",
            }
        ),
    )
    assert response.headers["Location"] == "/manage/2028/"
    assert "Everyday equity" in _page(organiser.get("/2028/"))
    response = organiser.submit(
        "/manage/2028/edit",
        boxes(
            {
                "year": "2028",
                "theme": "Everyday equity",
                "starts_on": "2028-07-03",
                "ends_on": "2028-07-07",
                "summary": "Next year.",
                "status": "published",
            }
        ),
        form_url="/manage/2028/edit",
    )
    assert response.status_code == 302
    assert "Draft programme" not in _page(organiser.get("/2028/"))
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
        "edition.create",
        "edition.update",
    ]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"ends_on": "2028-07-01"}, "on or after the first day"),
        ({"year": "2099"}, "There is already a Co-production Week 2099"),
        ({"year": "1850"}, "between 2000 and 2200"),
        ({"starts_on": "2028-13-01"}, "The first day must be a real date"),
        ({"theme": ""}, "Enter the theme"),
    ],
)
def test_bad_edition_input_is_refused(organiser, edition, changes, message):
    form = {
        "year": "2028",
        "theme": "T",
        "starts_on": "2028-07-03",
        "ends_on": "2028-07-07",
        "summary": "",
        "status": "draft",
        **changes,
    }
    page = _page(organiser.submit("/manage/editions/new", boxes(form)))
    assert message in page and "There is a problem" in page


def test_a_date_missing_its_month_is_shown_inline_and_in_the_summary(organiser, edition):
    typed = {**FORM, "day-day": "1", "day-month": "", "day-year": "2099"}
    del typed["day"]
    response = organiser.submit("/manage/2099/events/new", boxes(typed))
    page = _page(response)
    assert response.status_code == 200 and db.session.scalar(select(Event)) is None
    assert '<a href="#day-month">The date must include a month</a>' in page  # the summary
    assert 'id="day-error"><span class="visually-hidden">Error:</span> The date must' in page
    assert [shown_in(page, f"day-{box}") for box in ("day", "month", "year")] == ["1", "", "2099"]
    assert [shown_in(page, f"start_time-{box}") for box in ("hour", "minute")] == ["10", "30"]
    assert "For example, 27 3 2027" in page and "Starts (UK time)" in page
    assert problems(page) == []
