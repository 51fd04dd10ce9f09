"""What a resource is linked to, both ways round: the published resources shown on an edition's
page, an event's page and an evidence item's page (`for_edition`, `for_event`,
`for_evidence_item`: two queries each, however many resources and formats), and everything a
resource's own public page shows (`page_of`: a fixed number of queries, whatever the number of
events, evidence items, topics, formats or credits).

Like the evidence hub's citations, the resource side joins programme's `events` and `editions`
and evidence's `evidence_items` and `evidence_collections` tables in one query each, and shows
only what the public may see there (public events, included items)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, select

from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceTerm,
    ItemStatus,
)
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import MAX_ID, Edition, Event, EventStatus
from cpweek.resources.models import (
    AccessNeed,
    FormatGap,
    Resource,
    ResourceEvent,
    ResourceEvidence,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
    ResourceTerm,
)
from cpweek.resources.services import credits as credit_services
from cpweek.resources.services import describing
from cpweek.resources.services.formats import formats_of
from cpweek.resources.services.library import ACCESS_WORDS, newest_first
from cpweek.resources.services.publishing import NEEDS, gaps_of

# --- resources on other rooms' pages ------------------------------------------------------------


@dataclass(frozen=True)
class LinkedResource:
    resource: Resource
    formats: list[describing.ShownFormat]

    @property
    def kind_label(self) -> str:
        return describing.kind_words(self.resource.kind)


def _published(*criteria: ColumnElement[bool]) -> list[LinkedResource]:
    resources = list(
        db.session.scalars(
            select(Resource)
            .where(Resource.status == ResourceStatus.PUBLISHED.value, *criteria)
            .order_by(*newest_first())
        )
    )
    formats = formats_of([resource.id for resource in resources])
    return [
        LinkedResource(resource, describing.shown_formats(formats[resource.id]))
        for resource in resources
    ]


def for_edition(edition_id: int) -> list[LinkedResource]:
    """The published resources from an edition, newest first, with their formats."""
    return _published(Resource.edition_id == edition_id)


def for_event(event_id: int) -> list[LinkedResource]:
    """The published resources that came from an event (its recording, slides, a report
    launched there), newest first, with their formats."""
    return _published(
        Resource.id.in_(select(ResourceEvent.resource_id).where(ResourceEvent.event_id == event_id))
    )


def for_evidence_item(item_id: int) -> list[LinkedResource]:
    """The published resources drawing on an evidence item, newest first, with their formats."""
    return _published(
        Resource.id.in_(
            select(ResourceEvidence.resource_id).where(ResourceEvidence.item_id == item_id)
        )
    )


# --- a resource's own page ----------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedEvent:
    title: str
    slug: str
    year: int
    starts_at: datetime
    timezone: str
    cancelled: bool


@dataclass(frozen=True)
class LinkedItem:
    id: int
    title: str
    published_year: int | None
    collection_slug: str


@dataclass(frozen=True)
class ShownGap:
    """An accessible format the resource still lacks, and what the organisers recorded."""

    need: AccessNeed
    reason: str  # "" when no reason was recorded
    expected_by: date | None

    @property
    def label(self) -> str:
        return ACCESS_WORDS[self.need.value]


@dataclass(frozen=True)
class ResourcePage:
    resource: Resource
    edition: Edition | None
    events: list[LinkedEvent]
    items: list[LinkedItem]
    topics: list[EvidenceTerm]
    formats: list[describing.ShownFormat]
    credits: list[credit_services.ShownCredit]
    gaps: list[ShownGap]
    licence: describing.Licence
    accessible: set[AccessNeed]

    @property
    def players(self) -> list[describing.ShownFormat]:
        """Stored audio the page plays with an <audio> element."""
        return [shown for shown in self.formats if shown.is_audio]

    @property
    def captions(self) -> list[describing.ShownFormat]:
        return [shown for shown in self.formats if shown.format.role == "captions"]


def events_of(resource_id: int) -> list[LinkedEvent]:
    """The public events a resource came from, in time order, in one query."""
    rows = db.session.execute(
        select(
            Event.title,
            Event.slug,
            Edition.year,
            Event.starts_at,
            Edition.timezone,
            Event.status,
        )
        .join(ResourceEvent, ResourceEvent.event_id == Event.id)
        .join(Edition, Edition.id == Event.edition_id)
        .where(
            ResourceEvent.resource_id == resource_id,
            Event.status.in_(programme.PUBLIC_EVENT_STATUSES),
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [
        LinkedEvent(title, slug, year, starts_at, zone, status == EventStatus.CANCELLED.value)
        for title, slug, year, starts_at, zone, status in rows
    ]


def items_of(resource_id: int) -> list[LinkedItem]:
    """The included evidence items a resource draws on, with their collection, in one query."""
    rows = db.session.execute(
        select(
            EvidenceItem.id,
            EvidenceItem.title,
            EvidenceItem.published_year,
            EvidenceCollection.slug,
        )
        .join(ResourceEvidence, ResourceEvidence.item_id == EvidenceItem.id)
        .join(EvidenceCollection, EvidenceCollection.id == EvidenceItem.collection_id)
        .where(
            ResourceEvidence.resource_id == resource_id,
            EvidenceItem.status == ItemStatus.INCLUDED.value,
        )
        .order_by(EvidenceItem.title, EvidenceItem.id)
    )
    return [LinkedItem(*row) for row in rows]


def topics_of(resource_id: int) -> list[EvidenceTerm]:
    return list(
        db.session.scalars(
            select(EvidenceTerm)
            .join(ResourceTerm, ResourceTerm.term_id == EvidenceTerm.id)
            .where(ResourceTerm.resource_id == resource_id)
            .order_by(EvidenceTerm.position, EvidenceTerm.label)
        )
    )


def missing_formats(
    resource: Resource, accessible: set[AccessNeed], gaps: Sequence[FormatGap]
) -> list[ShownGap]:
    """The accessible formats the resource's kind needs and it does not offer yet, each with
    the reason recorded when it was published without it."""
    kind = ResourceKind(resource.kind) if resource.kind in describing.KIND_VALUES else None
    recorded = {gap.need: gap for gap in gaps}
    missing = []
    for need in NEEDS.get(kind, ()) if kind else ():
        if need in accessible:
            continue
        gap = recorded.get(need.value)
        missing.append(ShownGap(need, gap.reason if gap else "", gap.expected_by if gap else None))
    return missing


def page_of(resource: Resource) -> ResourcePage:
    """Everything the resource's public page shows."""
    edition = db.session.get(Edition, resource.edition_id) if resource.edition_id else None
    formats = formats_of([resource.id])[resource.id]
    accessible = describing.accessible_formats(resource, formats)
    return ResourcePage(
        resource=resource,
        edition=edition,
        events=events_of(resource.id),
        items=items_of(resource.id),
        topics=topics_of(resource.id),
        formats=describing.shown_formats(formats),
        credits=credit_services.shown_credits([resource.id]).get(resource.id, []),
        gaps=missing_formats(resource, accessible, gaps_of(resource.id)),
        licence=describing.licence_of(resource),
        accessible=accessible,
    )


def published_file(resource: Resource, format_id: int) -> ResourceFormat | None:
    """A stored file of a published resource; None for another resource's format, a link, or
    a draft (the page 404s)."""
    if not resource.is_published or not 0 < format_id <= MAX_ID:
        return None
    found = db.session.get(ResourceFormat, format_id)
    if found is None or found.resource_id != resource.id or not found.is_file:
        return None
    return found
