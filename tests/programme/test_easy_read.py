"""Easy Read: what organisers write (and the rules for its picture), the switch that keeps a
person's choice, the Easy Read event page and registration form, and the Easy Read emails."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import easy_read, services
from cpweek.programme.models import Event, Registration
from cpweek.timezones import from_local
from tests.a11y import problems
from tests.boxes import boxes
from tests.factories import make_edition, make_event, make_user, make_webinar

EVENT = "/2099/events/webinar"
EASY_TEXT = "This is a talk on the internet.\nCarers tell you what they changed."


def _page(response) -> str:
    return response.get_data(as_text=True)


def _switch(browser, version: str, next_url: str = EVENT):
    return browser.submit(
        "/reading-version", {"version": version, "next": next_url}, form_url=next_url
    )


# --- the rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://pictures.example.org/easy/people.png",
        "https://pictures.example.org:8443/a.svg",
        "/static/img/easy-read/meeting.svg",
        "",
    ],
)
def test_picture_addresses_that_can_be_used(address):
    assert easy_read.picture_problem(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "http://pictures.example.org/a.png",  # not over a secure link
        "javascript:alert(1)",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "//pictures.example.org/a.png",
        "https://",
        "https://user:secret@pictures.example.org/a.png",
        "https://pictures.example.org/a b.png",
        "https://pictures.example.org;script-src *",
        "/static/../cpweek/config.py",
        "/sign-out",
        "/static/img/a.png?x=1",
        "\\\\server\\a.png",
    ],
)
def test_picture_addresses_that_are_refused(address):
    assert easy_read.picture_problem(address)


def test_a_picture_needs_alt_text_and_alt_text_needs_a_picture():
    with pytest.raises(easy_read.EasyReadInvalid) as refused:
        easy_read.check(EASY_TEXT, "https://pictures.example.org/a.png", "")
    assert refused.value.field == "easy_read_image_alt"
    with pytest.raises(easy_read.EasyReadInvalid) as refused:
        easy_read.check(EASY_TEXT, "", "Two people talking")
    assert refused.value.field == "easy_read_image_url"
    with pytest.raises(easy_read.EasyReadInvalid) as refused:
        easy_read.check("", "https://pictures.example.org/a.png", "Two people talking")
    assert refused.value.field == "easy_read"
    with pytest.raises(easy_read.EasyReadInvalid) as refused:
        easy_read.check("A line.\n" * 31, "", "")
    assert refused.value.field == "easy_read"
    assert easy_read.check(EASY_TEXT, "https://pictures.example.org/a.png", "People") == []


def test_long_lines_are_saved_with_a_warning():
    long_line = " ".join(["word"] * 25)
    warnings = easy_read.check(f"Short line.\n{long_line}", "", "")
    assert warnings == [
        "Easy Read line 2 has 25 words. Easy Read works best with short lines: "
        "try 15 words or fewer."
    ]


def test_times_and_days_are_written_the_easy_read_way():
    def at(hour, minute=0):
        return from_local(datetime(2099, 6, 30, hour, minute))

    assert easy_read.easy_time(at(10)) == "10am"
    assert easy_read.easy_time(at(13, 30)) == "1:30pm"
    assert easy_read.easy_time(at(12)) == "12 noon"
    assert easy_read.easy_time(at(0)) == "12 midnight"
    assert easy_read.easy_when(at(10, 30), at(11, 30)) == [
        "Tuesday 30 June 2099.",
        "10:30am to 11:30am.",
    ]


def test_the_page_allows_only_the_pictures_host():
    assert easy_read.picture_origin("https://Pictures.example.org/a.png") == (
        "https://pictures.example.org"
    )
    assert easy_read.picture_origin("/static/img/easy-read/meeting.svg") is None
    assert easy_read.picture_origin("http://pictures.example.org/a.png") is None


def _details(**easy) -> services.EventDetails:
    return services.EventDetails(
        title="Carers' voices",
        slug="carers-voices",
        kind="webinar",
        format="online",
        starts_at=from_local(datetime(2099, 6, 30, 10, 30)),
        ends_at=from_local(datetime(2099, 6, 30, 11, 30)),
        **easy,
    )


def test_the_event_services_refuse_a_picture_without_alt_text():
    edition = make_edition(2099)
    organiser = make_user(roles=(Role.ORGANISER,))
    with pytest.raises(easy_read.EasyReadInvalid):
        services.create_event(
            edition,
            _details(easy_read=EASY_TEXT, easy_read_image_url="https://p.example.org/a.png"),
            organiser,
        )
    event, warnings = services.create_event(
        edition,
        _details(
            easy_read=EASY_TEXT,
            easy_read_image_url="https://p.example.org/a.png",
            easy_read_image_alt="Two people talking",
        ),
        organiser,
    )
    assert warnings == [] and event.easy_read == EASY_TEXT
    assert event.easy_read_image_alt == "Two people talking"


def test_changing_only_the_easy_read_text_tells_nobody(mailbox):
    event = make_webinar()
    organiser = make_user(roles=(Role.ORGANISER,))
    services.register(event, services.Applicant(name="Ama", email="ama@example.org"))
    mailbox.messages.clear()
    sequence = event.sequence
    details = _details(easy_read=EASY_TEXT)
    details.title, details.slug, details.capacity = event.title, event.slug, event.capacity
    update = services.update_event(event, details, organiser)
    assert update.changed == {"easy_read"} and not update.calendars_updated
    assert event.sequence == sequence and mailbox.messages == []


# --- organisers write it beside the standard text ----------------------------------------------


EVENT_FORM = boxes(
    {
        "title": "Carers' voices",
        "slug": "",
        "kind": "webinar",
        "format": "online",
        "parent_id": "",
        "day": "2099-07-01",
        "start_time": "10:30",
        "end_time": "11:30",
        "online_platform": "Zoom",
        "summary": "Carers on panels.",
        "description": "Carers on commissioning panels.",
        "easy_read": "  This is a talk on the internet.\n\n  Carers tell you what they changed.  ",
        "easy_read_image_url": "https://pictures.example.org/talk.png",
        "easy_read_image_alt": "Two people talking",
    }
)


@pytest.fixture
def organiser(browser):
    make_user(email="org@example.org", roles=(Role.ORGANISER,))
    browser.sign_in("org@example.org")
    return browser


def test_an_organiser_writes_easy_read_beside_the_description(organiser):
    make_edition(2099, starts_on=date(2099, 6, 29), ends_on=date(2099, 7, 3))
    form = _page(organiser.get("/manage/2099/events/new"))
    assert problems(form) == []
    assert form.index('id="description"') < form.index('id="easy_read"')
    assert "How to write Easy Read" in form and "One idea a line" in form
    response = organiser.submit("/manage/2099/events/new", EVENT_FORM)
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    # Blank lines and spaces around the ideas are dropped: one idea a line.
    assert event.easy_read == EASY_TEXT
    assert event.easy_read_image_url == "https://pictures.example.org/talk.png"
    edit = _page(organiser.get(response.headers["Location"]))
    assert "This is a talk on the internet." in edit and 'value="Two people talking"' in edit


def test_a_picture_without_alt_text_is_refused_next_to_the_field(organiser):
    make_edition(2099, starts_on=date(2099, 6, 29), ends_on=date(2099, 7, 3))
    response = organiser.submit(
        "/manage/2099/events/new", {**EVENT_FORM, "easy_read_image_alt": ""}
    )
    page = _page(response)
    assert response.status_code == 200 and problems(page) == []
    assert page.startswith("<!doctype html>") and "<title>Error:" in page
    message = "Describe the picture for people who cannot see it (alt text)"
    assert f'<a href="#easy_read_image_alt">{message}</a>' in page
    assert 'id="easy_read_image_alt-error"' in page
    assert "This is a talk on the internet." in page  # what was typed is kept
    assert db.session.scalar(select(Event)) is None


def test_an_insecure_picture_address_is_refused(organiser):
    make_edition(2099, starts_on=date(2099, 6, 29), ends_on=date(2099, 7, 3))
    page = _page(
        organiser.submit(
            "/manage/2099/events/new",
            {**EVENT_FORM, "easy_read_image_url": "http://pictures.example.org/a.png"},
        )
    )
    assert 'id="easy_read_image_url-error"' in page and "starting https://" in page
    assert db.session.scalar(select(Event)) is None


@pytest.mark.parametrize("role", [None, Role.CONTRIBUTOR, Role.CO_PRODUCER])
def test_only_organisers_edit_the_easy_read_text(browser, role):
    event = make_webinar(easy_read="Kept.")
    url = f"/manage/events/{event.id}/edit"
    if role is None:
        response = browser.submit(url, {**EVENT_FORM}, form_url=EVENT)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    else:
        make_user(email="someone@example.org", roles=(role,))
        browser.sign_in("someone@example.org")
        response = browser.submit(url, {**EVENT_FORM}, form_url=EVENT)
        assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Event, event.id).easy_read == "Kept."


# --- the switch -----------------------------------------------------------------------------


def test_the_switch_keeps_the_choice_across_pages_signed_out(browser):
    webinar = make_webinar(easy_read=EASY_TEXT)
    other = make_event(services.get_edition_by_id(webinar.edition_id), slug="other")
    assert other.easy_read == ""
    standard = _page(browser.get(EVENT))
    assert "This page is also in <strong>Easy Read</strong>" in standard
    assert 'name="version" value="easy">Easy Read version</button>' in standard
    assert "This is a talk on the internet." not in standard
    response = _switch(browser, "easy")
    assert response.status_code == 302 and response.headers["Location"] == EVENT
    cookie = response.headers["Set-Cookie"]
    assert "reading_version=easy" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    easy = _page(browser.get(EVENT))
    assert "You are reading the <strong>Easy Read</strong> version of this page." in easy
    assert 'name="version" value="standard">Standard version</button>' in easy
    assert "<p>This is a talk on the internet.</p>" in easy
    # Another page remembers it too.
    assert "This event has no Easy Read words yet." in _page(browser.get("/2099/events/other"))
    assert _switch(browser, "standard").status_code == 302
    assert "This is a talk on the internet." not in _page(browser.get(EVENT))


def test_a_link_to_the_easy_read_version_keeps_the_choice_like_the_switch(browser):
    make_webinar()
    response = browser.get(f"{EVENT}?version=easy")
    assert "reading_version=easy" in response.headers["Set-Cookie"]
    # The form posts to the page without the query: it is still read in Easy Read.
    browser.submit(EVENT, REGISTRATION, form_url=f"{EVENT}?version=easy")
    assert db.session.scalar(select(Registration)).easy_read is True
    browser.get(f"{EVENT}?version=standard")
    assert "You are reading the" not in _page(browser.get(EVENT))


def test_the_switch_works_signed_in(browser):
    make_webinar(easy_read=EASY_TEXT)
    make_user(email="sam@example.org")
    browser.sign_in("sam@example.org")
    _switch(browser, "easy")
    page = _page(browser.get(EVENT))
    assert "You are reading the <strong>Easy Read</strong> version" in page
    assert "Registering as" in page  # still signed in, same form


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_the_switch_never_leaves_the_site(browser, next_url):
    make_webinar()
    token = browser.csrf_token(EVENT)
    response = browser.client.post(
        "/reading-version", data={"version": "easy", "next": next_url, "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_switch_needs_its_token_and_a_known_version(browser):
    make_webinar()
    assert browser.client.post("/reading-version", data={"version": "easy"}).status_code == 400
    assert _switch(browser, "shouting").status_code == 400
    assert browser.client.get_cookie("reading_version") is None


# --- the Easy Read event page -----------------------------------------------------------------


def test_the_easy_read_page_shows_the_text_picture_and_main_facts(browser):
    make_webinar(
        online_platform="Zoom",
        easy_read=EASY_TEXT,
        easy_read_image_url="https://pictures.example.org/talk.png",
        easy_read_image_alt="Two people talking",
        access_offer=["live_captions"],
    )
    response = browser.get(f"{EVENT}?version=easy")
    page = _page(response)
    assert problems(page) == []
    assert (
        '<img class="easy-read__picture" src="https://pictures.example.org/talk.png" '
        'alt="Two people talking">' in page
    )
    lines = re.search(r'<div class="easy-read__lines">(.*?)</div>', page).group(1)
    assert (
        lines == "<p>This is a talk on the internet.</p><p>Carers tell you what they changed.</p>"
    )
    for fact in [
        "<dt>What</dt><dd><p>Carers&#39; voices.</p><p>A webinar.",
        "<p>Tuesday 30 June 2099.</p><p>10:30am to 11:30am.</p><p>This is UK time.</p>",
        "<p>Online, on Zoom.</p>",
        "There are 10 places left.",
        '<a href="#register">Go to the form</a>',
        "Live captions (speech to text)",
        "020 7946 0123",
        "If you use Relay UK, dial 18001 first.",
    ]:
        assert fact in page, fact
    assert (
        "img-src 'self' data: https://pictures.example.org;"
        in (response.headers["Content-Security-Policy"])
    )
    assert "Cookie" in response.headers["Vary"]
    # The standard page carries no picture, so it allows no other host.
    standard = browser.get(f"{EVENT}?version=standard")
    assert "pictures.example.org" not in standard.headers["Content-Security-Policy"]
    assert "pictures.example.org" not in _page(standard)


def test_without_easy_read_text_the_page_says_so_and_gives_the_facts(browser):
    edition = make_edition(2099)
    make_event(
        edition,
        datetime(2099, 6, 30, 12, 0),
        datetime(2099, 6, 30, 15, 30),
        slug="webinar",
        title="Gathering",
        format="hybrid",
        venue="Council House, Birmingham",
        online_platform="Zoom",
        capacity=0,
        online_capacity=5,
    )
    page = _page(browser.get(f"{EVENT}?version=easy"))
    assert problems(page) == []
    assert "This event has no Easy Read words yet." in page
    assert "12 noon to 3:30pm." in page and "This is UK time." in page
    assert "You can come in person or join online." in page
    assert "In person at: Council House, Birmingham." in page
    assert "There are 5 places left." in page


def test_a_cancelled_or_closed_event_says_why_in_the_facts(browser):
    make_webinar(status="cancelled")
    page = _page(browser.get(f"{EVENT}?version=easy"))
    assert "This event has been cancelled, so registration is closed." in page
    assert "Go to the form" not in page


# --- the Easy Read registration form ------------------------------------------------------------


REGISTRATION = {"name": "Ama Mensah", "email": "ama@example.org", "access_needs": ["breaks"]}


def test_the_easy_read_form_has_simpler_words_for_the_same_fields(browser):
    make_webinar()
    standard = _page(browser.get(EVENT))
    easy = _page(browser.get(f"{EVENT}?version=easy"))
    assert "Do you need help to take part?" in easy and "Access needs (optional)" in standard
    assert "Do you need help to take part?" not in standard
    assert "We send you an email about your place." in easy
    field_names = set(re.findall(r'name="([a-z_]+)"', standard)) - {"version", "next"}
    assert field_names == set(re.findall(r'name="([a-z_]+)"', easy)) - {"version", "next"}


def test_the_easy_read_form_shows_errors_in_the_summary_and_inline(browser):
    make_webinar()
    _switch(browser, "easy")
    page = _page(browser.submit(EVENT, {"name": "", "email": "not an email"}))
    assert problems(page) == [] and "<title>Error:" in page
    summary = page[
        page.index('class="error-summary"') : page.index("</ul>", page.index("error-summary"))
    ]
    assert 'href="#name"' in summary and 'href="#email"' in summary
    assert 'id="name-error"' in page and 'id="email-error"' in page
    assert "Do you need help to take part?" in page  # still the Easy Read words
    assert db.session.scalar(select(Registration)) is None


# --- the Easy Read emails ----------------------------------------------------------------------


def _mail(mailbox, address="ama@example.org"):
    [message] = mailbox.to(address)
    return message, mailbox.text(message), mailbox.html(message)


def test_a_registration_made_in_easy_read_gets_easy_read_emails(browser, mailbox):
    make_webinar(
        join_url="https://zoom.example/j/42",
        easy_read=EASY_TEXT,
        easy_read_image_url="/static/img/easy-read/online.svg",
        easy_read_image_alt="A laptop showing a video call",
    )
    _switch(browser, "easy")
    response = browser.submit(EVENT, REGISTRATION)
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.easy_read is True
    message, text, html = _mail(mailbox)
    assert message["Subject"] == "You have a place: Carers' voices"
    manage = services.manage_url(registration)
    for line in [
        "You have a place at this event.",
        "Carers' voices",
        "Tuesday 30 June 2099.",
        "10:30am to 11:30am.",
        "This is UK time.",
        "Online.",
        "https://zoom.example/j/42",
        "Regular breaks",
        manage,
        "http://cpweek.test/2099/events/webinar?version=easy",
        "Need help? Phone us on 020 7946 0123.",
        "We sent this email to ama@example.org.",
    ]:
        assert line in text, line
    assert f'href="{manage}"' in html and "font-size: 22px" in html
    assert (
        '<img src="http://cpweek.test/static/img/easy-read/online.svg" '
        'alt="A laptop showing a video call"' in html
    )
    assert "invite.ics" in [part.get_filename() for part in message.iter_attachments()]


def test_a_standard_registration_keeps_the_standard_emails(browser, mailbox):
    make_webinar()
    browser.submit(EVENT, REGISTRATION)
    assert db.session.scalar(select(Registration)).easy_read is False
    message, text, _ = _mail(mailbox)
    assert message["Subject"] == "Your place is booked: Carers' voices"
    assert "You have a place at this event." not in text


def test_asking_for_easy_read_materials_brings_easy_read_emails(mailbox):
    event = make_webinar()
    services.register(
        event,
        services.Applicant(name="Ama", email="ama@example.org", access_needs=("easy_read",)),
    )
    message, _, _ = _mail(mailbox)
    assert message["Subject"] == "You have a place: Carers' voices"


def test_ticking_easy_read_materials_later_switches_the_emails(mailbox):
    event = make_webinar()
    registration = services.register(event, services.Applicant(name="Ama", email="ama@example.org"))
    services.update_access_needs(registration, ["breaks"], "")
    assert registration.easy_read is False
    services.update_access_needs(registration, ["easy_read"], "")
    assert registration.easy_read is True
    mailbox.messages.clear()  # the confirmation, sent in standard words
    services.cancel_registration(registration)
    message, _, _ = _mail(mailbox)
    assert message["Subject"] == "Your place is cancelled: Carers' voices"


def test_every_email_about_an_easy_read_registration_is_easy_read(mailbox):
    event = make_webinar(capacity=1)
    organiser = make_user(roles=(Role.ORGANISER,))
    first = services.register(
        event, services.Applicant(name="Ama", email="ama@example.org", easy_read=True)
    )
    waiting = services.register(
        event, services.Applicant(name="Ben", email="ben@example.org", easy_read=True)
    )
    message, text, _ = _mail(mailbox, "ben@example.org")
    assert message["Subject"] == "You are on the waiting list: Carers' voices"
    assert "You are on the waiting list." in text and "You are number 1 on the list." in text
    assert services.manage_url(waiting) in text
    mailbox.received.clear()
    services.cancel_registration(first)
    cancelled, text, _ = _mail(mailbox, "ama@example.org")
    assert cancelled["Subject"] == "Your place is cancelled: Carers' voices"
    assert "Your place is cancelled." in text and "?version=easy" in text
    promoted, text, _ = _mail(mailbox, "ben@example.org")
    assert promoted["Subject"] == "Good news. You now have a place: Carers' voices"
    assert "The place is yours." in text
    mailbox.received.clear()
    details = _details()
    details.title, details.slug, details.capacity = event.title, event.slug, 1
    details.starts_at = from_local(datetime(2099, 6, 30, 14, 0))
    details.ends_at = from_local(datetime(2099, 6, 30, 15, 0))
    services.update_event(event, details, organiser)
    changed, text, _ = _mail(mailbox, "ben@example.org")
    assert changed["Subject"] == "The event has changed: Carers' voices"
    assert "Before, it was: Tuesday 30 June 2099, 10:30 to 11:30 UK time" in text
    assert "2pm to 3pm." in text
    mailbox.received.clear()
    assert services.send_reminders(from_local(datetime(2099, 6, 29, 9, 0))) == 1
    reminder, text, _ = _mail(mailbox, "ben@example.org")
    assert reminder["Subject"] == "It is tomorrow: Carers' voices"
    assert "This is a reminder." in text and "This is UK time." in text
    mailbox.received.clear()
    services.cancel_event(event, organiser)
    gone, text, _ = _mail(mailbox, "ben@example.org")
    assert gone["Subject"] == "The event is cancelled: Carers' voices"
    assert "This event is cancelled." in text and "020 7946 0123" in text


def test_an_organiser_can_ask_for_easy_read_emails_for_someone_who_phoned(organiser, mailbox):
    event = make_webinar()
    response = organiser.submit(
        f"/manage/events/{event.id}/registrations/new",
        {"name": "Cal", "email": "cal@example.org", "easy_read": "y"},
    )
    assert response.status_code == 302
    message, _, _ = _mail(mailbox, "cal@example.org")
    assert message["Subject"] == "You have a place: Carers' voices"
