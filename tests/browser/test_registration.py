"""Journeys 1 and 2 of issue 11: register with access needs and cancel from the email's link;
an organiser registers someone who phoned."""

from __future__ import annotations

from cpweek.auth.models import Role
from cpweek.programme.models import Registration
from tests.browser.steps import assert_error_first, assert_success, fill, tick
from tests.factories import make_user, make_webinar


def test_register_with_access_needs_then_cancel_from_the_email(journey):
    make_webinar(capacity=10)
    page = journey.page

    journey.goto("/2099/events/webinar")
    journey.tab_to_skip_link()
    journey.shot("event-page")

    # Sent empty first: the error summary, not an empty form, is what the person sees.
    journey.press("Register")
    journey.target(assert_error_first, "Enter your name", step="register sent empty")
    journey.shot("register-errors")

    fill(page, "Your name", "Joan Hill")
    fill(page, "Email address", "joan@example.org")
    tick(page, "British Sign Language (BSL) interpreter")
    tick(page, "Step-free access")
    fill(page, "Anything else we should know? (optional)", "A seat near the door, please.")
    journey.press("Register")
    assert_success(page, "Your place is booked")
    assert page.locator("dd strong", has_text="You have a place.").is_visible()
    # What reassures (point 6): where the email went, the needs asked for, what happens next.
    main = page.locator("main")
    assert main.get_by_text("joan@example.org").first.is_visible()
    assert main.get_by_text("British Sign Language (BSL) interpreter").first.is_visible()
    assert main.get_by_text("We will contact you before the event to arrange this").is_visible()
    assert page.get_by_role("link", name="Add to Google Calendar").first.is_visible()
    journey.shot("registered")

    registration = Registration.query.one()
    assert registration.access_needs == ["bsl_interpreter", "step_free"]
    assert registration.access_notes == "A seat near the door, please."

    # The same address again: the person is told so where their eyes are, and what they typed
    # is still there (not what looks like an empty form).
    journey.follow("About the event")
    fill(page, "Your name", "Joan Hill")
    fill(page, "Email address", "joan@example.org")
    journey.press("Register")
    journey.target(assert_error_first, "already registered", step="same address again")
    assert page.get_by_label("Your name", exact=True).input_value() == "Joan Hill"
    journey.shot("already-registered")

    confirmation, _link_again = journey.mailbox.to("joan@example.org")
    journey.goto(journey.path_from_mail(confirmation, r"^/registrations/"))
    assert page.get_by_label("British Sign Language (BSL) interpreter").is_checked()
    journey.follow("Cancel your registration")
    journey.shot("cancel-question")
    journey.press("Yes, cancel my registration")
    assert_success(page, "Your registration is cancelled")
    assert page.locator("dd strong", has_text="Cancelled.").is_visible()
    journey.shot("cancelled")

    db_registration = Registration.query.one()
    assert db_registration.status == "cancelled"
    # The cancellation email leads back to the event, to register again if wanted.
    cancelled_mail = journey.mailbox.to("joan@example.org")[-1]
    journey.goto(journey.path_from_mail(cancelled_mail, r"^/2099/events/webinar"))
    assert page.get_by_role("heading", level=1).inner_text() == "Carers' voices"


def test_organiser_registers_someone_who_phoned(journey):
    event = make_webinar(capacity=10)
    make_user(email="helen@example.org", roles=(Role.ORGANISER,), name="Helen")
    page = journey.page

    journey.sign_in("helen@example.org")
    journey.goto(f"/manage/events/{event.id}/registrations")
    journey.follow("Register someone who phoned or wrote")
    journey.shot("assisted-form")

    journey.press("Register them")
    assert_error_first(page, "Enter their name")  # the summary is at the top of its own page
    journey.shot("assisted-errors")

    fill(page, "Their name", "Albert Moss")
    fill(page, "Phone number (optional)", "01632 960 001")
    fill(page, "Postal address (optional)", "1 Mill Lane\nLeeds")
    tick(page, "Large print")
    journey.press("Register them")
    assert_success(page, "Albert Moss is registered with a place.")
    assert page.locator("main").get_by_text("Albert Moss").first.is_visible()  # in the list
    journey.shot("assisted-registered")

    registration = Registration.query.one()
    assert (registration.name, registration.contact_phone) == ("Albert Moss", "01632 960 001")
    assert registration.access_needs == ["large_print"]
    assert registration.source == "assisted" and "Mill Lane" in registration.contact_address
