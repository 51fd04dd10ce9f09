"""After an event, telling people: when a recording linked to an ended event is published,
the event gets its link (its calendar entry gains "Watch again") and everyone who held a place
and agreed to hear from the week is emailed, once (`EventFollowUp.recording_announced_at`,
under that row's lock)."""

from __future__ import annotations

from sqlalchemy import select

from cpweek import audit
from cpweek.extensions import db
from cpweek.inserts import insert_unless_present
from cpweek.locks import lock_rows
from cpweek.mail import queue_mail, render_mail
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event
from cpweek.resources.models import EventFollowUp, Resource, ResourceEvent, ResourceKind
from cpweek.resources.services.follow_up.links import public_links
from cpweek.resources.services.follow_up.reading import people_to_tell, refusal
from cpweek.timezones import utcnow
from cpweek.urls import absolute_url


def summary_row(event_id: int) -> EventFollowUp:
    """The event's follow-up row, made when it has none (two requests at once make one)."""
    insert_unless_present(EventFollowUp, {"event_id": event_id}, [EventFollowUp.event_id])
    return db.session.get_one(EventFollowUp, event_id)


def recording_published(resource: Resource) -> None:
    """A recording was published: each ended event it is linked to gets its link, and the
    people who came are told (once per event). Connected to `resource_published` in
    `cpweek.resources.receivers`, whoever published it."""
    if resource.kind != ResourceKind.RECORDING.value:
        return
    event_ids = db.session.scalars(
        select(ResourceEvent.event_id).where(ResourceEvent.resource_id == resource.id)
    ).all()
    for event_id in sorted(event_ids):
        event = db.session.get_one(Event, event_id)
        if refusal(event) is None:
            announce_recording(event, resource)


def announce_recording(event: Event, recording: Resource) -> int:
    """Give the event its recording's link and, the first time only, email the people who held
    a place and agreed to hear from us. Returns how many were emailed (0 when already told).

    Under the follow-up row's lock: two publications at once (two organisers, two recordings)
    queue one message per person between them, the second seeing `recording_announced_at`."""
    links = public_links(recording)
    programme.set_recording_url(event, links.page)
    summary_row(event.id)
    lock_rows(EventFollowUp, [event.id])
    summary = db.session.get_one(EventFollowUp, event.id)
    db.session.refresh(summary)  # as committed by whoever held the lock before us
    if summary.recording_announced_at is not None:
        return 0
    summary.recording_announced_at = utcnow()
    people = people_to_tell(event)
    edition = db.session.get_one(Edition, event.edition_id)
    for person in people:
        text, html = render_mail(
            "recording_ready",
            person=person,
            event=event,
            edition=edition,
            links=links,
            event_url=absolute_url("programme.event", year=edition.year, slug=event.slug),
        )
        queue_mail(person.email, f"The recording of {event.title} is ready", text, html)
    db.session.flush()
    audit.record(None, "event.recording_announced", "event", event.id, after={"told": len(people)})
    return len(people)
