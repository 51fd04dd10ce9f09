"""An organiser's change that tells many people happens whole or not at all: a failure halfway
through (here, queueing the second person's message) leaves the event, its registrations, the
outbox and the audit log as they were; without the failure it all happens, and everyone is told."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.mail import OutboxMessage
from cpweek.programme import notifications, services
from cpweek.programme.models import Event, Registration
from tests.boxes import boxes
from tests.factories import make_edition, make_event, make_user


@pytest.fixture
def organiser(browser):
    make_user(email="org@example.org", name="Olu Organiser", roles=(Role.ORGANISER,))
    browser.sign_in("org@example.org")
    return browser


@pytest.fixture
def full_event():
    """Two places taken, three people waiting."""
    edition = make_edition(2099)
    event = make_event(
        edition,
        datetime(2099, 6, 30, 10, 0),
        datetime(2099, 6, 30, 11, 0),
        title="Equity in commissioning",
        slug="equity",
        capacity=2,
    )
    for number in range(5):
        services.register(
            event, services.Applicant(name=f"P{number}", email=f"p{number}@example.org")
        )
    db.session.commit()
    return event


class MailFault(RuntimeError):
    pass


def _fail_on_second_message(monkeypatch) -> None:
    real = notifications.send_registration_mail
    calls = []

    def flaky(mail):
        calls.append(mail.person.email)
        if len(calls) == 2:
            raise MailFault("the outbox could not take the second message")
        return real(mail)

    monkeypatch.setattr(notifications, "send_registration_mail", flaky)


def _snapshot(event_id: int) -> dict:
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    return {
        "status": event.status,
        "sequence": event.sequence,
        "capacity": event.capacity,
        "registrations": sorted(
            db.session.execute(
                select(Registration.name, Registration.status).where(
                    Registration.event_id == event_id
                )
            ).all()
        ),
        "outbox": db.session.scalar(select(func.count()).select_from(OutboxMessage)),
        "audit": db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all(),
    }


def _statuses(event_id: int) -> dict[str, str]:
    return dict(
        db.session.execute(
            select(Registration.name, Registration.status).where(Registration.event_id == event_id)
        ).all()
    )


def test_cancelling_with_a_failure_halfway_changes_nothing_then_works_whole(
    app, organiser, full_event, mailbox, monkeypatch
):
    mailbox.messages.clear()
    before = _snapshot(full_event.id)
    url = f"/manage/events/{full_event.id}/cancel"
    token = organiser.csrf_token(url)
    with monkeypatch.context() as patched:
        _fail_on_second_message(patched)
        patched.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # the 500 page, as live
        response = organiser.client.post(url, data={"csrf_token": token})
    assert response.status_code == 500
    after = _snapshot(full_event.id)
    assert after == before  # still published, same SEQUENCE, no mail queued, no audit entry
    assert after["status"] == "published"
    assert mailbox.messages == []

    response = organiser.submit(url, {})
    assert response.status_code == 302
    done = _snapshot(full_event.id)
    assert done["status"] == "cancelled" and done["sequence"] == before["sequence"] + 1
    assert done["audit"] == [*before["audit"], "event.cancel"]
    # Cancelling promotes nobody: the three waiting are still waiting, and all five are told.
    assert sorted(_statuses(full_event.id).values()) == ["confirmed"] * 2 + ["waitlisted"] * 3
    told = sorted(m["X-Envelope-To"] for m in mailbox.messages)
    assert told == [f"p{n}@example.org" for n in range(5)]
    assert {m["Subject"] for m in mailbox.messages} == {"Cancelled: Equity in commissioning"}


def _edit_form(event: Event, **changes) -> dict:
    return boxes(
        {
            "title": event.title,
            "slug": event.slug,
            "kind": event.kind,
            "format": event.format,
            "parent_id": "",
            "day": "2099-06-30",
            "start_time": "10:00",
            "end_time": "11:00",
            "venue": "",
            "online_platform": "",
            "join_url": "",
            "capacity": str(event.capacity),
            "registration_opens_at": "",
            "registration_closes_at": "",
            "hosted_by": "",
            "hosts": "",
            "summary": "",
            "description": "",
            **changes,
        }
    )


def test_more_places_with_a_failure_halfway_promote_nobody_then_promote_everyone(
    app, organiser, full_event, mailbox, monkeypatch
):
    mailbox.messages.clear()
    before = _snapshot(full_event.id)
    url = f"/manage/events/{full_event.id}/edit"
    form = _edit_form(full_event, capacity="5")
    token = organiser.csrf_token(url)
    with monkeypatch.context() as patched:
        _fail_on_second_message(patched)
        patched.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
        response = organiser.client.post(url, data={**form, "csrf_token": token})
    assert response.status_code == 500
    assert _snapshot(full_event.id) == before  # 2 places, nobody promoted, nothing queued
    assert mailbox.messages == []

    response = organiser.submit(url, form)
    assert response.status_code == 302
    done = _snapshot(full_event.id)
    assert done["capacity"] == 5 and done["audit"] == [*before["audit"], "event.update"]
    assert sorted(_statuses(full_event.id).values()) == ["confirmed"] * 5
    promoted = sorted(m["X-Envelope-To"] for m in mailbox.messages)
    assert promoted == ["p2@example.org", "p3@example.org", "p4@example.org"]
    assert all(m["Subject"].startswith("Good news") for m in mailbox.messages)


def test_a_cancelled_event_promotes_nobody_when_places_free_up(full_event, mailbox):
    organiser = make_user(email="o@example.org", roles=(Role.ORGANISER,))
    services.cancel_event(full_event, organiser)
    first = db.session.scalar(select(Registration).where(Registration.name == "P0"))
    mailbox.messages.clear()
    assert services.cancel_registration(first) == []
    assert services.set_capacity(full_event, 10) == []
    db.session.commit()
    assert sorted(_statuses(full_event.id).values()) == (
        ["cancelled"] + ["confirmed"] + ["waitlisted"] * 3
    )
    assert [m["Subject"] for m in mailbox.messages] == [
        "Your registration is cancelled: Equity in commissioning"
    ]


def test_a_refused_publish_saves_nothing(organiser, full_event):
    organiser_user = db.session.scalar(select(User).where(User.email == "org@example.org"))
    services.cancel_event(full_event, organiser_user)
    db.session.commit()
    before = _snapshot(full_event.id)
    url = f"/manage/events/{full_event.id}/publish"
    response = organiser.submit(url, {}, form_url=f"/manage/events/{full_event.id}/edit")
    assert response.status_code == 302
    page = organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert "cannot be published again" in page
    assert _snapshot(full_event.id) == before
