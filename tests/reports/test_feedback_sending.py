"""`flask send-feedback`: the day after an event, one single-use link to everyone who came
(checked in, or with a place online), once, however often and on however many hosts it runs."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import EventStatus
from cpweek.reports.feedback_models import FeedbackRequest
from cpweek.reports.services import feedback_sending
from cpweek.reports.services.feedback_sending import send_feedback_requests, token_hash
from cpweek.timezones import from_local
from cpweek.uow import unit_of_work
from tests.factories import make_edition, make_event, make_user, make_workshop

BEFORE = from_local(datetime(2099, 1, 1, 9, 0))
# 09:00 UK time on Tuesday 30 June 2099: "yesterday" is Monday 29 June.
NOW = from_local(datetime(2099, 6, 30, 9, 0))


def register(event, name, **fields):
    applicant = programme.Applicant(name=name, email=f"{name.lower()}@example.org", **fields)
    return programme.register(event, applicant, now=BEFORE)


@pytest.fixture
def week():
    organiser = make_user(roles=())
    edition = make_edition(2099)
    day = datetime(2099, 6, 29, 10, 0)
    online = make_event(edition, day, slug="online", title="Online talk", capacity=1)
    in_person = make_event(edition, day, slug="room", title="In the room", format="in_person")
    hybrid = make_event(edition, day, slug="hybrid", title="Both", format="hybrid")
    today = make_event(edition, datetime(2099, 6, 30, 10, 0), slug="today", title="Today")
    long_ago = make_event(edition, datetime(2099, 6, 1, 10, 0), slug="old", title="Old")
    draft = make_event(edition, day, slug="draft", title="Draft", status=EventStatus.DRAFT.value)
    register(online, "Olive")
    register(online, "Wendy")  # waiting list: capacity 1
    checked = register(in_person, "Ines")
    register(in_person, "Norah")  # never arrived
    programme.set_checked_in(checked, True, organiser)
    register(hybrid, "Hana", attendance="online")
    register(hybrid, "Hugo", attendance="in_person")  # in the room, not checked in
    cancelled = register(hybrid, "Cara", attendance="online")
    programme.cancel_registration(cancelled)
    register(today, "Tess")
    register(long_ago, "Lena")
    db.session.commit()
    draft.status = EventStatus.DRAFT.value
    db.session.commit()
    return {"online": online, "in_person": in_person, "hybrid": hybrid}


def feedback_mail(address: str, mailbox) -> list:
    return [m for m in mailbox.to(address) if m["Subject"].startswith("How was")]


def asked() -> list[str]:
    from cpweek.programme.models import Registration

    return sorted(
        db.session.scalars(
            select(Registration.name).join(
                FeedbackRequest, FeedbackRequest.registration_id == Registration.id
            )
        )
    )


def test_the_day_after_everyone_who_came_is_asked_once(week, mailbox):
    mailbox.messages.clear()
    assert send_feedback_requests(NOW) == 3
    assert asked() == ["Hana", "Ines", "Olive"]
    assert sorted(m["X-Envelope-To"] for m in mailbox.messages) == [
        "hana@example.org",
        "ines@example.org",
        "olive@example.org",
    ]
    # Never twice: not an hour later, nor a week later (when only today's event is new).
    assert send_feedback_requests(NOW + timedelta(hours=1)) == 0
    assert send_feedback_requests(NOW + timedelta(days=7)) == 1
    assert asked() == ["Hana", "Ines", "Olive", "Tess"]
    assert len(mailbox.messages) == 4


def test_not_before_the_day_after(week):
    evening = from_local(datetime(2099, 6, 29, 22, 0))
    assert send_feedback_requests(evening) == 0


def test_the_link_is_single_use_and_stored_only_as_its_hash(week, mailbox, app):
    send_feedback_requests(NOW)
    [message] = feedback_mail("olive@example.org", mailbox)
    assert message["Subject"] == "How was Online talk? Tell us in a few minutes"
    text = mailbox.text(message)
    token = re.search(r"/feedback/([A-Za-z0-9_-]+)\s", text).group(1)
    assert "Easy Read form: " in text and "?easy_read=1" in text
    request = db.session.scalar(
        select(FeedbackRequest).where(FeedbackRequest.token_hash == token_hash(token))
    )
    assert request is not None and request.used_on is None
    assert token not in str(request.__dict__)
    # Open for FEEDBACK_OPEN_DAYS days from the day after the event (29 June + 14).
    assert request.closes_on.isoformat() == "2099-07-13"


def test_a_registration_made_in_easy_read_gets_the_easy_read_mail(mailbox):
    edition = make_edition(2099)
    event = make_event(edition, datetime(2099, 6, 29, 10, 0), slug="easy", title="Easy")
    register(event, "Erin", easy_read=True)
    db.session.commit()
    assert send_feedback_requests(NOW) == 1
    [message] = [m for m in mailbox.to("erin@example.org") if m["Subject"].startswith("Tell us")]
    assert message["Subject"] == "Tell us what you think about Easy"
    text = mailbox.text(message)
    assert "The link works one time." in text
    assert re.search(r"/feedback/[A-Za-z0-9_-]+\?easy_read=1\s", text)


def test_an_event_whose_form_would_be_closed_is_never_asked(week, app, monkeypatch):
    monkeypatch.setitem(app.config, "FEEDBACK_OPEN_DAYS", 1)
    # On 1 July, 29 June's events closed yesterday: only 30 June's is asked about.
    assert send_feedback_requests(NOW + timedelta(days=1)) == 1
    assert asked() == ["Tess"]


def test_a_workshop_place_is_covered_by_the_conference(mailbox):
    edition = make_edition(2099)
    conference = make_event(
        edition, datetime(2099, 6, 29, 9, 0), datetime(2099, 6, 29, 17, 0), kind="conference"
    )
    workshop = make_workshop(conference, datetime(2099, 6, 29, 11, 0), datetime(2099, 6, 29, 12, 0))
    register(conference, "Cora")
    register(workshop, "Cora")
    register(workshop, "Will")
    db.session.commit()
    assert send_feedback_requests(NOW) == 2
    assert asked() == ["Cora", "Will"]
    assert len(feedback_mail("cora@example.org", mailbox)) == 1


def test_two_runs_at_once_ask_each_person_once(app, week, mailbox):
    mailbox.messages.clear()
    results: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                with unit_of_work():
                    results.append(send_feedback_requests(NOW))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 3
    assert db.session.scalar(select(func.count()).select_from(FeedbackRequest)) == 3
    recipients = [m["X-Envelope-To"] for m in mailbox.messages]
    assert len(recipients) == len(set(recipients)) == 3


def test_the_cli_command_is_safe_to_run_every_hour(runner, week, mailbox, monkeypatch):
    monkeypatch.setattr(feedback_sending, "utcnow", lambda: NOW)
    mailbox.messages.clear()
    first = runner.invoke(args=["send-feedback"])
    second = runner.invoke(args=["send-feedback"])
    assert "Feedback requests sent: 3." in first.output
    assert "Feedback requests sent: 0." in second.output
    assert len(mailbox.messages) == 3
