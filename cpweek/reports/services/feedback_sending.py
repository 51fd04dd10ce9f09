"""Asking for feedback the day after an event: `flask send-feedback` (hourly from cron)
emails one single-use link to each person who came, once.

Who came: a place (confirmed or attended) and an email, at a published event that ended
(UK time) between `FEEDBACK_OPEN_DAYS` days ago and yesterday, and either checked in, or at an
online event (or online at a hybrid one), where nobody is checked in. A workshop place whose
person also holds the conference's place is left out, as the reminders do: the conference's
form asks about the day. The `FeedbackRequest` row is the mark: it is inserted with
`INSERT ... ON CONFLICT (registration_id) DO NOTHING RETURNING id` and the mail queued in the
outbox only if this run inserted it, in the command's one transaction, so two runs (or hosts)
at once send it once and no run sends it twice.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.inserts import insert_unless_present
from cpweek.mail import queue_mail, render_mail
from cpweek.programme.models import (
    HOLDING_A_PLACE,
    ONLINE,
    Event,
    EventFormat,
    EventStatus,
    Registration,
)
from cpweek.programme.services.reminders import covered_by_a_conference_place
from cpweek.reports.feedback_models import FeedbackRequest
from cpweek.timezones import from_local, local_date, utcnow
from cpweek.tokens import new_token, token_hash
from cpweek.urls import absolute_url

SUBJECT = "How was {title}? Tell us in a few minutes"
# For a registration made in Easy Read (or asking for Easy Read materials): the Easy Read mail,
# whose link opens the Easy Read form.
EASY_SUBJECT = "Tell us what you think about {title}"


def closes_on(event_ended_on: date) -> date:
    """The last day the form takes answers: FEEDBACK_OPEN_DAYS days from the day after."""
    return event_ended_on + timedelta(days=int(current_app.config["FEEDBACK_OPEN_DAYS"]))


def _day_start(day: date, zone_name: str) -> datetime:
    return from_local(datetime.combine(day, time(0, 0)), zone_name)


def due_registrations(now: datetime) -> list[tuple[Registration, Event]]:
    """Everyone who came to an event that ended between FEEDBACK_OPEN_DAYS days ago and
    yesterday (UK time) and has not been asked yet, in registration order."""
    zone_name = current_app.config["CPWEEK_TIMEZONE"]
    today = local_date(now, zone_name)
    open_days = int(current_app.config["FEEDBACK_OPEN_DAYS"])
    covered = covered_by_a_conference_place()
    asked = select(FeedbackRequest.id).where(FeedbackRequest.registration_id == Registration.id)
    came = or_(
        Registration.checked_in_at.is_not(None),
        Event.format == EventFormat.ONLINE.value,
        and_(Event.format == EventFormat.HYBRID.value, Registration.attendance == ONLINE),
    )
    return [
        (registration, event)
        for registration, event in db.session.execute(
            select(Registration, Event)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.person_id.is_not(None),
                Registration.status.in_(HOLDING_A_PLACE),
                Event.status == EventStatus.PUBLISHED.value,
                Event.ends_at >= _day_start(today - timedelta(days=open_days), zone_name),
                Event.ends_at < _day_start(today, zone_name),
                came,
                ~asked.exists(),
                ~covered,
            )
            .order_by(Registration.id)
        )
    ]


def send_feedback_requests(now: datetime | None = None) -> int:
    """Queue one feedback email to each person due; how many were queued. Safe every hour
    and on two hosts at once (the request row is inserted unless present, then the mail)."""
    now = now or utcnow()
    zone_name = current_app.config["CPWEEK_TIMEZONE"]
    sent = 0
    for registration, event in due_registrations(now):
        token = new_token()
        last_day = closes_on(local_date(event.ends_at, zone_name))
        inserted = insert_unless_present(
            FeedbackRequest,
            {
                "registration_id": registration.id,
                "token_hash": token_hash(token),
                "sent_at": now,
                "closes_on": last_day,
            },
            [FeedbackRequest.registration_id],
        )
        if inserted is None:
            continue  # another run asked them a moment ago
        person = db.session.get_one(User, registration.person_id)
        easy = registration.easy_read
        text, html = render_mail(
            "easy/feedback_request" if easy else "feedback_request",
            name=registration.name or person.name,
            event=event,
            link=absolute_url("reports.feedback_form", token=token),
            easy_link=absolute_url("reports.feedback_form", token=token, easy_read=1),
            closes_on=last_day,
        )
        subject = EASY_SUBJECT if easy else SUBJECT
        queue_mail(person.email, subject.format(title=event.title), text, html)
        sent += 1
    return sent
