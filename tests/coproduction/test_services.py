"""Calls, proposals, invitations, reviews, the panel and shared decisions, without HTTP."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.coproduction import services as coproduction
from cpweek.coproduction.models import CoProposer, Proposal, Review
from cpweek.extensions import db
from cpweek.programme.models import Event, EventHost
from cpweek.timezones import utcnow
from tests.factories import make_user


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_proposal_while_the_call_is_open(panel):
    proposal = panel.propose(unavailable="2027-06-29 09:00-12:00", lived_experience="yes")
    assert proposal.status == "submitted" and proposal.proposer_id == panel.proposer.id
    assert proposal.unavailable[0]["text"] == "2027-06-29 09:00-12:00"
    assert proposal.unavailable[0]["starts"].startswith("2027-06-29T08:00")  # BST -> UTC


def test_no_proposal_after_the_call_closed(panel):
    panel.call.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(coproduction.CallClosed):
        panel.propose()
    assert count(Proposal) == 0


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": " "}, "title"),
        ({"summary": ""}, "summary"),
        ({"kind": "party"}, "kind"),
        ({"format": "telepathy"}, "format"),
        ({"length_minutes": 5}, "length_minutes"),
        ({"length_minutes": 9999}, "length_minutes"),
        ({"involvement": " "}, "lived_experience_involvement"),
        ({"lived_experience": "maybe"}, "lived_experience"),
        ({"unavailable": "next Tuesday"}, "unavailable"),
        ({"unavailable": "2027-06-29 12:00-09:00"}, "unavailable"),
        ({"co_proposers": [("Bo", "not-an-email")]}, "co_proposers"),
        ({"co_proposers": [("Me", "asha@example.org")]}, "co_proposers"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_half_saved(panel, changes, field, mailbox):
    with pytest.raises(coproduction.CoproductionError) as error:
        panel.propose(**changes)
    assert error.value.field == field
    assert count(Proposal) == 0 and count(CoProposer) == 0 and mailbox.messages == []


def test_the_proposer_edits_until_the_call_closes(panel):
    proposal = panel.propose()
    details = coproduction.ProposalDetails(
        "New title", "New summary", "webinar", "online", 60, "Co-led by carers."
    )
    with pytest.raises(coproduction.NotAllowed):
        coproduction.update_proposal(proposal, details, panel.co_producer)
    coproduction.update_proposal(proposal, details, panel.proposer)
    assert coproduction.get_proposal(proposal.id).title == "New title"
    panel.call.closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(coproduction.CallClosed):
        coproduction.update_proposal(proposal, details, panel.proposer)


def test_withdraw(panel):
    proposal = panel.propose()
    coproduction.withdraw_proposal(proposal, panel.proposer)
    assert proposal.status == "withdrawn"
    with pytest.raises(coproduction.CoproductionError):
        coproduction.withdraw_proposal(proposal, panel.proposer)
    assert coproduction.proposals_for_review(panel.call) == []


def _token_from(mailbox, address: str) -> str:
    from tests.conftest import Mailbox

    text = Mailbox.text(mailbox.to(address)[0])
    return text.split("/proposals/invitations/")[1].split()[0]


def test_co_proposers_confirm_once_with_their_link(panel, mailbox):
    proposal = panel.propose(co_proposers=[("Bo Jones", "Bo@Example.org")])
    token = _token_from(mailbox, "bo@example.org")
    bo = make_user(email="bo@example.org", name="Bo Jones")
    invitee = coproduction.respond_to_invitation(token, bo, accept=True)
    assert invitee.status == "confirmed" and invitee.user_id == bo.id
    assert proposal in coproduction.proposals_of(bo)
    with pytest.raises(coproduction.InvitationInvalid) as error:
        coproduction.respond_to_invitation(token, bo, accept=False)
    assert "already confirmed" in error.value.message
    with pytest.raises(coproduction.InvitationInvalid) as error:
        coproduction.respond_to_invitation(
            token[:-1] + ("A" if token[-1] != "A" else "B"), bo, accept=True
        )
    assert "not valid" in error.value.message
    stored = db.session.scalar(select(CoProposer.token_hash))
    assert token not in stored  # only a hash is kept


# --- reviews --------------------------------------------------------------------------------


def test_nobody_reviews_a_proposal_they_are_on(panel, mailbox):
    proposal = panel.propose(co_proposers=[("Marcus", "marcus@example.org")])
    with pytest.raises(coproduction.NotAllowed):
        panel.review(proposal, panel.co_producer, 4, 4)  # invited by email: still his
    asha_reviewer = db.session.get(type(panel.proposer), panel.proposer.id)
    asha_reviewer.grants.append(
        __import__("cpweek.auth.models", fromlist=["RoleGrant"]).RoleGrant(
            role=Role.CO_PRODUCER.value
        )
    )
    db.session.commit()
    with pytest.raises(coproduction.NotAllowed):
        panel.review(proposal, asha_reviewer, 4, 4)
    assert count(Review) == 0


@pytest.mark.parametrize(
    "scores, comment, field",
    [
        ({0: 6, 1: 3}, "ok", "scores"),
        ({0: 0, 1: 3}, "ok", "scores"),
        ({0: 3}, "ok", "scores"),
        ({0: 3, 1: 3}, "  ", "comment"),
    ],
)
def test_bad_reviews_are_refused(panel, scores, comment, field):
    proposal = panel.propose()
    by_id = {panel.criteria[index].id: value for index, value in scores.items()}
    with pytest.raises(coproduction.CoproductionError) as error:
        coproduction.submit_review(proposal, panel.co_producer, by_id, comment)
    assert error.value.field == field and count(Review) == 0


def test_only_co_producers_and_organisers_review(panel):
    proposal = panel.propose()
    with pytest.raises(coproduction.NotAllowed):
        panel.review(proposal, make_user(roles=(Role.CONTRIBUTOR,)), 3, 3)


def test_others_scores_are_hidden_until_ones_own_review(panel):
    proposal = panel.propose()
    panel.review(proposal, panel.organiser, 2, 2, comment="Thin.")
    assert coproduction.reviews_for(proposal, panel.co_producer) is None
    panel.review(proposal, panel.co_producer, 5, 4)
    shown = coproduction.reviews_for(proposal, panel.co_producer)
    assert [item.review.comment for item in shown] == ["Thin.", "Good."]
    # A second submission replaces the first.
    panel.review(proposal, panel.co_producer, 4, 4, comment="Changed my mind.")
    assert count(Review) == 2


def test_reviews_only_while_reviewing_is_open(panel):
    proposal = panel.propose()
    panel.call.reviewing_ends_on = panel.call.reviewing_starts_on
    panel.call.reviewing_starts_on = panel.call.reviewing_starts_on - timedelta(days=5)
    panel.call.reviewing_ends_on = panel.call.reviewing_starts_on + timedelta(days=1)
    db.session.commit()
    with pytest.raises(coproduction.CoproductionError) as error:
        panel.review(proposal, panel.co_producer, 3, 3)
    assert "Reviewing is open from" in error.value.message


def test_the_panel_ranks_by_weighted_mean_and_flags_no_co_producer(panel, count_queries):
    strong, weak, _unseen = (
        panel.propose(title="Strong"),
        panel.propose(title="Weak"),
        panel.propose(title="Unseen"),
    )
    panel.review(strong, panel.co_producer, 5, 1)  # (15 + 1) / 4 = 4.0
    panel.review(strong, panel.organiser, 4, 4)  # 4.0
    panel.review(weak, panel.organiser, 2, 5)  # (6 + 5) / 4 = 2.75
    with count_queries() as queries:
        rows = coproduction.panel(panel.call)
    assert [row.proposal.title for row in rows] == ["Strong", "Weak", "Unseen"]
    assert rows[0].mean == 4.0 and rows[0].lived_mean == 4.0 and rows[0].staff_mean == 4.0
    assert rows[1].mean == 2.75 and rows[1].no_co_producer_review
    assert rows[2].mean is None and rows[2].reviews == 0
    few = len(queries)
    for number in range(5):
        panel.review(panel.propose(title=f"More {number}"), panel.organiser, 3, 3)
    with count_queries() as queries:
        coproduction.panel(panel.call)
    assert len(queries) == few


# --- shared decisions -----------------------------------------------------------------------


def test_a_decision_stands_only_once_both_have_agreed(panel, mailbox):
    proposal = panel.propose()
    decision = coproduction.propose_decision(
        proposal, "accept", "Carer-led and on theme.", panel.organiser
    )
    assert decision.stands_at is None and proposal.status == "submitted"
    second_organiser = make_user(roles=(Role.ORGANISER,))
    assert coproduction.agree(decision, second_organiser) is False  # still no co-producer
    assert coproduction.agree(decision, panel.co_producer) is True
    db.session.expire_all()
    proposal = coproduction.get_proposal(proposal.id)
    assert proposal.status == "accepted" and proposal.event_id is not None
    event = db.session.get(Event, proposal.event_id)
    assert (event.status, event.title, event.edition_id) == (
        "draft",
        proposal.title,
        panel.call.edition_id,
    )
    hosts = list(db.session.scalars(select(EventHost).where(EventHost.event_id == event.id)))
    assert [host.person_id for host in hosts] == [panel.proposer.id]
    told = mailbox.to("asha@example.org")
    assert len(told) == 1 and "Carer-led and on theme." in mailbox.text(told[0])
    actions = [e.action for e in db.session.scalars(select(AuditEntry))]
    for action in (
        "coproduction.decision_proposed",
        "coproduction.decision_agreed",
        "coproduction.decision_stands",
        "coproduction.event_drafted",
    ):
        assert action in actions


def test_without_shared_decisions_a_decision_stands_at_once(panel):
    panel.call.shared_decisions = False
    db.session.commit()
    proposal = panel.propose()
    decision = coproduction.propose_decision(proposal, "reject", "Out of scope.", panel.organiser)
    assert decision.stands_at is not None and proposal.status == "rejected"
    assert proposal.event_id is None


@pytest.mark.parametrize(
    "outcome, rationale, field",
    [("accept", "  ", "rationale"), ("maybe", "Because", "outcome")],
)
def test_decisions_need_an_outcome_and_a_rationale(panel, outcome, rationale, field):
    proposal = panel.propose()
    with pytest.raises(coproduction.CoproductionError) as error:
        coproduction.propose_decision(proposal, outcome, rationale, panel.organiser)
    assert error.value.field == field and coproduction.current_decision(proposal) is None


def test_decisions_only_while_deciding_and_not_by_those_on_it(panel):
    proposal = panel.propose(co_proposers=[("Marcus", "marcus@example.org")])
    with pytest.raises(coproduction.NotAllowed):
        coproduction.propose_decision(proposal, "accept", "Mine", panel.co_producer)
    decision = coproduction.propose_decision(proposal, "accept", "Good", panel.organiser)
    with pytest.raises(coproduction.NotAllowed):
        coproduction.agree(decision, panel.co_producer)
    with pytest.raises(coproduction.CoproductionError):
        coproduction.agree(decision, panel.organiser)  # already agreed (proposed it)
    panel.call.deciding_starts_on = panel.call.deciding_ends_on + timedelta(days=1)
    panel.call.deciding_ends_on = panel.call.deciding_starts_on
    db.session.commit()
    with pytest.raises(coproduction.CoproductionError) as error:
        coproduction.agree(decision, make_user(roles=(Role.CO_PRODUCER,)))
    assert "Decisions are taken from" in error.value.message


def test_a_new_proposed_decision_replaces_one_not_yet_standing(panel):
    proposal = panel.propose()
    first = coproduction.propose_decision(proposal, "reject", "Thin", panel.organiser)
    second = coproduction.propose_decision(
        proposal, "hold", "Wait for the theme", panel.co_producer
    )
    assert first.replaced and coproduction.current_decision(proposal).id == second.id
    with pytest.raises(coproduction.CoproductionError):
        coproduction.agree(first, make_user(roles=(Role.ORGANISER,)))


def test_how_the_programme_was_made(panel):
    panel.propose(lived_experience="yes")
    panel.propose(lived_experience="no")
    accepted = panel.propose(lived_experience="prefer_not")
    panel.review(accepted, panel.co_producer, 4, 4)
    panel.review(accepted, panel.organiser, 4, 4)
    coproduction.propose_decision(accepted, "accept", "Yes", panel.organiser)
    coproduction.agree(coproduction.current_decision(accepted), panel.co_producer)
    made = coproduction.how_it_was_made(panel.call)
    assert made.proposals == 3 and made.lived_experience is None  # shown once the call closes
    panel.call.closes_at = utcnow() - timedelta(seconds=1)
    made = coproduction.how_it_was_made(panel.call)
    assert made.lived_experience is not None and made.lived_experience.too_few
    assert [figure.hidden for _answer, figure in made.lived_experience_answers] == [True] * 3
    assert (made.lived_reviewers, made.staff_reviewers, made.reviews) == (1, 1, 2)
    assert [p.id for p in made.accepted] == [accepted.id]


def test_call_dates_must_be_in_order(panel):
    details = coproduction.CallDetails(
        opens_at=utcnow(),
        closes_at=utcnow() - timedelta(days=1),
        reviewing_starts_on=panel.call.reviewing_starts_on,
        reviewing_ends_on=panel.call.reviewing_ends_on,
        deciding_starts_on=panel.call.deciding_starts_on,
        deciding_ends_on=panel.call.deciding_ends_on,
    )
    with pytest.raises(coproduction.CoproductionError) as error:
        coproduction.save_call(coproduction.edition_of(panel.call), details, panel.organiser)
    assert error.value.field == "closes_at"


def test_an_unavailable_time_that_does_not_exist_in_uk_time_is_refused(panel):
    with pytest.raises(coproduction.CoproductionError) as error:
        panel.propose(unavailable="2027-03-28 01:15-01:45")  # the clocks go forward
    assert error.value.field == "unavailable" and "does not exist" in error.value.message


def test_a_withdrawn_proposal_cannot_be_accepted(panel):
    proposal = panel.propose()
    decision = coproduction.propose_decision(proposal, "accept", "Good", panel.organiser)
    coproduction.withdraw_proposal(proposal, panel.proposer)
    with pytest.raises(coproduction.CoproductionError):
        coproduction.agree(decision, panel.co_producer)
    assert coproduction.get_proposal(proposal.id).status == "withdrawn"
    assert count(Event) == 0


def test_an_invitation_is_answered_only_from_the_invited_address(panel, mailbox):
    panel.propose(co_proposers=[("Bo", "bo@example.org")])
    token = _token_from(mailbox, "bo@example.org")
    with pytest.raises(coproduction.InvitationInvalid) as error:
        coproduction.respond_to_invitation(token, make_user(email="eve@example.org"), True)
    assert "sent to bo@example.org" in error.value.message
    assert db.session.scalar(select(CoProposer.status)) == "invited"


def test_a_review_by_someone_who_later_joined_the_proposal_does_not_count(panel, mailbox):
    proposal = panel.propose()
    panel.review(proposal, panel.co_producer, 5, 5)
    other = panel.propose(title="Other")
    panel.review(other, panel.co_producer, 2, 2)
    db.session.add(
        CoProposer(
            proposal_id=proposal.id, name="Marcus", email="marcus@example.org", token_hash="x" * 64
        )
    )
    db.session.commit()
    rows = {row.proposal.id: row for row in coproduction.panel(panel.call)}
    assert rows[proposal.id].reviews == 0 and rows[other.id].reviews == 1


def test_no_review_without_criteria(panel):
    from cpweek.coproduction.models import Criterion

    proposal = panel.propose()
    for criterion in panel.criteria:
        db.session.delete(db.session.get(Criterion, criterion.id))
    db.session.commit()
    with pytest.raises(coproduction.CoproductionError) as error:
        coproduction.submit_review(proposal, panel.co_producer, {}, "Fine")
    assert "no score criteria" in error.value.message


@pytest.mark.parametrize(
    "typed",
    [
        "29 6 2027 09:00-12:00",
        "29/06/2027 9:00 to 12:00",
        "29 June 2027 9am-12pm",
        "2027-06-29 09:00–12:00",
    ],
)
def test_unavailable_times_are_read_as_people_write_them(typed):
    [line] = coproduction.parse_unavailable(typed, "Europe/London")
    assert (line["starts"], line["ends"]) == (
        "2027-06-29T08:00:00+00:00",
        "2027-06-29T11:00:00+00:00",
    )


@pytest.mark.parametrize("typed", ["31 2 2027 09:00-10:00", "29 6 2027 25:00-26:00", "29 6 09:00"])
def test_unavailable_times_that_are_not_real_say_how_to_write_them(typed):
    with pytest.raises(coproduction.CoproductionError) as error:
        coproduction.parse_unavailable(typed, "Europe/London")
    assert "like “29 6 2027 09:00-12:00”" in error.value.message
