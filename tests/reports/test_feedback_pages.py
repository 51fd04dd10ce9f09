"""Feedback pages through the test client: the form by keyboard (radios in fieldsets, worded
scales), errors with the summary, the Easy Read version, a used, closed or tampered link, 100 KB
of text, the organisers' phone entry, and the results page (its comments 50 to a page, bad page
numbers, its query count constant)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cpweek.extensions import db
from cpweek.reports.feedback_models import FeedbackRequest, FeedbackResponse
from cpweek.reports.services import feedback
from tests.a11y import problems
from tests.reports.conftest import add_responses, adopt, make_link

TODAY = date.today()


@pytest.fixture
def measure(edition, people):
    return adopt(edition, "confidence", people)


def responses() -> list[FeedbackResponse]:
    db.session.expire_all()
    return list(db.session.scalars(select(FeedbackResponse)))


def form_token(browser, url: str) -> str:
    page = browser.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def post(browser, url: str, data: dict):
    return browser.client.post(url, data={**data, "csrf_token": form_token(browser, url)})


def test_the_form_asks_the_adopted_measures_in_words_and_saves_once(browser, webinar, measure):
    link = make_link(webinar)
    url = f"/feedback/{link.token}"
    response = browser.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and problems(page) == []
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"  # the token stays here
    assert "How was Carers&#39; voices?" in page or "How was Carers' voices?" in page
    assert '<legend class="fieldset__legend">How was the event overall?</legend>' in page
    assert "After this event, how confident do you feel to take part in co-production?" in page
    for words in ("Much less confident", "No change", "Much more confident", "Very good"):
        assert words in page
    assert 'type="radio"' in page and "<script" not in page
    assert f'href="/feedback/{link.token}?easy_read=1"' in page
    sent = post(
        browser,
        url,
        {"overall": "5", f"measure_{measure.id}": "4", "what_worked": "The captions"},
    )
    assert sent.status_code == 302 and sent.headers["Location"] == "/feedback/thank-you"
    [saved] = responses()
    assert (saved.overall, saved.what_worked, saved.easy_read) == (5, "The captions", False)
    # The same link again: a clear page, nothing saved twice.
    again = browser.get(url)
    assert again.status_code == 409
    assert "Your answers were already sent" in again.get_data(as_text=True)
    twice = browser.client.post(url, data={"overall": "1"})
    assert twice.status_code in (400, 409)
    assert len(responses()) == 1


def test_nothing_answered_shows_the_summary_and_the_inline_error(browser, webinar, measure):
    link = make_link(webinar)
    url = f"/feedback/{link.token}"
    response = post(browser, url, {"what_worked": "   "})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    assert 'href="#overall-0"' in page and "Answer at least one question" in page
    assert 'class="field-error" id="overall-error"' in page
    assert problems(page) == []
    assert responses() == []


def test_100_kb_of_text_gets_a_clear_message_and_keeps_the_answers(browser, webinar, measure):
    link = make_link(webinar)
    url = f"/feedback/{link.token}"
    response = post(browser, url, {"overall": "4", "could_be_better": "x" * 100_000})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Write 5,000 characters or fewer: you wrote 100,000. Nothing was saved." in page
    assert 'href="#could_be_better"' in page
    assert re.search(r'<input checked id="overall-3" name="overall" type="radio" value="4">', page)
    assert responses() == []
    db.session.expire_all()
    assert db.session.get_one(FeedbackRequest, link.request.id).used_on is None


def test_a_tampered_value_is_an_error_not_a_500(browser, webinar, measure):
    link = make_link(webinar)
    url = f"/feedback/{link.token}"
    response = post(browser, url, {"overall": "abc", f"measure_{measure.id}": "77"})
    assert response.status_code == 200
    assert "Choose one of the answers shown" in response.get_data(as_text=True)
    assert responses() == []


def test_the_easy_read_version_asks_one_question_a_section_and_notes_it(browser, webinar, measure):
    link = make_link(webinar)
    url = f"/feedback/{link.token}?easy_read=1"
    page = browser.get(url).get_data(as_text=True)
    assert problems(page) == []
    assert "Did you like the event?" in page and "Yes, a lot" in page
    assert "Do you feel more sure you can take part now?" in page
    assert page.count('<section class="easy-read"') == 4  # overall, one measure, two boxes
    assert f'action="/feedback/{link.token}?easy_read=1"' in page
    assert f'href="/feedback/{link.token}"' in page  # back to the standard form
    sent = post(browser, url, {"overall": "4"})
    assert sent.headers["Location"] == "/feedback/thank-you?easy_read=1"
    [saved] = responses()
    assert saved.easy_read is True
    thanks = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert "We got your answers." in thanks


@pytest.mark.parametrize("token", ["nope", "x" * 43, "a" * 300, "%00abc", "abc%2Fdef"])
def test_a_tampered_or_unknown_link_gets_a_clear_page(client, webinar, measure, token):
    make_link(webinar)
    response = client.get(f"/feedback/{token}")
    assert response.status_code in (400, 404)
    if response.status_code == 404:
        page = response.get_data(as_text=True)
        assert "This feedback link does not work" in page or "Page not found" in page


def test_a_closed_form_gets_a_clear_page_and_takes_nothing(browser, webinar, measure):
    link = make_link(webinar, closes_on=TODAY - timedelta(days=1))
    response = browser.get(f"/feedback/{link.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and "This feedback form has closed" in page
    assert problems(page) == []
    posted = browser.client.post(f"/feedback/{link.token}", data={"overall": "3"})
    assert posted.status_code in (400, 410)
    assert responses() == []


# --- organisers: phone and paper, and the results -----------------------------------------


def test_an_organiser_enters_a_phone_answer(browser, webinar, measure, people):
    browser.sign_in(people.organiser.email)
    url = f"/manage/events/{webinar.id}/feedback/new"
    page = browser.get(url).get_data(as_text=True)
    assert problems(page) == [] and "How were these answers given?" in page
    missing = post(browser, url, {"overall": "4"})
    assert "Say whether the answers came by phone or on paper" in missing.get_data(as_text=True)
    sent = post(
        browser,
        url,
        {"source": "phone", "overall": "4", f"measure_{measure.id}": "5", "easy_read": "y"},
    )
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/manage/events/{webinar.id}/feedback"
    [saved] = responses()
    assert (saved.source, saved.easy_read, saved.overall) == ("phone", True, 4)
    results = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert "1 by phone" in results


def test_co_producers_see_results_but_do_not_enter_answers(browser, webinar, measure, people):
    browser.sign_in(people.co_producer.email)
    assert browser.get(f"/manage/events/{webinar.id}/feedback").status_code == 200
    assert browser.get(f"/manage/events/{webinar.id}/feedback/new").status_code == 403


def _answer(event, measure, number: int) -> None:
    given = feedback.FeedbackInput(
        {measure.id: number % 5 + 1}, (number + 2) % 5 + 1, f"Good {number}", f"Better {number}"
    )
    link = make_link(event)
    feedback.submit(link.token, given)


def test_the_results_page_counts_answers_per_option_in_constant_queries(
    browser, webinar, measure, people, count_queries
):
    browser.sign_in(people.organiser.email)
    url = f"/manage/events/{webinar.id}/feedback"
    for number in range(2):
        _answer(webinar, measure, number)
    db.session.commit()
    with count_queries() as few:
        page = browser.get(url).get_data(as_text=True)
    assert "2 people answered" in page and problems(page) == []
    for number in range(2, 12):
        _answer(webinar, measure, number)
    db.session.commit()
    with count_queries() as many:
        page = browser.get(url).get_data(as_text=True)
    assert len(many) == len(few)
    assert "12 people answered: 12 online form" in page
    # Each option with its words and how many chose it.
    assert re.search(
        r"<th scope=\"row\">Much less confident</th><td class=\"numeric\">3</td>", page
    )
    assert "Good 11" in page and "Better 0" in page


def test_comments_say_nothing_of_who_wrote_them_or_when(browser, webinar, measure, people):
    # An "Easy Read" or "by phone" tag or a day beside a comment, or an order by time, could
    # name the one person at an event who asked for Easy Read materials.
    for words in ("Zebra crossings near the venue", "Alphabetical order of words"):
        link = make_link(webinar)
        easy = words.startswith("Zebra")
        feedback.submit(link.token, feedback.FeedbackInput({measure.id: 3}, 3, words, "", easy))
    db.session.commit()
    browser.sign_in(people.organiser.email)
    page = browser.get(f"/manage/events/{webinar.id}/feedback").get_data(as_text=True)
    comments = page[page.index("What people wrote") :]
    assert comments.index("Alphabetical") < comments.index("Zebra")  # by words, not by time
    assert "Easy Read" not in comments and "Online form" not in comments


def test_no_responses_yet(browser, webinar, measure, people):
    browser.sign_in(people.organiser.email)
    page = browser.get(f"/manage/events/{webinar.id}/feedback").get_data(as_text=True)
    assert "0 people answered." in page and "Nobody has written anything yet." in page


def test_an_unknown_event_is_404(browser, people):
    browser.sign_in(people.organiser.email)
    assert browser.get("/manage/events/999999/feedback").status_code == 404
    assert browser.get("/manage/events/99999999999/feedback/new").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 0


# --- the results' comments, 50 to a page ---------------------------------------------------


def _counts_part(page: str) -> str:
    return page[page.index("answered") : page.index('<h2 id="comments">')]


def test_the_comments_come_50_to_a_page_with_the_counts_on_every_page(
    browser, webinar, measure, people
):
    # Written last-first: an order by time would be the reverse of the order of the words.
    add_responses(webinar, measure, [(f"Comment {n:03}", "") for n in reversed(range(120))])
    browser.sign_in(people.co_producer.email)
    url = f"/manage/events/{webinar.id}/feedback"
    first, second, third = (browser.get(f"{url}?page={n}") for n in (1, 2, 3))
    pages = [response.get_data(as_text=True) for response in (first, second, third)]
    assert [response.status_code for response in (first, second, third)] == [200] * 3
    for page in pages:
        assert "120 people answered: 120 online form." in page and problems(page) == []
        assert _counts_part(page) == _counts_part(pages[0])  # the counts, whole, on each page
    assert "Comments 1 to 50 of 120, in the order of their words." in pages[0]
    assert "Comments 51 to 100 of 120, in the order of their words." in pages[1]
    assert "Comments 101 to 120 of 120, in the order of their words." in pages[2]
    assert "Comment 000" in pages[0] and "Comment 049" in pages[0] and "Comment 050" not in pages[0]
    assert "Comment 050" in pages[1] and "Comment 099" in pages[1] and "Comment 100" not in pages[1]
    assert "Comment 100" in pages[2] and "Comment 119" in pages[2]
    # Previous and next, landing on the comments; page 1's address has no page number.
    nav = '<nav class="pagination" aria-label="Pages of comments">'
    assert all(nav in page for page in pages)
    assert f'href="{url}?page=2#comments" rel="next"' in pages[0] and 'rel="prev"' not in pages[0]
    assert f'href="{url}#comments" rel="prev"' in pages[1]
    assert f'href="{url}?page=3#comments" rel="next"' in pages[1]
    assert f'href="{url}?page=2#comments" rel="prev"' in pages[2] and 'rel="next"' not in pages[2]
    assert "<span>Page 2 of 3</span>" in pages[1]
    assert "<title>Feedback: Carers&#39; voices (comments, page 2 of 3)" in pages[1]


def test_comments_that_fit_one_page_have_no_page_links(browser, webinar, measure, people):
    add_responses(webinar, measure, [("Only one", "")])
    browser.sign_in(people.organiser.email)
    page = browser.get(f"/manage/events/{webinar.id}/feedback").get_data(as_text=True)
    assert "1 comment." in page and "Only one" in page
    assert 'class="pagination"' not in page and "(comments, page" not in page


@pytest.mark.parametrize(
    "number, status",
    [
        ("0", 200),
        ("-1", 200),
        ("abc", 200),
        ("", 200),
        ("1.5", 200),
        ("２", 200),  # a full-width digit is not a page number
        ("2", 200),
        ("3", 404),  # past the last page
        ("99999999999999999999", 404),
        ("9" * 5000, 404),
    ],
)
def test_a_page_number_is_the_first_page_a_real_page_or_a_404(
    browser, webinar, measure, people, number, status
):
    add_responses(webinar, measure, [(f"Comment {n:02}", "") for n in range(60)])
    browser.sign_in(people.organiser.email)
    response = browser.get(f"/manage/events/{webinar.id}/feedback", query_string={"page": number})
    page = response.get_data(as_text=True)
    assert response.status_code == status
    if number == "2":
        assert "Comments 51 to 60 of 60" in page
    elif status == 200:
        assert "Comments 1 to 50 of 60" in page  # the first page
    else:
        assert "Page not found" in page and problems(page) == []


def test_without_comments_there_is_only_page_one(browser, webinar, measure, people):
    browser.sign_in(people.organiser.email)
    url = f"/manage/events/{webinar.id}/feedback"
    assert "Nobody has written anything yet." in browser.get(f"{url}?page=1").get_data(as_text=True)
    assert browser.get(f"{url}?page=2").status_code == 404


def test_a_page_of_comments_is_for_organisers_and_co_producers_only(browser, webinar, people):
    # Every role of the route: tests/test_permissions.py (reports.event_feedback).
    url = f"/manage/events/{webinar.id}/feedback?page=2"
    anonymous = browser.get(url)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    browser.sign_in(people.attendee.email)
    assert browser.get(url).status_code == 403


def test_the_queries_are_the_same_for_10_or_300_comments_on_any_page(
    browser, webinar, measure, people, count_queries
):
    browser.sign_in(people.organiser.email)
    url = f"/manage/events/{webinar.id}/feedback"
    add_responses(webinar, measure, [(f"Words {n:03}", "") for n in range(10)])
    with count_queries() as ten:
        assert "Comments 1 to 10 of 10" in browser.get(url).get_data(as_text=True)
    add_responses(webinar, measure, [(f"Words {n:03}", "Better") for n in range(10, 300)])
    with count_queries() as first:
        assert "Comments 1 to 50 of 300" in browser.get(url).get_data(as_text=True)
    with count_queries() as last:
        assert "Comments 251 to 300 of 300" in browser.get(f"{url}?page=6").get_data(as_text=True)
    assert len(ten) == len(first) == len(last)
    [fetch] = [q for q in last if "ORDER BY LOWER(FEEDBACK_RESPONSES.WHAT" in q.upper()]
    assert "LIMIT" in fetch.upper()
