"""The co-production pages through the browser: proposing, invitations, reviewing, deciding."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from cpweek.coproduction import services as coproduction
from cpweek.coproduction.models import Proposal
from cpweek.demo import DEMO_PASSWORD, seed_demo
from cpweek.extensions import db
from tests.a11y import problems
from tests.factories import make_user


def text(response) -> str:
    return response.get_data(as_text=True)


PROPOSAL = {
    "title": "Carers' own evidence",
    "summary": "A workshop.",
    "kind": "workshop",
    "format": "online",
    "length_minutes": "90",
    "lived_experience_involvement": "Led by carers.",
    "lived_experience": "yes",
}


def test_propose_see_the_status_and_edit(browser, panel):
    browser.sign_in(panel.proposer.email)
    page = text(browser.get("/2027/call"))
    assert "Propose a session" in page and problems(page) == []
    response = browser.submit("/2027/call/propose", PROPOSAL)
    assert response.status_code == 302
    proposal_page = text(browser.get(response.headers["Location"]))
    assert "Submitted: with the review panel" in proposal_page and problems(proposal_page) == []
    proposal = db.session.scalar(select(Proposal))
    edited = browser.submit(f"/proposals/{proposal.id}/edit", {**PROPOSAL, "title": "Renamed"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert coproduction.get_proposal(proposal.id).title == "Renamed"


def test_a_bad_proposal_keeps_what_was_typed(browser, panel):
    browser.sign_in(panel.proposer.email)
    body = text(
        browser.submit(
            "/2027/call/propose",
            {
                **PROPOSAL,
                "length_minutes": "ninety",
                "unavailable": "Tuesdays",
                "co_proposers": "Bo, not-an-email",
            },
        )
    )
    assert "There is a problem" in body and 'value="Carers&#39; own evidence"' in body
    assert "Enter a whole number" in body
    assert problems(body) == []
    body = text(browser.submit("/2027/call/propose", {**PROPOSAL, "unavailable": "Tuesdays"}))
    assert "is not like" in body and "Tuesdays" in body
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_someone_elses_proposal_is_not_found(browser, panel):
    proposal = panel.propose()
    stranger = make_user()
    browser.sign_in(stranger.email)
    assert browser.get(f"/proposals/{proposal.id}").status_code == 404
    assert browser.get(f"/proposals/{proposal.id}/edit").status_code == 404


def test_invitation_pages(browser, panel, mailbox):
    panel.propose(co_proposers=[("Bo", "bo@example.org")])
    link = mailbox.text(mailbox.to("bo@example.org")[0]).split("http://cpweek.test")[1].split()[0]
    bo = make_user(email="bo@example.org", name="Bo")
    browser.sign_in(bo.email)
    page = browser.get(link)
    assert page.status_code == 200 and problems(text(page)) == []
    assert browser.submit(link, {"answer": "yes"}).status_code == 302
    again = text(browser.get(link))
    assert "already confirmed" in again
    tampered = browser.get(link[:-2] + "xx")
    assert tampered.status_code == 404 and "not valid" in text(tampered)


def test_review_then_see_others_then_decide_together(browser, panel):
    proposal = panel.propose()
    panel.review(proposal, panel.organiser, 2, 3, comment="Needs work on access.")
    browser.sign_in(panel.co_producer.email)
    url = f"/review/proposals/{proposal.id}"
    before = text(browser.get(url))
    assert "Needs work on access." not in before and problems(before) == []
    ids = [c.id for c in panel.criteria]
    out_of_scale = browser.submit(
        url, {f"score_{ids[0]}": "9", f"score_{ids[1]}": "3", "comment": "x"}
    )
    refused = text(out_of_scale)
    assert out_of_scale.status_code == 200
    assert "Choose a score from 1 – not at all to 5 – very" in refused
    # Every choice is worded, so nobody has to guess which end of the scale is good.
    for worded in ("1 – not at all", "2 – a little", "3 – partly", "4 – mostly", "5 – very"):
        assert worded in before
    assert "weight" not in before.lower()
    assert "How much it counts in the ranking: 3 out of 10." in before
    done = browser.submit(
        url, {f"score_{ids[0]}": "5", f"score_{ids[1]}": "4", "comment": "Strong."}
    )
    assert done.status_code == 302
    after = text(browser.get(url))
    assert "Needs work on access." in after and "Strong." in after
    no_rationale = browser.submit(
        f"{url}/decision", {"outcome": "accept", "rationale": ""}, form_url=url
    )
    assert no_rationale.status_code == 200 and 'href="#rationale"' in text(no_rationale)
    assert (
        browser.submit(
            f"{url}/decision", {"outcome": "accept", "rationale": "Strong."}, form_url=url
        ).status_code
        == 302
    )
    browser.sign_out()
    browser.sign_in(panel.organiser.email)
    decision = coproduction.current_decision(proposal)
    stale = browser.submit(f"{url}/agree", {"decision_id": decision.id + 1}, form_url=url)
    assert "changed while you were reading" in text(browser.get(stale.headers["Location"]))
    agreed = browser.submit(f"{url}/agree", {"decision_id": decision.id}, form_url=url)
    assert agreed.status_code == 302
    db.session.expire_all()
    assert coproduction.get_proposal(proposal.id).status == "accepted"
    panel_page = text(browser.get("/review/2027/panel"))
    assert "own evidence" in panel_page and problems(panel_page) == []


def test_the_ranking_shows_scores_only_after_ones_own_review(browser, panel):
    proposal = panel.propose(title="Hidden until reviewed")
    panel.review(proposal, panel.organiser, 5, 5)
    browser.sign_in(panel.co_producer.email)
    page = text(browser.get("/review/2027/panel"))
    assert "Scores you see after reviewing" in page and "5.00" not in page
    panel.review(proposal, panel.co_producer, 3, 3)
    page = text(browser.get("/review/2027/panel"))
    assert "4.00" in page and problems(page) == []  # (5 + 3) / 2 on both criteria


def test_the_panel_reweighs_a_criterion(browser, panel):
    browser.sign_in(panel.co_producer.email)
    criterion = panel.criteria[1]
    response = browser.submit(
        f"/review/criteria/{criterion.id}/weight", {"weight": "4"}, form_url="/review/2027/panel"
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert coproduction.get_criterion(criterion.id).weight == 4
    browser.submit(
        f"/review/criteria/{criterion.id}/weight", {"weight": "40"}, form_url="/review/2027/panel"
    )
    db.session.expire_all()
    assert coproduction.get_criterion(criterion.id).weight == 4


def test_own_proposal_is_not_reviewable_on_the_page(browser, panel):
    proposal = panel.propose(panel.co_producer)
    browser.sign_in(panel.co_producer.email)
    page = text(browser.get(f"/review/proposals/{proposal.id}"))
    assert "you do not review it" in page and 'name="comment"' not in page
    response = browser.submit(
        f"/review/proposals/{proposal.id}",
        {f"score_{c.id}": "5" for c in panel.criteria} | {"comment": "Me"},
    )
    assert response.status_code == 302
    assert "cannot review it" in text(browser.get(response.headers["Location"]))


def test_attendees_cannot_reach_the_panel(browser, panel):
    browser.sign_in(panel.proposer.email)
    assert browser.get("/review/2027/").status_code == 403


def test_organiser_sets_up_the_call(browser, panel):
    browser.sign_in(panel.organiser.email)
    page = text(browser.get("/manage/2027/call"))
    assert problems(page) == []
    response = browser.submit(
        "/manage/2027/call/criteria",
        {"name": "Accessible", "weight": "11"},
        form_url="/manage/2027/call",
    )
    assert response.status_code == 200 and "from 1 to 10" in text(response)
    response = browser.submit(
        "/manage/2027/call/criteria",
        {"name": "Accessible", "weight": "2"},
        form_url="/manage/2027/call",
    )
    assert response.status_code == 302
    assert [c.name for c in coproduction.criteria_of(panel.call)][-1] == "Accessible"


def test_demo_pages_pass_the_structural_checks(browser, client):
    seed_demo()
    for url in ("/2027/call", "/2027/how-it-was-made"):
        assert problems(text(client.get(url))) == [], url
    browser.sign_in("coproducer@example.org", DEMO_PASSWORD)
    queue = text(browser.get("/review/2027/"))
    assert problems(queue) == []
    for url in sorted(set(re.findall(r'href="(/review/proposals/\d+)"', queue))):
        assert problems(text(browser.get(url))) == [], url
    assert problems(text(browser.get("/review/2027/panel"))) == []


def test_the_call_page_says_what_a_call_for_proposals_is(browser, panel):
    page = text(browser.get("/2027/call"))
    assert "<h1>Suggest a session</h1>" in page
    assert "call for proposals: an open invitation to suggest a session" in page
    assert "1 – not at all to 5 – very" in page and "UK time on" in page
    assert "weight" not in page.lower()
    assert "Suggest a session for the week" in text(browser.get("/"))


def test_the_panel_page_says_how_much_each_question_counts_without_jargon(browser, panel):
    browser.sign_in(panel.co_producer.email)
    page = text(browser.get("/review/2027/panel"))
    assert "weight" not in re.sub(r"<[^>]*>", "", page).lower()  # in the words people read
    assert "“Co-produced” counts 3 times" in page and "“On theme” counts 1 time" in page
    assert "How much each question counts" in page and problems(page) == []
