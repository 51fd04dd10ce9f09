"""The three later stages (issue 14, point 5): a person who came is offered the equality
questions after sending their first feedback of an edition (stage "attended"), a proposer once
their proposal is accepted ("accepted"), a contributor once a payment is recorded ("paid").
Each offer is shown once per person, edition and stage, and its answers count at that stage
only; the thank-you page's invitation is not written beside the anonymous feedback response."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select, update

from cpweek.auth.models import Role
from cpweek.coproduction.models import Proposal, ProposalStatus
from cpweek.equality_offers import MonitoringOffer
from cpweek.extensions import db
from cpweek.reports.models import EqualityInvitation, EqualityResponse, Stage
from cpweek.reports.services import monitoring
from tests.a11y import problems
from tests.coproduction.conftest import Panel, open_call
from tests.factories import make_edition, make_event, make_user
from tests.reciprocity.conftest import books  # noqa: F401  (the ledger fixture)
from tests.reports.conftest import make_link

OFFER = "Help us see who takes part: answer a few optional questions"
LINK = re.compile(r'<a href="(/equality/[A-Za-z0-9_-]{43})" rel="noreferrer">')
EASY_LINK = re.compile(r'<a href="(/equality/[A-Za-z0-9_-]{43}\?easy_read=1)" rel="noreferrer">')


def _text(response) -> str:
    return response.get_data(as_text=True)


def _invitations() -> list[EqualityInvitation]:
    db.session.expire_all()
    return list(db.session.scalars(select(EqualityInvitation)))


def _send_feedback(browser, token: str):
    url = f"/feedback/{token}"
    response = browser.submit(url, {"overall": "4"})
    assert response.status_code == 302, _text(response)[:500]
    return _text(browser.get(response.headers["Location"]))


def test_the_first_feedback_of_an_edition_offers_the_questions_as_attended(browser, edition):
    first = make_event(edition, datetime(2025, 6, 29, 10, 0), slug="first", title="First")
    second = make_event(edition, datetime(2025, 6, 30, 10, 0), slug="second", title="Second")
    one, two = make_link(first, email="ada@example.org"), make_link(second, email="ada@example.org")
    page = _send_feedback(browser, one.token)
    assert OFFER in page and "apart from your name and your feedback" in page
    assert problems(page) == []
    [link] = LINK.findall(page)
    [invitation] = _invitations()
    assert (invitation.edition_id, invitation.stage) == (edition.id, Stage.ATTENDED.value)
    # Shown once: the thank-you page again offers nothing, nor the same person's second form.
    assert OFFER not in _text(browser.get("/feedback/thank-you"))
    assert OFFER not in _send_feedback(browser, two.token)
    assert len(_invitations()) == 1
    assert browser.submit(link, {"sex": "female", "submit": "1"}).status_code == 302
    [answer] = db.session.scalars(select(EqualityResponse))
    assert (answer.stage, answer.sex) == ("attended", "female")


def test_someone_else_at_the_same_event_is_offered_too(browser, edition, webinar):
    _send_feedback(browser, make_link(webinar, email="ada@example.org").token)
    page = _send_feedback(browser, make_link(webinar, email="bo@example.org").token)
    assert OFFER in page
    assert [i.stage for i in _invitations()] == ["attended", "attended"]


def test_the_invitation_is_made_by_the_thank_you_page_not_with_the_response(browser, webinar):
    """The form's own transaction writes the response and no invitation (on PostgreSQL the two
    rows would share a transaction id); the thank-you page makes it, in its own."""
    link = make_link(webinar)
    response = browser.submit(f"/feedback/{link.token}", {"overall": "4"})
    assert response.status_code == 302
    assert _invitations() == []
    assert OFFER in _text(browser.get(response.headers["Location"]))
    assert len(_invitations()) == 1


EASY_OFFER = (
    "We would like to know a bit about you.",
    "This helps us see who takes part and who is left out.",
    "You do not have to answer.",
)


def _send_easy_read_feedback(browser, token: str):
    url = f"/feedback/{token}?easy_read=1"
    response = browser.submit(url, {"overall": "4"})
    assert response.headers["Location"] == "/feedback/thank-you?easy_read=1"
    return _text(browser.get(response.headers["Location"]))


def test_easy_read_feedback_offers_the_questions_once_in_easy_read_words(browser, edition):
    first = make_event(edition, datetime(2025, 6, 29, 10, 0), slug="first", title="First")
    second = make_event(edition, datetime(2025, 6, 30, 10, 0), slug="second", title="Second")
    third = make_event(edition, datetime(2025, 7, 1, 10, 0), slug="third", title="Third")
    links = [make_link(event, email="ada@example.org") for event in (first, second, third)]
    page = _send_easy_read_feedback(browser, links[0].token)
    offer = page[page.index("We got your answers.") :]
    for sentence in EASY_OFFER:
        assert f"<p>{sentence}</p>" in offer
    assert OFFER not in page  # the standard version's words are not shown in Easy Read
    assert problems(page) == []
    [link] = EASY_LINK.findall(page)  # to the questions in Easy Read words
    [invitation] = _invitations()
    assert (invitation.edition_id, invitation.stage) == (edition.id, Stage.ATTENDED.value)
    # Once per person, edition and stage, whichever version of the form they use next.
    assert EASY_OFFER[0] not in _text(browser.get("/feedback/thank-you?easy_read=1"))
    assert EASY_OFFER[0] not in _send_easy_read_feedback(browser, links[1].token)
    assert OFFER not in _send_feedback(browser, links[2].token)
    assert len(_invitations()) == 1
    # Skipping: the page goes on without answering, and the questions can be skipped whole.
    assert '<a href="/">Co-production Week home page</a>' in page
    questions = _text(browser.get(link))
    assert "Tell us about you" in questions and "Do you get care and support?" in questions
    assert problems(questions) == []
    skipped = browser.submit(link, {"skip": "Skip all the questions"})
    assert skipped.headers["Location"] == "/equality/thank-you?easy_read=1"
    thanks = _text(browser.get(skipped.headers["Location"]))
    assert "<p>You skipped the questions. That is fine.</p>" in thanks
    [answer] = db.session.scalars(select(EqualityResponse))
    assert (answer.stage, answer.sex, answer.ethnic_group) == ("attended", None, None)


def test_after_standard_feedback_the_easy_read_form_offers_nothing_again(browser, edition):
    first = make_event(edition, datetime(2025, 6, 29, 10, 0), slug="first", title="First")
    second = make_event(edition, datetime(2025, 6, 30, 10, 0), slug="second", title="Second")
    one, two = make_link(first, email="bo@example.org"), make_link(second, email="bo@example.org")
    assert OFFER in _send_feedback(browser, one.token)
    page = _send_easy_read_feedback(browser, two.token)
    assert "We got your answers." in page and EASY_OFFER[0] not in page
    assert len(_invitations()) == 1


def _accepted_proposal(edition):
    organiser = make_user(email="organiser@example.org", roles=(Role.ORGANISER,))
    proposer = make_user(email="asha@example.org", name="Asha")
    call = open_call(edition, organiser)
    proposal = Panel(call, [], organiser, organiser, proposer).propose()
    db.session.commit()
    return proposer, proposal


def test_a_proposer_is_offered_the_questions_once_when_accepted(browser):
    edition = make_edition(2027)
    proposer, proposal = _accepted_proposal(edition)
    browser.sign_in(proposer.email)
    url = f"/proposals/{proposal.id}"
    browser.get(url)  # the sending's own offer (stage "proposal") is not this one
    before = {i.stage for i in _invitations()}
    assert OFFER not in _text(browser.get(url))  # submitted, not accepted: nothing
    # The decision's workflow is coproduction's (tested there); here only its outcome.
    db.session.execute(
        update(Proposal).where(Proposal.id == proposal.id).values(status=ProposalStatus.ACCEPTED)
    )
    db.session.commit()
    page = _text(browser.get(url))
    assert OFFER in page and problems(page) == []
    [link] = LINK.findall(page)
    assert OFFER not in _text(browser.get(url))
    accepted = [i for i in _invitations() if i.stage == "accepted"]
    assert [(i.edition_id, i.stage) for i in accepted] == [(edition.id, "accepted")]
    assert "accepted" not in before
    assert browser.submit(link, {"age_band": "45_54", "submit": "1"}).status_code == 302
    assert db.session.scalar(select(EqualityResponse.stage)) == "accepted"


def test_a_contributor_is_offered_the_questions_once_when_paid(browser, books):  # noqa: F811
    edition = make_edition(2026)
    entry = books.approved()
    db.session.commit()
    browser.sign_in(books.contributor.email)
    assert OFFER not in _text(browser.get("/involvement/"))  # approved, not paid yet
    books.pay(entry)
    db.session.commit()
    page = _text(browser.get("/involvement/"))
    assert OFFER in page and problems(page) == []
    assert OFFER not in _text(browser.get("/involvement/"))
    [invitation] = _invitations()
    assert (invitation.edition_id, invitation.stage) == (edition.id, "paid")
    offers = db.session.scalars(select(MonitoringOffer)).all()
    assert [(o.person_id, o.edition_id, o.stage) for o in offers] == [
        (books.contributor.id, edition.id, "paid")
    ]


def test_answers_at_one_stage_are_counted_at_that_stage_only(edition):
    for stage in Stage:
        token = monitoring.invite(edition.id, stage)
        monitoring.record_answers(token, {"sex": "male"})
    counts = {
        (c.stage, c.option): c.count
        for c in monitoring.answer_counts([edition.id])
        if c.question == "sex"
    }
    assert counts == {(stage.value, "male"): 1 for stage in Stage}
