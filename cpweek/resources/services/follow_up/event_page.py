"""After an event, its public page: what an ended event offers instead of registering."""

from __future__ import annotations

from dataclasses import dataclass, field

from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.resources.models import EventFollowUp, ResourceKind
from cpweek.resources.services import linked
from cpweek.resources.services.follow_up.links import public_links
from cpweek.resources.services.follow_up.reading import first_of

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
    cancelled: the page is then unchanged). Two queries however many resources the event
    has: its published resources with their formats (`linked.for_event`, one), the summary."""
    if event.is_cancelled or not programme.has_ended(event):
        return None
    linked_ones = linked.for_event(event.id)
    resources = [one.resource for one in linked_ones]
    formats = {one.resource.id: [shown.format for shown in one.formats] for one in linked_ones}
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
            OtherResource(one.resource.title, one.kind_label, public_links(one.resource, []).page)
            for one in linked_ones
            if one.resource is not recording and one.resource is not slides
        ],
    )
