"""Confirmations that reassure: the page after registering and the emails say where the email
went, repeat the access needs asked for and what the organisers will do, and carry the
calendar links; the cancellation email leads back to the event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import Registration
from tests.a11y import problems
from tests.factories import make_user, make_webinar


def _page(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def event():
    return make_webinar(
        capacity=3, access_offer=["live_captions"], join_url="https://zoom.example/j/42"
    )


FORM = {
    "name": "Ama Mensah",
    "email": "Ama@Example.org",
    "access_needs": ["live_captions", "breaks"],
    "access_notes": "Vegetarian <b>please</b>",
    "companion": "y",
}
ICS = "/2099/events/webinar/calendar.ics"


def _register(browser, data=FORM) -> str:
    response = browser.submit("/2099/events/webinar", data)
    assert response.status_code == 302
    return response.headers["Location"]


def _full(event):
    for n in range(3):
        services.register(event, services.Applicant(name=f"P{n}", email=f"p{n}@example.org"))


# --- the page after registering --------------------------------------------------------------


def test_the_page_after_registering_names_the_address_the_needs_and_the_calendar_links(
    browser, event
):
    page = _page(browser.get(_register(browser)))
    # The address, as it was stored (lower case), in the message and on the page itself.
    assert "a calendar invitation to ama@example.org." in page
    assert "<dt>Email</dt><dd><strong>ama@example.org</strong>" in page
    # The needs with their labels, in the form's order, and what happens next.
    captions = page.index("<li>Live captions (speech to text): this event already offers this")
    assert captions < page.index("<li>Regular breaks</li>")
    assert "<li>What you added: “Vegetarian &lt;b&gt;please&lt;/b&gt;”</li>" in page
    assert "A personal assistant or carer will come with you" in page
    assert "We will contact you before the event to arrange this." in page
    # The same calendar links as the event's page.
    assert f'<a href="{ICS}">Download a calendar file (.ics)</a>' in page
    assert 'href="https://calendar.google.com/calendar/render?action=TEMPLATE' in page
    assert 'href="https://outlook.live.com/calendar/0/deeplink/compose?' in page
    assert problems(page) == []


def test_the_page_says_what_to_do_when_nothing_was_asked_for(browser, event):
    page = _page(browser.get(_register(browser, {"name": "Ben", "email": "ben@example.org"})))
    assert "You did not ask for anything." in page and "tell us below" in page
    assert "We will contact you before the event" not in page
    assert "You told us:" not in page


def test_someone_waiting_gets_no_calendar_links_and_a_promise_for_when_a_place_comes_up(
    browser, event
):
    _full(event)
    page = _page(browser.get(_register(browser)))
    assert "We will email ama@example.org if a place comes up." in page
    assert "On the waiting list: number 1." in page
    assert "If a place comes up for you, we will contact you before the event" in page
    assert "on the waiting list with you" in page
    assert ICS not in page and "calendar.google.com" not in page
    assert problems(page) == []


def test_a_signed_in_person_sees_their_accounts_address(browser, event):
    make_user(email="member@example.org", name="Member Person")
    browser.sign_in("member@example.org")
    page = _page(browser.get(_register(browser, {"access_needs": ["quiet_space"]})))
    assert "<strong>member@example.org</strong>" in page and "<li>A quiet space</li>" in page


def test_a_cancelled_registration_page_offers_no_calendar(browser, event):
    manage = _register(browser)
    browser.submit(manage + "/cancel", {})
    page = _page(browser.get(manage))
    assert "Cancelled." in page and ICS not in page and "We will contact you" not in page


def test_someone_registered_by_phone_without_an_email_has_no_email_row(client, event):
    registration = services.register_assisted(
        event,
        services.Applicant(name="Phoned", email=None, contact_phone="0113 496 0000"),
        actor=make_user(),
    )
    db.session.commit()
    page = _page(client.get(f"/registrations/{services.manage_token(registration)}"))
    assert "<dt>Email</dt>" not in page and "You have a place." in page


# --- the emails ------------------------------------------------------------------------------


def test_the_confirmation_email_names_the_address_needs_promise_and_calendar_links(
    browser, event, mailbox
):
    _register(browser)
    [message] = mailbox.to("ama@example.org")
    text, html = mailbox.text(message), mailbox.html(message)
    for body in (text, html):
        assert "We sent this email to" in body and "ama@example.org" in body
        assert "Live captions (speech to text): this event already offers this" in body
        assert "Regular breaks" in body
        assert "We will contact you before the event to arrange this." in body
        assert "A personal assistant or carer will come with you" in body
        assert "https://calendar.google.com/calendar/render?" in body
        assert "https://outlook.live.com/calendar/0/deeplink/compose?" in body
        assert f"http://cpweek.test{ICS}" in body
    assert 'What you added: "Vegetarian <b>please</b>"' in text
    assert "Vegetarian &lt;b&gt;please&lt;/b&gt;" in html and "<b>please" not in html
    assert "Live captions" in text.split("Add it to your calendar")[0]
    assert list(message.iter_attachments())  # the invitation is still attached


def test_a_confirmation_without_needs_says_how_to_ask(browser, event, mailbox):
    _register(browser, {"name": "Ben", "email": "ben@example.org"})
    [message] = mailbox.to("ben@example.org")
    text = mailbox.text(message)
    assert "You did not ask for anything." in text and "We will contact you" not in text
    assert "We sent this email to ben@example.org." in text


def test_the_waiting_list_and_place_offered_emails_say_the_address_too(event, mailbox):
    _full(event)
    waiting = services.register(
        event,
        services.Applicant(name="Wait", email="wait@example.org", access_needs=("breaks",)),
    )
    [waitlisted] = mailbox.to("wait@example.org")
    text = mailbox.text(waitlisted)
    assert "We sent this email to wait@example.org." in text
    assert "- Regular breaks" in text and "If a place comes up for you, we will contact" in text
    first = db.session.scalar(select(Registration).where(Registration.name == "P0"))
    services.cancel_registration(first)
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    promoted = mailbox.to("wait@example.org")[-1]
    assert promoted["Subject"].startswith("Good news")
    text = mailbox.text(promoted)
    assert "We sent this email to wait@example.org." in text
    assert "We will contact you before the event to arrange this." in text
    assert f"http://cpweek.test{ICS}" in text


def test_the_cancellation_email_links_back_to_the_event(browser, event, mailbox):
    manage = _register(browser)
    browser.submit(manage + "/cancel", {})
    message = mailbox.to("ama@example.org")[-1]
    assert message["Subject"].startswith("Your registration is cancelled")
    text = " ".join(mailbox.text(message).split())
    assert (
        "Register again on the event's page while places are open: "
        "http://cpweek.test/2099/events/webinar"
    ) in text
    assert '<a href="http://cpweek.test/2099/events/webinar">' in mailbox.html(message)


def test_a_change_email_says_the_address_and_offers_the_links_again(event, mailbox):
    services.register(event, services.Applicant(name="Ama", email="ama@example.org"))
    _full(event)  # one of them waits
    details = services.EventDetails(
        title=event.title,
        slug=event.slug,
        kind=event.kind,
        format=event.format,
        parent_id=None,
        starts_at=event.starts_at.replace(hour=13),
        ends_at=event.ends_at.replace(hour=14),
        capacity=event.capacity,
        access_offer=event.access_offer,
        join_url=event.join_url,
    )
    services.update_event(event, details, make_user())
    changed = mailbox.to("ama@example.org")[-1]
    assert changed["Subject"] == "Changed: Carers' voices"
    text = mailbox.text(changed)
    assert "We sent this email to ama@example.org." in text
    assert "The event's page: http://cpweek.test/2099/events/webinar" in text
    assert "Did you add it with a link instead?" in text and "calendar.google.com" in text
    still_waiting = mailbox.to("p2@example.org")[-1]
    text = mailbox.text(still_waiting)
    assert "waiting list for has changed" in text
    assert "We sent this email to p2@example.org." in text
    assert "http://cpweek.test/2099/events/webinar" in text
