"""Seeded data for the impact report's tests, written as rows so every figure is known: a 2025
edition with two events (one online, one hybrid), registrations of every kind, access
requests, involvement and paid entries, and feedback; a 2024 edition with nothing at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.programme.models import Edition, Event, Registration
from cpweek.reciprocity.models import (
    Activity,
    Involvement,
    LedgerEntry,
    PaymentRun,
)
from cpweek.reports.feedback_models import FeedbackAnswer, FeedbackResponse, OutcomeMeasure
from cpweek.reports.impact_models import AccessMet
from tests.factories import make_edition, make_event, make_user

T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def registration(event: Event, name: str, status: str, **fields) -> Registration:
    """`waited`: joined the queue and (if confirmed) got the place a day later."""
    waited = fields.pop("waited", False)
    confirmed = status in ("confirmed", "attended") or fields.pop("had_place", False)
    row = Registration(
        event_id=event.id,
        name=name,
        status=status,
        queued_at=T0,
        confirmed_at=(T0 + timedelta(days=1) if waited else T0) if confirmed else None,
        cancelled_at=T0 + timedelta(days=2) if status == "cancelled" else None,
        **fields,
    )
    db.session.add(row)
    return row


@dataclass
class World:
    edition: Edition
    empty: Edition
    online: Event
    hybrid: Event
    organiser: User
    needs_met: Registration  # BSL + captions, marked met
    needs_partly: Registration  # captions, marked partly
    needs_unmarked: Registration  # step-free, not marked
    notes_only: Registration  # wrote a note only, marked not met
    no_needs: Registration
    measure: OutcomeMeasure


def seed(organiser: User | None = None, *, extra_registrations: int = 0) -> World:
    edition = make_edition(2025)
    empty = make_edition(2024)
    online = make_event(edition, datetime(2025, 6, 30, 10), slug="online", title="Webinar")
    hybrid = make_event(
        edition, datetime(2025, 7, 1, 10), slug="hybrid", title="Conference", format="hybrid"
    )
    organiser = organiser or make_user("org@example.org", (Role.ORGANISER,), name="Olu Organiser")
    # online: 3 with a place (one checked in), 1 cancelled after having a place,
    # 2 waited (one got a place), 1 waited and cancelled.
    needs_met = registration(
        online,
        "Bea",
        "attended",
        access_needs=["bsl_interpreter", "live_captions"],
        checked_in_at=T0,
    )
    needs_partly = registration(online, "Cal", "confirmed", access_needs=["live_captions"])
    no_needs = registration(online, "Dee", "confirmed", waited=True)
    registration(online, "Eve", "cancelled", had_place=True)
    registration(online, "Fay", "waitlisted", access_needs=["step_free"])  # no place: not listed
    registration(online, "Gil", "cancelled")  # waited, then cancelled
    # hybrid: 2 in the room (both checked in), 1 online place.
    needs_unmarked = registration(
        hybrid,
        "Hal",
        "confirmed",
        attendance="in_person",
        access_needs=["step_free"],
        checked_in_at=T0,
    )
    notes_only = registration(
        hybrid,
        "Ivy",
        "confirmed",
        attendance="in_person",
        access_notes="A chair with arms",
        checked_in_at=T0,
    )
    registration(hybrid, "Jo", "confirmed", attendance="online")
    for number in range(extra_registrations):
        registration(
            hybrid, f"Extra {number}", "confirmed", attendance="online", access_needs=["breaks"]
        )
    db.session.flush()
    db.session.add_all(
        [
            AccessMet(registration_id=needs_met.id, outcome="met", marked_by_id=organiser.id),
            AccessMet(registration_id=needs_partly.id, outcome="partly", note="Captions late"),
            AccessMet(registration_id=notes_only.id, outcome="not_met"),
        ]
    )
    _ledger(edition, online)
    measure = OutcomeMeasure(
        edition_id=edition.id,
        question="How confident do you feel?",
        audience="lived_experience",
        options=["A", "B", "C", "D", "E"],
        status="adopted",
    )
    db.session.add(measure)
    db.session.flush()
    for overall, option, worked in ((5, 4, "The captions"), (4, 4, ""), (None, 2, "")):
        response = FeedbackResponse(
            event_id=online.id,
            edition_id=edition.id,
            overall=overall,
            what_worked=worked,
            could_be_better="",
            created_on=date(2025, 7, 2),
        )
        db.session.add(response)
        db.session.flush()
        db.session.add(
            FeedbackAnswer(response_id=response.id, measure_id=measure.id, option=option)
        )
    db.session.commit()
    return World(
        edition,
        empty,
        online,
        hybrid,
        organiser,
        needs_met,
        needs_partly,
        needs_unmarked,
        notes_only,
        no_needs,
        measure,
    )


def _ledger(edition: Edition, event: Event) -> None:
    """90 + 60 minutes at the event, 30 minutes in 2025 with no event; a rejected 45 minutes.
    Paid: £50 (approved 1 July, paid 4 July: 3 days), £20 (approved 1 July, paid 11 July:
    10 days), £5 (approved 2 July, paid 3 July: 1 day). Approved, not paid: £99. So £75 paid
    and the median of 1, 3 and 10 days is 3."""
    person = make_user("contributor@example.org", (Role.CONTRIBUTOR,))
    activity = Activity(name="Speaking")
    db.session.add(activity)
    db.session.flush()

    def involvement(minutes: int, event_id: int | None, on: date) -> Involvement:
        row = Involvement(
            contributor_id=person.id,
            activity_id=activity.id,
            activity_on=on,
            minutes=minutes,
            choice="fee",
            event_id=event_id,
        )
        db.session.add(row)
        db.session.flush()
        return row

    first = involvement(90, event.id, date(2025, 6, 30))
    second = involvement(60, event.id, date(2025, 6, 30))
    third = involvement(30, None, date(2025, 3, 1))
    rejected = involvement(45, event.id, date(2025, 6, 30))
    runs = {}
    for paid_on in (date(2025, 7, 4), date(2025, 7, 11), date(2025, 7, 3)):
        runs[paid_on] = PaymentRun(paid_on=paid_on, method="bank_transfer", reference="R")
        db.session.add(runs[paid_on])
    db.session.flush()

    def entry(amount, involvement_row, status, approved=None, paid_on=None, kind="fee"):
        db.session.add(
            LedgerEntry(
                contributor_id=person.id,
                kind=kind,
                amount=amount,
                occurred_on=involvement_row.activity_on,
                description="Speaking",
                involvement_id=involvement_row.id,
                status=status,
                decided_at=approved,
                payment_run_id=runs[paid_on].id if paid_on else None,
            )
        )

    entry(5000, first, "paid", datetime(2025, 7, 1, 10, tzinfo=UTC), date(2025, 7, 4))
    entry(2000, second, "paid", datetime(2025, 7, 1, 10, tzinfo=UTC), date(2025, 7, 11))
    entry(500, third, "paid", datetime(2025, 7, 2, 10, tzinfo=UTC), date(2025, 7, 3))
    entry(9900, second, "approved", datetime(2025, 7, 2, 10, tzinfo=UTC))
    entry(1000, rejected, "rejected")
