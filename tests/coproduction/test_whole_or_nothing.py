"""Operations that span domains happen whole or not at all: a failure injected halfway through
a request leaves no trace (no half-decided proposal, no half-published release, no message in the
outbox), and the same request without the fault does everything. Through the real routes."""

from __future__ import annotations

import inspect
from datetime import datetime

import pytest
from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.coproduction import schedule
from cpweek.coproduction import services as coproduction
from cpweek.coproduction.models import Agreement, Decision, Proposal, Release, SignOff
from cpweek.coproduction.schedule import notify
from cpweek.coproduction.services import messages
from cpweek.extensions import db
from cpweek.mail import OutboxMessage
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.timezones import from_local
from tests.factories import make_event, make_user


class InjectedFault(RuntimeError):
    pass


def count(model) -> int:
    db.session.rollback()  # read what is committed, not what this test holds
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def faults(app, monkeypatch):
    """A failure in the middle of a request answers the error page (as in production) instead
    of reaching the test."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    return monkeypatch


# --- a decision that stands and drafts an event -------------------------------------------


def _ready_to_stand(panel):
    """A proposal with an accept decision agreed by the organiser: the co-producer's agreement
    makes it stand, which drafts the event and tells the proposer."""
    proposal = panel.propose()
    decision = coproduction.propose_decision(proposal, "accept", "Strong", panel.organiser)
    db.session.commit()
    return proposal.id, decision.id


def _agree(browser, proposal_id: int, decision_id: int):
    return browser.submit(
        f"/review/proposals/{proposal_id}/agree",
        {"decision_id": decision_id},
        form_url=f"/review/proposals/{proposal_id}",
    )


def _nothing_of_the_decision_stayed(proposal_id, decision_id, before) -> None:
    proposal = db.session.get(Proposal, proposal_id)
    assert proposal.status == "submitted" and proposal.event_id is None
    assert db.session.get(Decision, decision_id).stands_at is None
    assert count(Agreement) == 1  # the organiser's, from before the request
    assert count(Event) == 0
    assert count(AuditEntry) == before["audit"]
    assert count(OutboxMessage) == before["outbox"]


def _it_stands_whole(browser, panel, proposal_id, decision_id, mailbox) -> None:
    assert _agree(browser, proposal_id, decision_id).status_code == 302
    db.session.rollback()
    proposal = db.session.get(Proposal, proposal_id)
    assert proposal.status == "accepted"
    event = db.session.get(Event, proposal.event_id)
    assert event.status == "draft" and event.title == proposal.title
    assert count(Agreement) == 2
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"coproduction.decision_stands", "coproduction.event_drafted", "event.create"} <= actions
    [message] = mailbox.to(panel.proposer.email)
    assert "accepted" in message["Subject"]


def test_a_decision_whose_event_cannot_be_drafted_does_not_stand(faults, browser, panel, mailbox):
    proposal_id, decision_id = _ready_to_stand(panel)
    mailbox.deliver = False
    before = {"audit": count(AuditEntry), "outbox": count(OutboxMessage)}
    seen = []

    def failing_create_event(*args, **kwargs):
        # The decision has been written in this transaction before the programme is asked.
        db.session.flush()
        seen.append(db.session.scalar(select(Proposal.status).where(Proposal.id == proposal_id)))
        raise InjectedFault("the programme failed")

    faults.setattr(programme, "create_event", failing_create_event)
    browser.sign_in(panel.co_producer.email)
    assert _agree(browser, proposal_id, decision_id).status_code == 500
    assert seen == ["accepted"]
    _nothing_of_the_decision_stayed(proposal_id, decision_id, before)

    faults.undo()
    mailbox.deliver = True
    _it_stands_whole(browser, panel, proposal_id, decision_id, mailbox)


# Until programme.create_event stops committing (issue 9, the programme's part), a fault after
# it cannot be undone; the test above covers the fault before it.
_CREATE_EVENT_COMMITS = "db.session.commit()" in inspect.getsource(programme.create_event)


@pytest.mark.skipif(_CREATE_EVENT_COMMITS, reason="programme.create_event still commits")
def test_a_decision_failing_after_its_event_was_drafted_leaves_no_event(
    faults, browser, panel, mailbox
):
    proposal_id, decision_id = _ready_to_stand(panel)
    mailbox.deliver = False
    before = {"audit": count(AuditEntry), "outbox": count(OutboxMessage)}
    real = programme.create_event

    def create_event_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        db.session.flush()
        raise InjectedFault("failed after drafting the event")

    faults.setattr(programme, "create_event", create_event_then_fail)
    browser.sign_in(panel.co_producer.email)
    assert _agree(browser, proposal_id, decision_id).status_code == 500
    _nothing_of_the_decision_stayed(proposal_id, decision_id, before)

    faults.undo()
    mailbox.deliver = True
    _it_stands_whole(browser, panel, proposal_id, decision_id, mailbox)


@pytest.mark.skipif(_CREATE_EVENT_COMMITS, reason="programme.create_event still commits")
def test_a_decision_whose_message_cannot_be_queued_does_not_stand(faults, browser, panel):
    proposal_id, decision_id = _ready_to_stand(panel)
    before = {"audit": count(AuditEntry), "outbox": count(OutboxMessage)}

    def failing_queue(*args, **kwargs):
        raise InjectedFault("the outbox failed")

    faults.setattr(messages, "queue_mail", failing_queue)
    browser.sign_in(panel.co_producer.email)
    assert _agree(browser, proposal_id, decision_id).status_code == 500
    _nothing_of_the_decision_stayed(proposal_id, decision_id, before)


# --- a release that tells people ----------------------------------------------------------


def uk(*args) -> datetime:
    return from_local(datetime(*args))


@pytest.fixture
def release_to_sign(panel):
    """Two events with three people registered; the draft moves one and cancels the other; the
    organiser has signed the release off, so the co-producer's sign-off publishes it."""
    edition = coproduction.edition_of(panel.call)
    morning = make_event(
        edition, datetime(2027, 6, 29, 10), datetime(2027, 6, 29, 11), title="Morning webinar"
    )
    afternoon = make_event(
        edition, datetime(2027, 6, 29, 14), datetime(2027, 6, 29, 15), title="Afternoon webinar"
    )
    people = []
    for number, event in enumerate((morning, afternoon, morning)):
        person = make_user(email=f"person{number}@example.org", name=f"Person {number}")
        programme.register(event, programme.Applicant(name=person.name, email=None), person=person)
        people.append(person.email)
    schedule.place(morning, uk(2027, 6, 29, 9), uk(2027, 6, 29, 9, 45), "", panel.organiser)
    schedule.cancel_in_draft(afternoon, panel.organiser)
    release = schedule.prepare_release(edition, panel.organiser)
    assert schedule.sign_off(release, panel.organiser) is False
    db.session.commit()
    return release.id, (morning.id, afternoon.id), people


def _events(ids) -> list[tuple]:
    db.session.rollback()
    return [
        (event.starts_at, event.ends_at, event.status, event.sequence)
        for event in (db.session.get(Event, event_id) for event_id in ids)
    ]


def _sign(browser, release_id: int):
    return browser.submit(
        f"/manage/releases/{release_id}/sign-off", {}, form_url="/manage/2027/schedule"
    )


def test_a_release_whose_second_message_fails_is_not_published(
    faults, browser, panel, release_to_sign, mailbox
):
    release_id, event_ids, people = release_to_sign
    assert mailbox.messages  # the registrations' confirmations, delivered and set aside
    mailbox.received.clear()
    mailbox.deliver = False
    events_before = _events(event_ids)
    before = {
        "audit": count(AuditEntry),
        "outbox": count(OutboxMessage),
        "sign_offs": count(SignOff),
    }
    real_queue, queued = notify.queue_mail, []

    def fail_on_the_second(*args, **kwargs):
        queued.append(args[0])
        if len(queued) == 2:
            raise InjectedFault("the outbox failed")
        return real_queue(*args, **kwargs)

    faults.setattr(notify, "queue_mail", fail_on_the_second)
    browser.sign_in(panel.co_producer.email)
    assert _sign(browser, release_id).status_code == 500
    assert len(queued) == 2  # the fault came halfway through telling people

    assert _events(event_ids) == events_before
    release = db.session.get(Release, release_id)
    assert release.status == "pending" and release.number is None
    assert release.published_at is None
    assert count(SignOff) == before["sign_offs"]
    assert count(AuditEntry) == before["audit"]
    assert count(OutboxMessage) == before["outbox"]
    assert schedule.releases(programme.get_edition(2027)) == []

    faults.undo()
    mailbox.deliver = True
    assert _sign(browser, release_id).status_code == 302
    db.session.rollback()
    assert db.session.get(Release, release_id).status == "published"
    (morning, afternoon) = _events(event_ids)
    assert morning[0] == uk(2027, 6, 29, 9) and morning[3] == events_before[0][3] + 1
    assert afternoon[2] == "cancelled"
    for address in people:
        assert len(mailbox.to(address)) == 1, address
