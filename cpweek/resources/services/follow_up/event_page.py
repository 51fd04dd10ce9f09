"""After an event, its public page: what an ended event offers instead of registering."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.resources.models import (
    EventFollowUp,
    Resource,
    ResourceEvent,
    ResourceKind,
    ResourceStatus,
)
from cpweek.resources.services.follow_up.links import public_links
from cpweek.resources.services.follow_up.reading import first_of
from cpweek.resources.services.formats import formats_of

# --- the public event page once the event has ended ---------------------------------------------


@dataclass(frozen=True)
class OtherResource:
    title: str
    kind: str  # the kind's words
    url: str


@dataclass(frozen=True)
class AfterEvent:
    """What an ended event's page offers instead of registering: links only to what exists."""

    watch_url: str = ""
    slides_url: str = ""
    transcript_url: str = ""
    you_said_we_did: str = ""  # Markdown
    others: list[OtherResource] = field(default_factory=list)

    @property
    def has_links(self) -> bool:
        return bool(self.watch_url or self.slides_url or self.transcript_url)


def after_event(event: Event) -> AfterEvent | None:
    """What the page of an event that has ended shows (None before it ends, or when it was
    cancelled: the page is then unchanged). Three queries however many resources the event
    has: its published resources, their formats, the summary.

    LEAD: reads the event's published resources itself while `linked.for_event` (public
    branch) is not merged; switch to it then if it returns the same rows and formats."""
    if event.is_cancelled or not programme.has_ended(event):
        return None
    resources = list(
        db.session.scalars(
            select(Resource)
            .join(ResourceEvent, ResourceEvent.resource_id == Resource.id)
            .where(
                ResourceEvent.event_id == event.id,
                Resource.status == ResourceStatus.PUBLISHED.value,
            )
            .order_by(Resource.published_at.desc(), Resource.id.desc())
        )
    )
    formats = formats_of([r.id for r in resources])
    summary = db.session.get(EventFollowUp, event.id)
    recording = first_of(resources, ResourceKind.RECORDING)
    slides = first_of(resources, ResourceKind.SLIDES)
    links = public_links(recording, formats[recording.id]) if recording else None
    return AfterEvent(
        watch_url=links.page if links else "",
        slides_url=public_links(slides, []).page if slides else "",
        transcript_url=links.transcript if links else "",
        you_said_we_did=summary.you_said_we_did if summary else "",
        others=[
            OtherResource(r.title, r.kind_enum.label, public_links(r, []).page)
            for r in resources
            if r is not recording and r is not slides
        ],
    )
