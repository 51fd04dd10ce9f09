"""Races on one event, with real threads (each its own unit of work, as each request is): an
event cancelled while people register, and while people give up their places. The event's row
lock orders them, so nobody holds a place at a cancelled event without having been told."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import delete, select

from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.mail import OutboxMessage
from cpweek.programme import services
from cpweek.programme.models import LIVE_STATUSES, Event, Registration
from cpweek.uow import unit_of_work
from tests.factories import make_edition, make_event, make_user

CLOSED = "This event has been cancelled, so registration is closed."
TITLE = "Care equity in practice"


def _event(capacity: int) -> int:
    edition = make_edition(2099)
    event = make_event(
        edition, datetime(2099, 6, 30, 10, 0), title=TITLE, slug="practice", capacity=capacity
    )
    return event.id


def _run_together(app, jobs) -> list[BaseException]:
    """Start every job at the same moment, each in its own app context and unit of work (as a
    request is); nothing is read before the start, so no thread holds a connection waiting."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                with unit_of_work():
                    job()
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def _cancellation_mail_to() -> set[str]:
    return {
        row.recipients
        for row in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject == f"Cancelled: {TITLE}")
        )
    }


def test_registrations_racing_a_cancellation_are_refused_or_told(app):
    event_id = _event(capacity=8)
    organiser_id = make_user(email="org@example.org", roles=(Role.ORGANISER,)).id
    outcomes: dict[str, str] = {}
    told: list[int] = []

    def register(number: int):
        def job() -> None:
            email = f"racer{number}@example.org"
            event = db.session.get(Event, event_id)
            try:
                services.register(event, services.Applicant(name=f"R{number}", email=email))
            except services.RegistrationClosed as error:
                outcomes[email] = error.message
                raise
            outcomes[email] = "registered"

        return job

    def cancel() -> None:
        event = db.session.get(Event, event_id)
        told.append(services.cancel_event(event, db.session.get(User, organiser_id)))

    errors = _run_together(app, [cancel, *(register(n) for n in range(20))])
    assert all(isinstance(error, services.RegistrationClosed) for error in errors), errors
    assert set(outcomes.values()) <= {"registered", CLOSED} and len(outcomes) == 20

    db.session.expire_all()
    assert db.session.get(Event, event_id).status == "cancelled"
    registered = {email for email, outcome in outcomes.items() if outcome == "registered"}
    rows = db.session.execute(
        select(User.email, Registration.status)
        .join(User, User.id == Registration.person_id)
        .where(Registration.event_id == event_id)
    ).all()
    # A refused registration left nothing behind; a made one was told by the cancellation.
    assert {email for email, _ in rows} == registered
    assert all(status in LIVE_STATUSES for _, status in rows)
    assert _cancellation_mail_to() == registered and told == [len(registered)]
    # Nobody waiting was promoted by the cancellation.
    confirmed = [email for email, status in rows if status == "confirmed"]
    assert len(confirmed) == min(len(registered), 8)


def test_places_given_up_while_the_event_is_cancelled_promote_nobody_after_it(app):
    event_id = _event(capacity=5)
    organiser_id = make_user(email="org@example.org", roles=(Role.ORGANISER,)).id
    event = db.session.get(Event, event_id)
    people = [
        services.register(event, services.Applicant(name=f"P{n}", email=f"p{n}@example.org"))
        for n in range(10)
    ]
    db.session.commit()
    holders = [person.id for person in people[:5]]
    db.session.execute(delete(OutboxMessage))  # only what the race queues matters here
    db.session.commit()

    def give_up(registration_id: int):
        def job() -> None:
            services.cancel_registration(db.session.get(Registration, registration_id))

        return job

    def cancel() -> None:
        services.cancel_event(db.session.get(Event, event_id), db.session.get(User, organiser_id))

    errors = _run_together(app, [cancel, *(give_up(rid) for rid in holders)])
    assert errors == []

    db.session.expire_all()
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    good_news = [m for m in mail if m.subject.startswith("Good news")]
    cancelled = [m for m in mail if m.subject == f"Cancelled: {TITLE}"]
    # Any promotion came before the cancellation (which then told the person promoted); none
    # came after it, so no "a place has come up" at an event already cancelled.
    assert cancelled
    assert all(g.id < min(c.id for c in cancelled) for g in good_news)
    assert {g.recipients for g in good_news} <= {c.recipients for c in cancelled}
    live = db.session.execute(
        select(User.email)
        .join(Registration, Registration.person_id == User.id)
        .where(Registration.event_id == event_id, Registration.status.in_(LIVE_STATUSES))
    ).scalars()
    # Everyone still holding or waiting for a place was told (and some who gave theirs up
    # just after the cancellation, which is right: they were registered when it happened).
    assert set(live) <= {c.recipients for c in cancelled}
