"""Journeys 5 and 6 of issue 11: a co-producer and an organiser review a proposal and agree to
a decision; an organiser places a session in the schedule draft and both co-sign the release."""

from __future__ import annotations

from datetime import date, datetime, time

from cpweek.auth.models import Role
from cpweek.coproduction import services as coproduction
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.timezones import from_local
from tests.browser.steps import (
    assert_error_first,
    assert_success,
    choose,
    fill,
    fill_date,
    fill_time,
    score,
    select,
)
from tests.coproduction.conftest import open_call
from tests.factories import make_edition, make_event, make_user


def _panel():
    """The 2027 call, reviewing and deciding today; Helen organises, Marcus co-produces."""
    organiser = make_user(email="helen@example.org", roles=(Role.ORGANISER,), name="Helen")
    make_user(email="marcus@example.org", roles=(Role.CO_PRODUCER,), name="Marcus")
    proposer = make_user(email="asha@example.org", name="Asha")
    edition = make_edition(2027)
    call = open_call(edition, organiser)
    coproduction.add_criterion(call, "Co-produced", "", 3, organiser)
    coproduction.add_criterion(call, "On theme", "", 1, organiser)
    return edition, call, organiser, proposer


def test_co_producer_and_organiser_review_and_agree_to_a_decision(journey):
    _edition, call, _organiser, proposer = _panel()
    proposal = coproduction.submit_proposal(
        call,
        proposer,
        coproduction.ProposalDetails(
            title="Carers' own evidence",
            summary="A workshop on evidence carers collect.",
            kind="workshop",
            format="online",
            length_minutes=90,
            lived_experience_involvement="Led by unpaid carers.",
        ),
    )
    db.session.commit()
    page = journey.page

    journey.sign_in("marcus@example.org")
    journey.goto("/review/2027/")  # the home page's link here is being reworked (issue 11.5)
    journey.follow("Carers' own evidence")
    journey.shot("proposal")

    journey.press("Submit the review")
    journey.target(assert_error_first, "Co-produced", step="review sent empty")
    journey.shot("review-errors")

    score(page, "Co-produced", 5)
    score(page, "On theme", 4)
    fill(page, "Comment for the panel", "Carers lead it from the start.")
    journey.press("Submit the review")
    assert_success(page, "Review saved.")
    journey.shot("review-saved")

    journey.press("Put this decision to the panel")
    journey.target(assert_error_first, "Choose accept, reject or hold", step="decision sent empty")
    journey.shot("decision-errors")

    choose(page, "Accept")
    fill(page, "Why: the reasons for this decision", "Strong co-production, on theme.")
    journey.press("Put this decision to the panel")
    journey.target(assert_success, "Decision put to the panel.", step="decision proposed")
    assert page.get_by_text("proposed, not yet standing").is_visible()
    journey.shot("decision-proposed")

    journey.sign_out()
    journey.sign_in("helen@example.org")
    journey.goto(f"/review/proposals/{proposal.id}")
    journey.press("I agree with this decision")
    journey.target(assert_success, "Agreed. The decision now stands", step="organiser agrees")
    assert page.get_by_text("this decision stands").is_visible()
    journey.shot("decision-stands")

    db.session.expire_all()
    assert coproduction.get_proposal(proposal.id).status == "accepted"
    assert journey.mailbox.to("asha@example.org"), "the proposer is told the decision"


def test_place_a_session_and_co_sign_the_release(journey):
    edition, _call, _organiser, _proposer = _panel()
    morning = make_event(
        edition,
        datetime(2027, 6, 29, 10, 0),
        datetime(2027, 6, 29, 11, 0),
        title="Morning webinar",
        track="Stream A",
    )
    sam = make_user(email="sam@example.org", name="Sam")
    programme.register(morning, programme.Applicant(name="Sam", email=None), person=sam)
    db.session.commit()
    journey.mailbox.messages.clear()
    page = journey.page

    journey.sign_in("helen@example.org")
    journey.goto("/manage/2027/schedule")
    journey.shot("schedule-draft")

    place = page.locator("form", has=page.get_by_role("button", name="Put it in the draft"))
    select(page, "Session", "Morning webinar", place)
    journey.press("Put it in the draft")
    journey.target(assert_error_first, "Enter the date", step="place sent without times")
    journey.shot("place-errors")

    select(page, "Session", "Morning webinar", place)
    fill_date(page, "Date", date(2027, 6, 29), place)
    fill_time(page, "Starts (UK time)", time(9, 0), place)
    fill_time(page, "Ends (UK time)", time(9, 45), place)
    fill(page, "Room or online stream (optional)", "Stream A", place)
    journey.press("Put it in the draft")
    assert_success(page, "Placed in the draft.")
    journey.shot("placed")

    journey.press("Prepare a release for sign-off")
    journey.target(assert_success, "Release prepared", step="release prepared")
    journey.shot("release-prepared")
    journey.press("Sign this release off")
    journey.target(assert_success, "Signed off.", step="organiser signs off")
    journey.shot("organiser-signed")

    journey.sign_out()
    journey.sign_in("marcus@example.org")
    journey.goto("/manage/2027/schedule")
    journey.press("Sign this release off")
    journey.target(assert_success, "is published", step="co-producer signs off")
    journey.shot("published")

    db.session.expire_all()
    moved = db.session.get(Event, morning.id)
    assert moved.starts_at.replace(tzinfo=None) == from_local(datetime(2027, 6, 29, 9, 0)).replace(
        tzinfo=None
    )
    assert journey.mailbox.to("sam@example.org"), "Sam is told the session moved"
