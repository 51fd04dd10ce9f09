"""After an event, reading: whether an event may have a follow-up, what it has (summary,
recording, slides and their formats), and who is told when its recording is ready."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event, EventStatus
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import (
    EventFollowUp,
    FormatRole,
    Resource,
    ResourceEvent,
    ResourceFormat,
    ResourceKind,
)
from cpweek.resources.services.formats import formats_of


class FollowUpRefused(ResourceError):
    """The event cannot have an "after the event" yet (or any more), or what was typed is
    wrong; `field` names the box."""


@dataclass
class FollowUp:
    """An ended event's follow-up as the organisers' page shows it."""

    event: Event
    edition: Edition
    summary: EventFollowUp | None
    recording: Resource | None
    slides: Resource | None
    formats: dict[int, list[ResourceFormat]] = field(default_factory=dict)

    def link_of(self, resource: Resource | None) -> str:
        for row in self.formats.get(resource.id, []) if resource else []:
            if row.role == FormatRole.MAIN.value and row.url:
                return row.url
        return ""


# --- may this event have a follow-up? ---------------------------------------------------------


def refusal(event: Event) -> str | None:
    """Why this event cannot have an "after the event" page now, in words; None when it can."""
    if event.status == EventStatus.CANCELLED.value:
        return "This event was cancelled, so there is no recording or summary to add."
    if event.status != EventStatus.PUBLISHED.value:
        return "This event was never published, so there is nothing to follow up."
    if not programme.has_ended(event):
        return (
            "This event has not ended yet. Come back once it is over to add its recording, "
            "slides, transcript and \u201cyou said, we did\u201d summary."
        )
    return None


def check_may_follow_up(event: Event) -> None:
    reason = refusal(event)
    if reason:
        raise FollowUpRefused(reason)


# --- reading ------------------------------------------------------------------------------------


def event_resources(event_id: int, kinds: tuple[ResourceKind, ...]) -> list[Resource]:
    """The event's resources of these kinds, newest first, in one query."""
    return list(
        db.session.scalars(
            select(Resource)
            .join(ResourceEvent, ResourceEvent.resource_id == Resource.id)
            .where(ResourceEvent.event_id == event_id, Resource.kind.in_([k.value for k in kinds]))
            .order_by(Resource.created_at.desc(), Resource.id.desc())
        )
    )


def first_of(resources: list[Resource], kind: ResourceKind) -> Resource | None:
    return next((r for r in resources if r.kind == kind.value), None)


def follow_up_of(event: Event) -> FollowUp:
    """The event's follow-up as it stands: summary, recording and slides with their formats."""
    resources = event_resources(event.id, (ResourceKind.RECORDING, ResourceKind.SLIDES))
    recording = first_of(resources, ResourceKind.RECORDING)
    slides = first_of(resources, ResourceKind.SLIDES)
    return FollowUp(
        event=event,
        edition=db.session.get_one(Edition, event.edition_id),
        summary=db.session.get(EventFollowUp, event.id),
        recording=recording,
        slides=slides,
        formats=formats_of([r.id for r in (recording, slides) if r]),
    )


def people_to_tell(event: Event) -> list[User]:
    """Everyone holding a place (confirmed, or attended) who agreed to hear from the week, each
    person once: the people the "recording is ready" email goes to."""
    people: dict[int, User] = {}
    for registration, person, _ in programme.live_registrations_for([event.id]):
        if registration.has_place and registration.consent_to_contact and person.email:
            people.setdefault(person.id, person)
    return list(people.values())
