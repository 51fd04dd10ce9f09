"""Events that cite (use, launch, teach) evidence items, both ways round.

The programme's event page asks `items_cited_by(event_id)` (included items only); an item's page
asks `events_citing(item_id)` (public events only). Like reciprocity's portfolio, the item side
joins programme's `events` and `editions` tables in one query, so the page's query count does not
grow with the number of events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.evidence.errors import ItemInvalid
from cpweek.evidence.models import (
    EventCitation,
    EvidenceCollection,
    EvidenceItem,
    ItemStatus,
)
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event, EventStatus


@dataclass(frozen=True)
class CitedItem:
    id: int
    title: str
    published_year: int | None
    collection_slug: str
    collection_title: str


@dataclass(frozen=True)
class CitingEvent:
    id: int
    title: str
    slug: str
    year: int
    starts_at: object
    cancelled: bool


def items_cited_by(event_id: int) -> list[CitedItem]:
    """The included items an event cites, with their collection for the link, in one query."""
    rows = db.session.execute(
        select(
            EvidenceItem.id,
            EvidenceItem.title,
            EvidenceItem.published_year,
            EvidenceCollection.slug,
            EvidenceCollection.title,
        )
        .join(EventCitation, EventCitation.item_id == EvidenceItem.id)
        .join(EvidenceCollection, EvidenceCollection.id == EvidenceItem.collection_id)
        .where(
            EventCitation.event_id == event_id,
            EvidenceItem.status == ItemStatus.INCLUDED.value,
        )
        .order_by(EvidenceItem.title, EvidenceItem.id)
    )
    return [CitedItem(*row) for row in rows]


def events_citing(item_id: int) -> list[CitingEvent]:
    """The public events (published or cancelled) that cite an item, in time order."""
    rows = db.session.execute(
        select(Event.id, Event.title, Event.slug, Edition.year, Event.starts_at, Event.status)
        .join(EventCitation, EventCitation.event_id == Event.id)
        .join(Edition, Edition.id == Event.edition_id)
        .where(
            EventCitation.item_id == item_id,
            Event.status.in_(programme.PUBLIC_EVENT_STATUSES),
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [
        CitingEvent(id, title, slug, year, starts_at, status == EventStatus.CANCELLED)
        for id, title, slug, year, starts_at, status in rows
    ]


def cited_event_ids(item_id: int) -> list[int]:
    return list(
        db.session.scalars(select(EventCitation.event_id).where(EventCitation.item_id == item_id))
    )


def event_choices(collection: EvidenceCollection) -> list[tuple[int, str]]:
    """The events an organiser may say cite an item of this collection: its edition's public
    events, or every public event when the collection belongs to no edition."""
    if collection.edition_id is not None:
        edition = programme.get_edition_by_id(collection.edition_id)
        if edition is not None:
            return [(event.id, event.title) for event in programme.public_events(edition)]
    return programme.event_choices()


def set_citing_events(
    item: EvidenceItem,
    event_ids: Sequence[int],
    actor: User,
    collection: EvidenceCollection,
) -> None:
    """The item is cited by exactly the chosen events among those offered; citations by events
    not offered (another year's, say) are kept as they are."""
    offered = {event_id for event_id, _ in event_choices(collection)}
    chosen = set(event_ids)
    if chosen - offered:
        raise ItemInvalid("Choose events from the list", "events")
    current = set(cited_event_ids(item.id))
    removed = (current & offered) - chosen
    added = chosen - current
    if not removed and not added:
        return
    if removed:
        db.session.execute(
            delete(EventCitation).where(
                EventCitation.item_id == item.id, EventCitation.event_id.in_(removed)
            )
        )
    db.session.add_all(EventCitation(event_id=event_id, item_id=item.id) for event_id in added)
    db.session.flush()
    audit.record(
        actor.id,
        "evidence_item.citations",
        "evidence_item",
        item.id,
        before=sorted(current),
        after=sorted((current - removed) | added),
    )
