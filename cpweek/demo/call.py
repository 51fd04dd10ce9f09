"""The demo's 2027 call for proposals, open now, in review, with a decision waiting; and the 2027
programme's first release, made from another proposal the way people make one in the app."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select

from cpweek.auth.models import User
from cpweek.coproduction import schedule
from cpweek.coproduction import services as coproduction
from cpweek.coproduction.models import Call, Proposal, Release
from cpweek.demo.editions import ONLINE_PLATFORM
from cpweek.demo.events import clock
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event, EventStatus
from cpweek.timezones import from_local, utcnow

DEMO_PROPOSALS = [
    # proposer email, title, kind, length, lived experience, summary, involvement
    (
        "contributor@example.org",
        "Carers' own evidence: what counts?",
        "workshop",
        90,
        "yes",
        "A workshop on the evidence unpaid carers collect themselves, and how commissioners can "
        "use it.",
        "Designed and led by three unpaid carers from the Care Equity Evidence Hub.",
    ),
    (
        "attendee@example.org",
        "Commissioning with lived experience: year two",
        "webinar",
        60,
        "no",
        "A council and its lived-experience partners report on a second year of co-commissioning.",
        "Co-presented with two partners who draw on care and support.",
    ),
    (
        "contributor@example.org",
        "Easy Read, done together",
        "workshop",
        120,
        "yes",
        "Making Easy Read materials with the people who use them.",
        "Co-facilitated by self-advocates with learning disabilities.",
    ),
    (
        "attendee@example.org",
        "A data dashboard for co-production",
        "webinar",
        45,
        "prefer_not",
        "Showing the impact of co-production with routine data.",
        "Reviewed by the council's lived-experience panel before release.",
    ),
]


def add_call() -> int:
    """The 2027 call, dated around today so a demo can go from proposal to decision: open,
    with reviewing and deciding under way, four proposals, reviews from a co-producer and an
    organiser, and one decision waiting for a co-producer's agreement."""
    edition = db.session.scalar(select(Edition).where(Edition.year == 2027))
    if edition is None or db.session.scalar(select(Call.id).limit(1)) is not None:
        return 0
    people = {u.email: u for u in db.session.scalars(select(User))}
    organiser, marcus = people["organiser@example.org"], people["coproducer@example.org"]
    today, now = programme.today_in(), utcnow()
    call = coproduction.save_call(
        edition,
        coproduction.CallDetails(
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=30),
            reviewing_starts_on=today - timedelta(days=10),
            reviewing_ends_on=today + timedelta(days=40),
            deciding_starts_on=today - timedelta(days=2),
            deciding_ends_on=today + timedelta(days=60),
            guidance="We are looking for sessions **co-produced** with people who draw on care "
            "and support and unpaid carers, on the 2027 theme. Sessions can be online, in "
            "person or both, from 15 minutes to a day.",
        ),
        organiser,
    )
    for name, weight, description in [
        ("Co-produced with lived experience", 3, "Shared power, not consultation"),
        ("Fits the theme", 2, ""),
        ("Accessible to everyone", 2, "Plain language, captions, breaks"),
    ]:
        coproduction.add_criterion(call, name, description, weight, organiser)
    criteria = coproduction.criteria_of(call)
    proposals = []
    for email, title, kind, minutes, lived, summary, involvement in DEMO_PROPOSALS:
        proposals.append(
            coproduction.submit_proposal(
                call,
                people[email],
                coproduction.ProposalDetails(
                    title=title,
                    summary=summary,
                    kind=kind,
                    format="online",
                    length_minutes=minutes,
                    lived_experience_involvement=involvement,
                    lived_experience=lived,
                ),
            )
        )
    for proposal, marks in zip(proposals[:3], ([5, 4, 5], [3, 4, 3], [5, 5, 4]), strict=True):
        for reviewer, shift in ((marcus, 0), (organiser, -1)):
            coproduction.submit_review(
                proposal,
                reviewer,
                {c.id: max(1, mark + shift) for c, mark in zip(criteria, marks, strict=True)},
                "Clear and well co-produced."
                if marks[0] == 5
                else "Needs more lived experience in the delivery.",
            )
    coproduction.propose_decision(
        proposals[0],
        "accept",
        "Led by carers, on the theme, and the panel scored it highest.",
        organiser,
    )
    # Sam has a place at a 2027 webinar, so a release that moves it reaches someone.
    webinar = db.session.scalar(
        select(Event)
        .where(
            Event.edition_id == edition.id,
            Event.kind == "webinar",
            Event.status == EventStatus.PUBLISHED.value,
        )
        .order_by(Event.starts_at)
    )
    if webinar is not None and programme.registration_closed_reason(webinar) is None:
        sam = people["attendee@example.org"]
        programme.register(webinar, programme.Applicant(name=sam.name, email=None), person=sam)
    return len(proposals)


# --- the 2027 programme's first release (issue 11) ---------------------------------------------

RELEASED_PROPOSAL = "Easy Read, done together"


def add_first_release() -> int:
    """The 2027 programme's first published release, so /2027/changes and its feed show one.

    Made the way people make it in the app: a co-producer agrees to the organiser's decision to
    accept "Easy Read, done together", so the decision stands and a draft event is made from the
    proposal; the organiser finishes its details and places it in the schedule draft; the release
    is prepared, and signed off by the organiser and the co-producer, which publishes it. The
    decision on "Carers' own evidence" still waits for a co-producer, and the draft closing
    conversation is still there to place, for whoever tries the demo."""
    edition = db.session.scalar(select(Edition).where(Edition.year == 2027))
    if edition is None or db.session.scalar(
        select(Release.id).where(Release.edition_id == edition.id).limit(1)
    ):
        return 0
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == RELEASED_PROPOSAL))
    people = {u.email: u for u in db.session.scalars(select(User))}
    organiser, marcus = people.get("organiser@example.org"), people.get("coproducer@example.org")
    if proposal is None or organiser is None or marcus is None:
        return 0
    if proposal.event_id is None:
        decision = coproduction.propose_decision(
            proposal,
            "accept",
            "Made with the people who use Easy Read, and the panel scored it among the highest.",
            organiser,
        )
        coproduction.agree(decision, marcus)
    event = db.session.get_one(Event, proposal.event_id)
    details = programme.EventDetails(
        **{name: getattr(event, name) for name in programme.SIMPLE_FIELDS},
        hosts=[programme.HostLine(h.name, h.email) for h in programme.event_hosts(event)],
        capacity=event.capacity,
        online_capacity=event.online_capacity,
    )
    zone = edition.timezone
    programme.update_event(
        event,
        replace(
            details,
            online_platform=ONLINE_PLATFORM,
            capacity=80,
            registration_opens_at=from_local(datetime(2026, 11, 1, 9, 0), zone),
            access_offer=["breaks", "easy_read", "live_captions"],
        ),
        organiser,
    )
    day = date(2027, 7, 1)
    schedule.place(
        event,
        from_local(datetime.combine(day, clock("14:00")), zone),
        from_local(datetime.combine(day, clock("16:00")), zone),
        "",
        organiser,
    )
    release = schedule.prepare_release(edition, organiser)
    schedule.sign_off(release, organiser)
    schedule.sign_off(release, marcus)
    return 1
