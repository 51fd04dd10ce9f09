"""Issue 14's feedback "done when", in Chromium with JavaScript off at 390 and 1280 px (every
page checked by axe-core and for sideways scrolling, steps.py): an attendee opens the link from
the email the day after, looks at the Easy Read version, answers by keyboard only and cannot
send twice; an organiser enters an answer given by phone and reads the results."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.reports.feedback_models import FeedbackResponse
from cpweek.reports.services import outcomes
from cpweek.reports.services.feedback_sending import send_feedback_requests
from cpweek.timezones import from_local
from tests.browser.steps import assert_success, choose, fill
from tests.factories import make_edition, make_event, make_user


def test_an_attendee_answers_by_keyboard_and_an_organiser_enters_a_phone_answer(journey):
    organiser = make_user(email="helen@example.org", roles=(Role.ORGANISER,), name="Helen")
    co_producer = make_user(email="cleo@example.org", roles=(Role.CO_PRODUCER,), name="Cleo")
    yesterday = programme.today_in() - timedelta(days=1)  # the link goes the day after
    edition = make_edition(yesterday.year)
    webinar = make_event(
        edition,
        datetime.combine(yesterday, time(10, 0)),
        slug="voices",
        title="Carers' voices",
    )
    measure = outcomes.propose_from_bank(edition, "confidence", co_producer)
    outcomes.agree(measure, organiser)
    programme.register(
        webinar,
        programme.Applicant(name="Ada", email="ada@example.org"),
        now=from_local(datetime.combine(yesterday - timedelta(days=7), time(9, 0))),
    )
    assert send_feedback_requests() == 1
    [message] = [
        m for m in journey.mailbox.to("ada@example.org") if m["Subject"].startswith("How was")
    ]
    link = journey.path_from_mail(message, r"^/feedback/[^/]+$")
    page = journey.page

    journey.goto(link)
    journey.follow("Easy Read version of this form")
    assert page.get_by_role("heading", level=1).inner_text() == "Tell us about Carers' voices"
    journey.follow("Standard version of this form")
    choose(page, "Good")
    choose(page, "A bit more confident")
    fill(page, "What worked well?", "The captions were good and the breaks were long enough.")
    journey.shot("feedback-form")
    journey.press("Send my answers")
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your feedback"
    journey.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Your answers were already sent"

    journey.sign_in("helen@example.org")
    journey.goto(f"/manage/events/{webinar.id}/feedback")
    journey.follow("Enter feedback given by phone or on paper")
    choose(page, "By phone")
    choose(page, "OK")
    fill(page, "What could be better?", "Send the slides before the event.")
    journey.press("Save these answers")
    assert_success(page, "The answers are saved")
    assert "2 people answered: 1 online form, 1 by phone." in page.locator("main").inner_text()
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 2
