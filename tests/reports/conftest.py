"""What the reports room's tests share: the people who decide, an edition, adopted measures,
and feedback links made the way `flask send-feedback` makes them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event
from cpweek.reports.feedback_models import (
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    OutcomeMeasure,
)
from cpweek.reports.services import outcomes
from cpweek.reports.services.feedback_sending import token_hash
from cpweek.timezones import from_local
from tests.factories import make_edition, make_event, make_user


@pytest.fixture
def people():
    class People:
        organiser = make_user("org@example.org", (Role.ORGANISER,), name="Olu Organiser")
        organiser2 = make_user("org2@example.org", (Role.ORGANISER,), name="Oz Organiser")
        co_producer = make_user("co@example.org", (Role.CO_PRODUCER,), name="Cleo Coproducer")
        co_producer2 = make_user("co2@example.org", (Role.CO_PRODUCER,), name="Cal Coproducer")
        contributor = make_user("contrib@example.org", (Role.CONTRIBUTOR,))
        attendee = make_user("att@example.org")

    return People


@pytest.fixture
def edition() -> Edition:
    return make_edition(2025)


def adopt(edition: Edition, key: str, people) -> OutcomeMeasure:
    measure = outcomes.propose_from_bank(edition, key, people.organiser)
    outcomes.agree(measure, people.co_producer)
    db.session.commit()
    return measure


@dataclass
class Link:
    token: str
    request: FeedbackRequest
    event: Event


def make_link(event: Event, *, closes_on: date | None = None, email: str | None = None) -> Link:
    """A registration at `event` with a feedback link, as `send-feedback` leaves them."""
    applicant = programme.Applicant(
        name="Ada", email=email or f"ada{secrets.token_hex(4)}@example.org"
    )
    registration = programme.register(
        event, applicant, now=from_local(datetime(event_year(event), 1, 1, 9, 0))
    )
    token = secrets.token_urlsafe(32)
    request = FeedbackRequest(
        registration_id=registration.id,
        token_hash=token_hash(token),
        closes_on=closes_on or date.today() + timedelta(days=14),
    )
    db.session.add(request)
    db.session.commit()
    return Link(token, request, event)


def event_year(event: Event) -> int:
    return db.session.get_one(Edition, event.edition_id).year


@pytest.fixture
def webinar(edition) -> Event:
    return make_event(edition, datetime(2025, 6, 29, 10, 0), slug="webinar", title="Carers' voices")


def add_responses(
    event: Event, measure: OutcomeMeasure, texts: list[tuple[str, str]], source: str = "online"
) -> None:
    """Feedback responses written straight in (no links: the results pages read only the
    responses), one per (what worked, could be better) in the order given, each answering the
    overall question (4) and the measure (2)."""
    for what_worked, could_be_better in texts:
        response = FeedbackResponse(
            event_id=event.id,
            edition_id=event.edition_id,
            overall=4,
            what_worked=what_worked,
            could_be_better=could_be_better,
            source=source,
            created_on=date(2025, 7, 1),
        )
        db.session.add(response)
        db.session.flush()
        db.session.add(FeedbackAnswer(response_id=response.id, measure_id=measure.id, option=2))
    db.session.commit()
