"""Shared decisions on proposals: someone on the panel puts an outcome with its reasons, and
it stands once a co-producer and an organiser have both agreed (`cpweek.perspectives`), or at
once where the call does not ask for shared decisions. A decision that stands moves the
proposal on, drafts an accepted proposal's event, tells everyone on it, and is announced
(`signals.decision_stood`). A proposer can withdraw a proposal still with the panel.

Decisions, agreements and withdrawal all queue on the proposal's row (always that row first,
so they never deadlock), then read its status afresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from cpweek import audit, signals
from cpweek.auth.models import User
from cpweek.coproduction.models import (
    Agreement,
    Call,
    Decision,
    Outcome,
    Proposal,
    ProposalStatus,
)
from cpweek.coproduction.services.calls import call_of, deciding, edition_of
from cpweek.coproduction.services.errors import (
    CoproductionError,
    DecisionChanged,
    NotAllowed,
)
from cpweek.coproduction.services.invitations import confirmed_co_proposers
from cpweek.coproduction.services.messages import tell
from cpweek.coproduction.services.proposals import is_on_proposal
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.perspectives import agreed_by, perspective_of, standing_of
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.timezones import from_local, utcnow
from cpweek.urls import absolute_url

OUTCOME_WORDS = {"accept": "accepted", "reject": "not accepted this time", "hold": "on hold"}
# Still with the panel: decisions can be proposed and agreed, and the proposer can withdraw.
DECIDABLE = (ProposalStatus.SUBMITTED, ProposalStatus.HELD)
STATUS_AFTER = {
    Outcome.ACCEPT: ProposalStatus.ACCEPTED,
    Outcome.REJECT: ProposalStatus.REJECTED,
    Outcome.HOLD: ProposalStatus.HELD,
}


def decidable(proposal: Proposal) -> bool:
    """Still with the panel: a decision can be proposed or agreed, or it can be withdrawn."""
    return proposal.status in DECIDABLE


def open_decisions(proposal_ids: list[int]) -> list[Decision]:
    """The current (not replaced) decision of each proposal."""
    return list(
        db.session.scalars(
            select(Decision).where(
                Decision.proposal_id.in_(proposal_ids), Decision.replaced.is_(False)
            )
        )
    )


def current_decision(proposal: Proposal) -> Decision | None:
    found = open_decisions([proposal.id])
    return found[0] if found else None


def agreements_of(decision: Decision) -> list[tuple[Agreement, User]]:
    return agreed_by(Agreement.agreed_at, Agreement.decision_id == decision.id)


def withdraw_proposal(proposal: Proposal, by: User) -> None:
    if proposal.proposer_id != by.id:
        raise NotAllowed("Only the proposer can withdraw the proposal")
    lock(proposal)
    if not decidable(proposal):
        raise CoproductionError("Only a proposal still with the panel can be withdrawn")
    before = proposal.status
    open_decision = current_decision(proposal)
    if open_decision is not None:
        open_decision.replaced = True  # nobody can agree to it any more
    proposal.status = ProposalStatus.WITHDRAWN.value
    audit.record(
        by.id,
        "coproduction.proposal_withdrawn",
        "proposal",
        proposal.id,
        before={"status": before},
        after={"status": proposal.status},
    )


def _decider_perspective(person: User) -> str:
    perspective = perspective_of(person)
    if perspective is None:
        raise NotAllowed("Only co-producers and organisers take decisions")
    return perspective


def _check_deciding(call: Call) -> None:
    if not deciding(call):
        raise CoproductionError(
            f"Decisions are taken from {call.deciding_starts_on:%-d %B} to "
            f"{call.deciding_ends_on:%-d %B %Y}: nothing was saved."
        )


def _check_not_on(proposal: Proposal, by: User) -> None:
    if is_on_proposal(proposal, by):
        raise NotAllowed("You are on this proposal, so you cannot decide on it.")


def propose_decision(proposal: Proposal, outcome: str, rationale: str, by: User) -> Decision:
    """Put an outcome to the panel, agreed by its proposer; it stands once a co-producer and
    an organiser have agreed (or at once, if the call does not require shared decisions)."""
    perspective = _decider_perspective(by)
    call = call_of(proposal)
    _check_deciding(call)
    _check_not_on(proposal, by)
    if outcome not in Outcome._value2member_map_:
        raise CoproductionError("Choose accept, reject or hold", "outcome")
    if not rationale.strip():
        raise CoproductionError(
            "Give the reasons for the decision: the proposer will read them", "rationale"
        )
    lock(proposal)
    if not decidable(proposal):
        raise CoproductionError(
            f"This proposal is already “{ProposalStatus(proposal.status).label.lower()}”."
        )
    previous = current_decision(proposal)
    if previous is not None:
        previous.replaced = True
    decision = Decision(
        proposal_id=proposal.id,
        outcome=outcome,
        rationale=rationale.strip(),
        proposed_by_id=by.id,
    )
    db.session.add(decision)
    db.session.flush()
    db.session.add(Agreement(decision_id=decision.id, user_id=by.id, perspective=perspective))
    db.session.flush()
    audit.record(
        by.id,
        "coproduction.decision_proposed",
        "proposal",
        proposal.id,
        before={"replaced_decision": previous.id} if previous else None,
        after={"decision_id": decision.id, "outcome": outcome, "rationale": decision.rationale},
    )
    _stand_if_agreed(decision, proposal, call, by)
    return decision


def agree_to_shown(proposal: Proposal, shown_decision_id: int | None, by: User) -> bool:
    """Agree to the decision the person was shown; if another has replaced it meanwhile,
    refuse rather than agree to something they have not read."""
    decision = current_decision(proposal)
    if decision is None or decision.id != shown_decision_id:
        raise DecisionChanged(
            "The decision changed while you were reading it: read it again below."
        )
    return agree(decision, by)


def agree(decision: Decision, by: User) -> bool:
    """Add one's agreement; True when this makes the decision stand. Agreements arriving at
    once queue on the proposal's row, so they are counted together."""
    perspective = _decider_perspective(by)
    proposal = db.session.get_one(Proposal, decision.proposal_id)
    call = call_of(proposal)
    _check_deciding(call)
    lock(proposal)
    db.session.refresh(decision)
    if decision.replaced or decision.stands_at is not None:
        raise CoproductionError("That decision is no longer open for agreement.")
    if not decidable(proposal):
        raise CoproductionError(
            f"This proposal is “{ProposalStatus(proposal.status).label.lower()}”: the decision "
            "can no longer be agreed."
        )
    _check_not_on(proposal, by)
    # Under the proposal's lock, so a second click waits for the first and then finds it.
    if db.session.scalar(
        select(Agreement.id).where(Agreement.decision_id == decision.id, Agreement.user_id == by.id)
    ):
        raise CoproductionError("You have already agreed to this decision.")
    db.session.add(Agreement(decision_id=decision.id, user_id=by.id, perspective=perspective))
    db.session.flush()
    audit.record(
        by.id,
        "coproduction.decision_agreed",
        "proposal",
        proposal.id,
        after={"decision_id": decision.id, "perspective": perspective},
    )
    return _stand_if_agreed(decision, proposal, call, by)


def _stand_if_agreed(decision: Decision, proposal: Proposal, call: Call, by: User) -> bool:
    """Make the decision stand if the agreements so far are enough; True if it now stands."""
    if (
        call.shared_decisions
        and not standing_of(Agreement.perspective, Agreement.decision_id == decision.id).stands
    ):
        return False
    decision.stands_at = utcnow()
    status = STATUS_AFTER[Outcome(decision.outcome)]
    proposal.status = status.value
    audit.record(
        by.id,
        "coproduction.decision_stands",
        "proposal",
        proposal.id,
        after={"decision_id": decision.id, "status": proposal.status},
    )
    if status == ProposalStatus.ACCEPTED and proposal.event_id is None:
        draft_event_from(proposal, by)
    _tell_everyone_on(proposal, decision, call)
    signals.decision_stood.send(proposal, outcome=status)
    return True


def _tell_everyone_on(proposal: Proposal, decision: Decision, call: Call) -> None:
    people = [db.session.get_one(User, proposal.proposer_id)]
    people += [
        db.session.get_one(User, row.user_id)
        for row in confirmed_co_proposers(proposal)
        if row.user_id
    ]
    for person in people:
        tell(
            person.email,
            "Your Co-production Week proposal: " + OUTCOME_WORDS[decision.outcome],
            "proposal_decision",
            person=person,
            proposal=proposal,
            decision=decision,
            shared=call.shared_decisions,
            link=absolute_url("coproduction.proposal", proposal_id=proposal.id),
        )


def draft_event_from(proposal: Proposal, by: User) -> Event:
    """A draft event in the edition, linked to the proposal, hosted by its proposers; it starts
    at 10:00 on the first day until it is scheduled."""
    edition = edition_of(call_of(proposal))
    proposer = db.session.get_one(User, proposal.proposer_id)
    hosts = [programme.HostLine(proposer.name, proposer.email)] + [
        programme.HostLine(row.name, row.email) for row in confirmed_co_proposers(proposal)
    ]
    starts = from_local(
        datetime.combine(edition.starts_on, datetime.min.time()).replace(hour=10), edition.timezone
    )
    slug = programme.unique_slug(edition, programme.slugify(proposal.title))
    event, _ = programme.create_event(
        edition,
        programme.EventDetails(
            title=proposal.title,
            slug=slug,
            kind=proposal.kind,
            format=proposal.format,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=proposal.length_minutes),
            summary=proposal.summary[:500],
            description=proposal.summary,
            hosted_by=", ".join(host.name for host in hosts)[:300],
            hosts=hosts,
        ),
        by,
    )
    proposal.event_id = event.id
    audit.record(
        by.id, "coproduction.event_drafted", "proposal", proposal.id, after={"event_id": event.id}
    )
    return event
