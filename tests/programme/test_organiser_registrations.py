"""Organisers: who is coming, what to book, phone registrations, CSV, check-in on a phone."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import Registration
from tests.a11y import problems
from tests.factories import make_edition, make_event, make_user


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def organiser(browser):
    make_user(email="org@example.org", roles=(Role.ORGANISER,))
    browser.sign_in("org@example.org")
    return browser


@pytest.fixture
def event():
    event = make_event(
        make_edition(2099),
        datetime(2099, 6, 30, 10, 0),
        slug="gathering",
        title="Gathering",
        capacity=3,
    )
    services.register(
        event,
        services.Applicant(
            name="Bea", email="bea@example.org", access_needs=("bsl_interpreter", "breaks")
        ),
    )
    services.register(
        event,
        services.Applicant(
            name="Cal",
            email="cal@example.org",
            access_needs=("bsl_interpreter",),
            access_notes='=HYPERLINK("http://evil")',
        ),
    )
    return event


def test_phone_registration_without_an_email(organiser, event, mailbox):
    page = _page(organiser.get(f"/manage/events/{event.id}/registrations/new"))
    assert problems(page) == []
    mailbox.messages.clear()
    response = organiser.submit(
        f"/manage/events/{event.id}/registrations/new",
        {
            "name": "Dot",
            "email": "",
            "contact_phone": "01632 960123",
            "access_needs": ["large_print"],
        },
    )
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.name == "Dot"))
    assert registration.person_id is None and registration.source == "assisted"
    assert registration.status == "confirmed" and registration.contact_phone == "01632 960123"
    assert mailbox.messages == []  # nobody to email: the organiser tells them
    assert (
        db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == registration.id))
        == "registration.assisted"
    )


def test_phone_registration_needs_some_way_to_reach_them(organiser, event):
    page = _page(organiser.submit(f"/manage/events/{event.id}/registrations/new", {"name": "Eve"}))
    assert "Give an email address, a phone number or a postal address" in page
    assert db.session.scalar(select(Registration).where(Registration.name == "Eve")) is None


def test_phone_registration_with_an_email_gets_the_usual_confirmation(organiser, event, mailbox):
    mailbox.messages.clear()
    organiser.submit(
        f"/manage/events/{event.id}/registrations/new", {"name": "Fay", "email": "fay@example.org"}
    )
    assert mailbox.to("fay@example.org")[0]["Subject"].startswith("Your place is booked")


def test_access_summary_counts_each_need(organiser, event):
    page = _page(organiser.get(f"/manage/events/{event.id}/registrations"))
    assert problems(page) == []
    assert '<td>British Sign Language (BSL) interpreter</td><td class="numeric">2</td>' in page
    assert '<td>Regular breaks</td><td class="numeric">1</td>' in page
    assert "bea@example.org" in page and "1 place left" in page


def test_csv_export_lists_everyone_and_defuses_formulas(organiser, event):
    response = organiser.get(f"/manage/events/{event.id}/registrations.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["Name"] for row in rows] == ["Bea", "Cal"]
    assert rows[0]["Access needs"] == "Regular breaks; British Sign Language (BSL) interpreter"
    assert rows[1]["Other needs"].startswith("'=HYPERLINK")


def test_check_in_marks_arrival_and_undoes_it(organiser, event):
    bea = db.session.scalar(select(Registration).where(Registration.name == "Bea"))
    page = _page(organiser.get(f"/manage/events/{event.id}/check-in"))
    assert problems(page) == [] and "0 of 2 arrived" in page
    assert page.count("Needs attention") == 3  # two markers and the explanation
    assert "HYPERLINK" not in page and "BSL" not in page  # no private details on this screen
    organiser.submit(
        f"/manage/registrations/{bea.id}/check-in",
        {"arrived": "yes"},
        form_url=f"/manage/events/{event.id}/check-in",
    )
    db.session.refresh(bea)
    assert bea.status == "attended" and bea.checked_in_at is not None
    assert "1 of 2 arrived" in _page(organiser.get(f"/manage/events/{event.id}/check-in"))
    organiser.submit(
        f"/manage/registrations/{bea.id}/check-in",
        {"arrived": "no"},
        form_url=f"/manage/events/{event.id}/check-in",
    )
    db.session.refresh(bea)
    assert bea.status == "confirmed" and bea.checked_in_at is None


def test_people_waiting_cannot_be_checked_in(event):
    waiting = [
        services.register(event, services.Applicant(name=f"W{n}", email=f"w{n}@example.org"))
        for n in range(2)
    ][-1]
    assert waiting.status == "waitlisted"
    with pytest.raises(services.RegistrationError, match="Only people with a place"):
        services.set_checked_in(waiting, True, make_user())


def test_an_attended_place_still_counts(event):
    bea = db.session.scalar(select(Registration).where(Registration.name == "Bea"))
    services.set_checked_in(bea, True, make_user())
    assert services.places_left(event) == 1


def test_unknown_registrations_are_404(organiser, event):
    response = organiser.submit(
        "/manage/registrations/999999/check-in",
        {"arrived": "yes"},
        form_url=f"/manage/events/{event.id}/check-in",
    )
    assert response.status_code == 404


def test_cancelling_an_event_counts_only_the_people_emailed(event, mailbox):
    organiser = make_user(roles=(Role.ORGANISER,))
    services.register_assisted(
        event, services.Applicant(name="Phone", email=None, contact_phone="01632 960111"), organiser
    )
    services.publish_event(event, organiser)
    mailbox.messages.clear()
    assert services.cancel_event(event, organiser) == 2  # Bea and Cal; Phone has no email
    assert len(mailbox.messages) == 2
