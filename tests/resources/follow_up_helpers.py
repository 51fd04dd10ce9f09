"""What the after-the-event tests share: an event that has ended, people who held a place
there (or not), and the outbox read back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cpweek.extensions import db
from cpweek.mail import OutboxMessage
from cpweek.programme.models import Event, Registration
from cpweek.programme.services import get_edition
from cpweek.resources.models import Resource, ResourceEvent, ResourceStatus
from cpweek.timezones import utcnow
from tests.factories import make_edition, make_event, make_user

LINK = "https://video.example.org/watch/123"
SLIDES = "https://slides.example.org/deck/9"
TITLE = "Carers in Lincolnshire"


def ended_event(**fields) -> Event:
    """A webinar of 2025 that ended long ago: /2025/events/webinar."""
    return make_event(
        get_edition(2025) or make_edition(2025),
        datetime(2025, 7, 3, 10, 30),
        datetime(2025, 7, 3, 11, 30),
        slug=fields.pop("slug", "webinar"),
        title=fields.pop("title", TITLE),
        capacity=fields.pop("capacity", 250),
        **fields,
    )


def future_event(**fields) -> Event:
    return make_event(
        make_edition(2099),
        datetime(2099, 6, 30, 10, 30),
        datetime(2099, 6, 30, 11, 30),
        slug="webinar",
        title=fields.pop("title", "Still to come"),
        capacity=10,
        **fields,
    )


def register(event: Event, email: str, status: str = "confirmed", consent: bool = True):
    person = make_user(email=email, name=email.split("@")[0].title(), password=None)
    registration = Registration(
        event_id=event.id,
        person_id=person.id,
        status=status,
        name=person.name,
        consent_to_contact=consent,
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def audience(event: Event) -> dict[str, str]:
    """Everyone who registered, one of each kind; only the first two should hear."""
    people = {
        "came@example.org": ("attended", True),
        "booked@example.org": ("confirmed", True),
        "quiet@example.org": ("confirmed", False),
        "waiting@example.org": ("waitlisted", True),
        "gone@example.org": ("cancelled", True),
    }
    for email, (status, consent) in people.items():
        register(event, email, status, consent)
    return {email: status for email, (status, _) in people.items()}


TOLD = {"came@example.org", "booked@example.org"}


def outbox_to() -> list[str]:
    """Every queued message's recipients, one entry per message."""
    return list(db.session.scalars(select(OutboxMessage.recipients).order_by(OutboxMessage.id)))


def linked_resource(event: Event, kind: str, title: str, published: bool = True) -> Resource:
    """A resource of the event, written directly (the authoring factory may replace it)."""
    resource = Resource(
        slug=f"{kind}-{title.lower().replace(' ', '-')}",
        title=title,
        kind=kind,
        status=ResourceStatus.PUBLISHED.value if published else ResourceStatus.DRAFT.value,
        edition_id=event.edition_id,
        published_at=utcnow() if published else None,
    )
    db.session.add(resource)
    db.session.flush()
    db.session.add(ResourceEvent(resource_id=resource.id, event_id=event.id))
    db.session.commit()
    return resource
