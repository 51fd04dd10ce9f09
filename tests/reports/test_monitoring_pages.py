"""The equality questions' page, through the test client: optional questions as radios with
"Prefer not to say", answers and "skip all", a refused answer shown next to its question, links
that do not work answered in words (404, never a 500), and the offer after registering."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from cpweek.extensions import db
from cpweek.programme.models import Edition, Registration
from cpweek.reports import questions
from cpweek.reports.models import EqualityInvitation, EqualityResponse
from cpweek.reports.services import monitoring
from tests.a11y import problems
from tests.factories import make_edition, make_event

GONE = "This link does not work"


def _page(response) -> str:
    return response.get_data(as_text=True)


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def token():
    edition = make_edition(2099)
    raw = monitoring.invite(edition.id, "registration")
    db.session.commit()
    return raw


def test_the_page_asks_every_question_optionally(client, token):
    response = client.get(f"/equality/{token}")
    page = _page(response)
    assert response.status_code == 200 and problems(page) == []
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert page.count("<fieldset") == len(questions.QUESTIONS)
    for question in questions.QUESTIONS:
        assert f'<legend class="fieldset__legend">{question.words}</legend>' in page
    assert page.count(">Prefer not to say</label>") == len(questions.QUESTIONS)
    assert "checked" not in page  # skipping is the default
    assert "White: Roma" in page and "kept apart from your name" in page
    assert "only publish totals" in page and "optional" in page
    assert 'value="Submit answers"' in page and 'value="Skip all questions"' in page
    assert "<script" not in page


def test_the_easy_read_page_asks_the_same_questions_in_plain_words(browser, token):
    url = f"/equality/{token}?easy_read=1"
    page = _page(browser.get(url))
    assert problems(page) == [] and 'class="easy-read"' in page
    assert f'href="/equality/{token}"' in page  # the standard English version
    for question in questions.QUESTIONS:
        assert question.easy_words, question.key
        assert f'<legend class="fieldset__legend">{question.easy_words}</legend>' in page
    assert page.count(">Prefer not to say</label>") == len(questions.QUESTIONS)
    assert "checked" not in page and "<script" not in page
    assert "You do not have to answer." in page and 'value="Send my answers"' in page
    # The standard page links here, and the answers count with everyone else's: same codes.
    assert f'href="/equality/{token}?easy_read=1"' in _page(browser.get(f"/equality/{token}"))
    response = browser.submit(url, {"draws_on_care": "yes", "region": "north_east", "submit": "1"})
    assert response.headers["Location"] == "/equality/thank-you?easy_read=1"
    thanks = _page(browser.get(response.headers["Location"]))
    assert "<p>We have your answers.</p>" in thanks and problems(thanks) == []
    [row] = db.session.scalars(select(EqualityResponse))
    assert (row.draws_on_care, row.region, row.sex) == ("yes", "north_east", None)


def test_an_easy_read_page_refuses_an_answer_that_is_not_an_option_in_words(browser, token):
    url = f"/equality/{token}?easy_read=1"
    response = browser.submit(url, {"sex": "sometimes", "submit": "1"})
    page = _page(response)
    assert response.status_code == 200 and "There is a problem" in page
    assert 'class="easy-read"' in page and _count(EqualityResponse) == 0


def test_answers_are_saved_once_and_thanked_for(browser, token):
    url = f"/equality/{token}"
    response = browser.submit(
        url, {"ethnic_group": "black_caribbean", "unpaid_care": "prefer_not", "submit": "1"}
    )
    assert response.status_code == 302
    thanks = browser.get(response.headers["Location"])
    assert "Your answers are saved" in _page(thanks) and problems(_page(thanks)) == []
    [response_row] = db.session.scalars(select(EqualityResponse))
    assert response_row.ethnic_group == "black_caribbean"
    assert response_row.unpaid_care == "prefer_not" and response_row.sex is None
    again = browser.get(url)
    assert again.status_code == 404 and GONE in _page(again)


def test_skip_all_saves_nothing_but_that_the_questions_were_skipped(browser, token):
    response = browser.submit(
        f"/equality/{token}", {"ethnic_group": "white_irish", "skip": "Skip all questions"}
    )
    assert response.headers["Location"] == "/equality/thank-you"  # nothing said in the address
    page = _page(browser.get(response.headers["Location"]))
    assert "You skipped the questions" in page
    [row] = db.session.scalars(select(EqualityResponse))
    assert row.ethnic_group is None  # what was ticked before "skip all" is not kept
    assert _count(EqualityInvitation) == 0


def test_an_answer_that_is_not_an_option_is_shown_next_to_its_question(browser, token):
    response = browser.submit(
        f"/equality/{token}", {"sex": "martian", "region": "london", "submit": "1"}
    )
    page = _page(response)
    assert response.status_code == 200 and problems(page) == []
    assert "<title>Error:" in page and "There is a problem" in page
    assert 'href="#sex-0"' in page and "Choose one of the answers given for" in page
    assert 'checked id="region-6"' in page  # what the person chose is kept
    assert _count(EqualityResponse) == 0 and _count(EqualityInvitation) == 1


@pytest.mark.parametrize(
    "make_url",
    [
        lambda token: "/equality/" + "A" * 43,  # well formed, unknown
        lambda token: f"/equality/{token[:-2]}",  # cut short
        lambda token: f"/equality/{token}x",
        lambda token: "/equality/%00%00",
        lambda token: "/equality/" + "é" * 43,
    ],
)
def test_links_that_do_not_work_get_a_page_in_words(client, token, make_url):
    response = client.get(make_url(token))
    assert response.status_code in (400, 404)
    if response.status_code == 404:
        page = _page(response)
        assert GONE in page and "your registration is not affected" in page
        assert problems(page) == []


def test_a_used_or_expired_link_refuses_a_post_in_words(browser, token, monkeypatch):
    url = f"/equality/{token}"
    csrf = browser.csrf_token(url)
    monkeypatch.setattr(monitoring, "_today", lambda: datetime.now().date() + timedelta(400))
    expired = browser.client.post(url, data={"csrf_token": csrf, "sex": "male", "submit": "1"})
    assert expired.status_code == 404 and GONE in _page(expired)
    monkeypatch.undo()
    first = browser.client.post(url, data={"csrf_token": csrf, "sex": "male", "submit": "1"})
    second = browser.client.post(url, data={"csrf_token": csrf, "sex": "male", "submit": "1"})
    assert first.status_code == 302 and second.status_code == 404 and GONE in _page(second)
    assert _count(EqualityResponse) == 1


# --- the offer after registering ------------------------------------------------------------


@pytest.fixture
def event():
    edition = make_edition(2099)
    return make_event(
        edition,
        datetime(2099, 6, 30, 10, 30),
        datetime(2099, 6, 30, 11, 30),
        slug="webinar",
        title="Carers' voices",
        capacity=10,
    )


FORM = {"name": "Ama Mensah", "email": "ama@example.org", "consent_to_contact": "y"}
OFFER = "Help us see who takes part: answer a few optional questions"
LINK = re.compile(r'<a href="(/equality/[A-Za-z0-9_-]{43})" rel="noreferrer">')


def test_the_registration_confirmation_offers_the_questions_once(browser, event, mailbox):
    response = browser.submit("/2099/events/webinar", FORM)
    manage = response.headers["Location"]
    page = _page(browser.get(manage))
    assert OFFER in page and problems(page) == []
    [link] = LINK.findall(page)
    assert "/registrations/" not in link
    # Shown on the page the person lands on, once; not in the email.
    assert OFFER not in _page(browser.get(manage))
    assert "/equality/" not in mailbox.text(mailbox.to("ama@example.org")[0])
    [invitation] = db.session.scalars(select(EqualityInvitation))
    assert invitation.stage == "registration" and invitation.edition_id == event.edition_id
    form = browser.get(link)
    assert form.status_code == 200
    done = browser.submit(link, {"draws_on_care": "yes", "submit": "1"})
    assert done.status_code == 302
    assert db.session.scalar(select(EqualityResponse.draws_on_care)) == "yes"


def test_registration_is_as_before_for_someone_who_never_answers(browser, event):
    response = browser.submit("/2099/events/webinar", FORM)
    page = _page(browser.get(response.headers["Location"]))
    assert "You have a place." in page and "Your place is booked" in page
    [registration] = db.session.scalars(select(Registration))
    assert registration.name == "Ama Mensah" and registration.status == "confirmed"
    assert _count(EqualityResponse) == 0 and _count(EqualityInvitation) == 1


def test_a_refused_registration_leaves_no_invitation(browser, event):
    browser.submit("/2099/events/webinar", {**FORM, "email": "not an address"})
    assert _count(Registration) == 0 and _count(EqualityInvitation) == 0


def test_a_second_registration_in_the_same_week_is_not_asked_again(browser, event):
    # One answer a person and stage: ten registrations must not count as ten people.
    make_event(
        db.session.get_one(Edition, event.edition_id),
        datetime(2099, 7, 1, 10, 30),
        datetime(2099, 7, 1, 11, 30),
        slug="workshop",
        title="Carers' workshop",
        capacity=10,
    )
    db.session.commit()
    first = browser.submit("/2099/events/webinar", FORM)
    assert OFFER in _page(browser.get(first.headers["Location"]))
    second = browser.submit("/2099/events/workshop", FORM)
    assert second.status_code == 302
    assert OFFER not in _page(browser.get(second.headers["Location"]))
    assert _count(EqualityInvitation) == 1


def test_someone_who_asked_for_easy_read_is_offered_the_easy_read_questions(browser, event):
    response = browser.submit("/2099/events/webinar", {**FORM, "access_needs": "easy_read"})
    page = _page(browser.get(response.headers["Location"]))
    assert db.session.scalar(select(Registration.easy_read)) is True
    assert "Answer some questions about you" in page and OFFER not in page
    [link] = re.findall(r'<a href="(/equality/[A-Za-z0-9_-]{43}\?easy_read=1)"', page)
    assert "Do you get care and support?" in _page(browser.get(link))
