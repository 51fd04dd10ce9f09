"""The outcome measures page: propose from the bank or in one's own words, agree, withdraw;
adopted once both sides have agreed; errors on the form with the summary; permissions."""

from __future__ import annotations

import re

from sqlalchemy import select

from cpweek.extensions import db
from cpweek.reports.feedback_models import MeasureStatus, OutcomeMeasure
from tests.a11y import problems

URL = "/manage/2025/outcomes"


def measures() -> list[OutcomeMeasure]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutcomeMeasure).order_by(OutcomeMeasure.id)))


def page_token(browser) -> str:
    page = browser.get(URL).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_a_bank_measure_is_adopted_when_a_co_producer_and_an_organiser_agree(
    browser, edition, people
):
    browser.sign_in(people.organiser.email)
    page = browser.get(URL).get_data(as_text=True)
    assert problems(page) == []
    assert "After this event, how confident do you feel to take part in co-production?" in page
    assert "Much less confident / A bit less confident / No change" in page
    sent = browser.client.post(
        f"{URL}/bank", data={"key": "confidence", "csrf_token": page_token(browser)}
    )
    assert sent.status_code == 302
    [measure] = measures()
    assert measure.status == MeasureStatus.PROPOSED
    page = browser.get(URL).get_data(as_text=True)
    assert "is proposed, with your agreement" in page
    assert "Still needed: a co-producer." in page and "Withdraw my agreement" in page
    browser.sign_out()
    browser.sign_in(people.co_producer.email)
    sent = browser.client.post(
        f"/manage/outcomes/{measure.id}/agree", data={"csrf_token": page_token(browser)}
    )
    assert sent.status_code == 302
    assert measures()[0].status == MeasureStatus.ADOPTED
    page = browser.get(URL).get_data(as_text=True)
    assert "is adopted: the feedback form asks it" in page
    assert "Olu Organiser (organiser), Cleo Coproducer (co-producer)" in page


def test_withdrawing_through_the_page(browser, edition, people):
    browser.sign_in(people.co_producer.email)
    browser.client.post(f"{URL}/bank", data={"key": "wellbeing", "csrf_token": page_token(browser)})
    [measure] = measures()
    sent = browser.client.post(
        f"/manage/outcomes/{measure.id}/withdraw", data={"csrf_token": page_token(browser)}
    )
    assert sent.status_code == 302
    assert measures()[0].status == MeasureStatus.WITHDRAWN
    page = browser.get(URL).get_data(as_text=True)
    assert "Your agreement is withdrawn." in page
    assert "No measure is proposed for 2025 yet." in page
    # Agreeing to it now is refused with a message, not a 500.
    again = browser.client.post(
        f"/manage/outcomes/{measure.id}/agree", data={"csrf_token": page_token(browser)}
    )
    assert again.status_code == 302
    assert "withdrawn" in browser.get(URL).get_data(as_text=True)


def test_an_own_measure_with_errors_shows_the_summary_and_keeps_what_was_typed(
    browser, edition, people
):
    browser.sign_in(people.organiser.email)
    data = {
        "question": "How much did you feel heard?",
        "audience": "everyone",
        "option_1": "Not at all",
        "option_2": "",
        "option_3": "Some",
        "option_4": "Mostly",
        "option_5": "Completely",
        "csrf_token": page_token(browser),
    }
    response = browser.client.post(URL, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Error: " in page
    assert "There is a problem" in page and 'href="#option_2"' in page
    assert "Give the words of option 2" in page and 'value="How much did you feel heard?"' in page
    assert problems(page) == []
    assert measures() == []
    data["option_2"] = "A little"
    sent = browser.client.post(URL, data=data)
    assert sent.status_code == 302
    [measure] = measures()
    assert measure.options == ["Not at all", "A little", "Some", "Mostly", "Completely"]
    assert measure.bank_key is None and measure.audience == "everyone"


def test_an_unknown_bank_key_or_measure_is_refused_not_a_500(browser, edition, people):
    browser.sign_in(people.organiser.email)
    sent = browser.client.post(f"{URL}/bank", data={"key": "x", "csrf_token": page_token(browser)})
    assert sent.status_code == 302 and measures() == []
    assert "Choose a measure from the bank" in browser.get(URL).get_data(as_text=True)
    token = page_token(browser)
    assert (
        browser.client.post("/manage/outcomes/999999/agree", data={"csrf_token": token}).status_code
        == 404
    )
    assert browser.get("/manage/99999999999/outcomes").status_code == 404
    assert browser.get("/manage/2098/outcomes").status_code == 404


def test_contributors_and_attendees_get_403(browser, edition, people):
    for person in (people.contributor, people.attendee):
        browser.sign_in(person.email)
        assert browser.get(URL).status_code == 403
        browser.sign_out()


def test_the_page_lists_each_ended_event_with_its_feedback(browser, edition, people, webinar):
    from cpweek.reports.services import feedback
    from tests.reports.conftest import make_link

    feedback.submit(make_link(webinar).token, feedback.FeedbackInput(overall=4))
    db.session.commit()
    browser.sign_in(people.co_producer.email)
    page = browser.get(URL).get_data(as_text=True)
    assert (
        f'<a href="/manage/events/{webinar.id}/feedback">Carers&#39; voices</a>: 1 person answered'
        in page
    )
