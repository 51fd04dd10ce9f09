"""`flask send-reminders`: the day before, to people with a place, once, however often it runs."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select

from cpweek.extensions import db
from cpweek.mail import OutboxMessage, OutboxStatus, deliver_due
from cpweek.programme import services
from cpweek.programme.models import Event
from cpweek.programme.services import reminders
from cpweek.timezones import from_local, utcnow
from cpweek.uow import unit_of_work
from tests.factories import make_edition, make_event, make_workshop

# 09:00 UK time on Monday 28 June 2099; "tomorrow" is Tuesday 29 June.
NOW = from_local(datetime(2099, 6, 28, 9, 0))


@pytest.fixture
def events():
    edition = make_edition(2099)
    tomorrow = make_event(
        edition,
        datetime(2099, 6, 29, 10, 0),
        slug="tomorrow",
        title="Tomorrow's",
        capacity=1,
        join_url="https://zoom.example/j/7",
    )
    later = make_event(edition, datetime(2099, 6, 30, 10, 0), slug="later", title="Later")
    for event in (tomorrow, later):
        for number in range(2):
            services.register(
                event,
                services.Applicant(name=f"P{number}", email=f"p{number}-{event.slug}@example.org"),
                now=NOW,
            )
    return tomorrow, later


def test_reminders_go_once_to_people_with_a_place_tomorrow(events, mailbox):
    mailbox.messages.clear()
    assert services.send_reminders(NOW) == 1
    [message] = mailbox.messages
    assert message["X-Envelope-To"] == "p0-tomorrow@example.org"  # p1 is on the waiting list
    assert message["Subject"] == "Tomorrow: Tomorrow's"
    assert "https://zoom.example/j/7" in mailbox.text(message) and "020 7946 0123" in mailbox.text(
        message
    )
    assert services.send_reminders(NOW) == 0
    assert len(mailbox.messages) == 1


def test_the_cli_command_is_safe_to_run_every_hour(runner, events, mailbox, monkeypatch):
    monkeypatch.setattr(reminders, "utcnow", lambda: NOW)
    mailbox.messages.clear()
    first = runner.invoke(args=["send-reminders"])
    second = runner.invoke(args=["send-reminders"])
    assert "Reminders sent: 1." in first.output and "Reminders sent: 0." in second.output
    assert len(mailbox.messages) == 1


def test_two_runs_at_once_send_each_reminder_once(app, events, mailbox):
    for number in range(2, 8):
        services.register(
            events[1],
            services.Applicant(name=f"X{number}", email=f"x{number}@example.org"),
            now=NOW,
        )
    mailbox.messages.clear()
    day_after = from_local(datetime(2099, 6, 29, 9, 0))
    results: list[int] = []
    start = threading.Barrier(2)

    def run() -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                with unit_of_work():
                    results.append(services.send_reminders(day_after))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == 9  # 8 with a place at "later", and 1 at "tomorrow" (not yet reminded)
    recipients = [m["X-Envelope-To"] for m in mailbox.messages]
    assert len(recipients) == len(set(recipients)) == 9


_unsent = OutboxMessage.status != OutboxStatus.SENT.value


def test_a_mail_server_that_fails_loses_no_reminder_and_sends_none_twice(
    app, events, mailbox, monkeypatch
):
    mailbox.messages.clear()
    assert services.send_reminders(NOW) == 1  # queued with its claim, whatever the server does
    db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    assert deliver_due().sent == 0
    [waiting] = db.session.scalars(select(OutboxMessage).where(_unsent)).all()
    assert waiting.status == OutboxStatus.PENDING.value and waiting.attempts == 1
    assert waiting.subject == "Tomorrow: Tomorrow's"
    # The next hourly run does not queue it again: it is claimed, and waits in the outbox.
    assert services.send_reminders(NOW) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(_unsent)) == 1
    # The server comes back, and the retry (when it falls due) delivers it, once.
    monkeypatch.undo()
    waiting.next_attempt_at = utcnow()
    db.session.commit()
    assert [m["X-Envelope-To"] for m in mailbox.messages] == ["p0-tomorrow@example.org"]
    assert len(mailbox.messages) == 1


def test_no_reminders_for_cancelled_or_started_events(events, mailbox):
    tomorrow, _ = events
    db.session.get(Event, tomorrow.id).status = "cancelled"
    db.session.commit()
    mailbox.messages.clear()
    assert services.send_reminders(NOW) == 0
    assert services.send_reminders(from_local(datetime(2099, 7, 1, 9, 0))) == 0
    assert mailbox.messages == []


def test_a_conference_and_its_workshops_make_one_reminder(mailbox):
    edition = make_edition(2099)
    conference = make_event(
        edition,
        datetime(2099, 6, 29, 10, 0),
        datetime(2099, 6, 29, 16, 0),
        kind="conference",
        slug="conf",
        title="Conference",
    )
    workshops = [
        make_workshop(
            conference,
            datetime(2099, 6, 29, hour, 0),
            datetime(2099, 6, 29, hour, 45),
            title=f"Workshop at {hour}",
        )
        for hour in (11, 14)
    ]
    services.register(
        conference,
        services.Applicant(name="Ada", email="ada@example.org"),
        workshop_ids=[w.id for w in workshops],
        now=NOW,
    )
    only_workshop = services.register(
        workshops[0], services.Applicant(name="Bo", email="bo@example.org"), now=NOW
    )
    mailbox.messages.clear()
    assert services.send_reminders(NOW) == 2
    [ada] = mailbox.to("ada@example.org")
    text = mailbox.text(ada)
    assert ada["Subject"] == "Tomorrow: Conference"
    assert "Workshop at 11" in text and "Workshop at 14" in text
    assert mailbox.to("bo@example.org")[0]["Subject"] == "Tomorrow: Workshop at 11"
    assert services.send_reminders(NOW) == 0
    assert only_workshop.id
