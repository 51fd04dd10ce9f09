"""Evidence collections (such as the Care Equity Evidence Hub): items, their vocabularies,
co-produced inclusion decisions, suggestions from anyone, examples of use, event citations and
import batches.

Vocabularies (types, topics, equity dimensions, care settings, geography, study designs, and
whether an item is about access, experience or outcomes) are rows, not code: organisers edit
them. An item's terms of every vocabulary live in one table, so every facet is counted the same
way. Full-text search is kept beside the tables (PostgreSQL: a stored tsvector column with a GIN
index; SQLite: an FTS5 table kept in step by triggers), made by the migrations and read through
`cpweek.search`; it is not part of these models.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from cpweek.extensions import Model
from cpweek.programme.models import LabelledEnum
from cpweek.timezones import UTCDateTime, utcnow


class Vocabulary(LabelledEnum):
    TYPE = "type"
    TOPIC = "topic"
    DIMENSION = "dimension"  # equity dimension: ethnicity, disability, deprivation, ...
    SETTING = "setting"  # care setting
    GEOGRAPHY = "geography"  # England's regions and the four nations
    FOCUS = "focus"  # access, experience or outcomes
    DESIGN = "design"  # study design

    @property
    def label(self) -> str:
        return {
            "type": "Type",
            "topic": "Topic",
            "dimension": "Equity dimension",
            "setting": "Care setting",
            "geography": "Where",
            "focus": "About access, experience or outcomes",
            "design": "Study design",
        }[self.value]


class ItemStatus(LabelledEnum):
    DRAFT = "draft"  # not public: waiting for the panel
    INCLUDED = "included"  # public
    EXCLUDED = "excluded"  # not public, with the reason


class ItemSource(LabelledEnum):
    ORGANISER = "organiser"
    IMPORT = "import"
    SUGGESTION = "suggestion"


class DecisionOutcome(LabelledEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"


class SuggestionKind(LabelledEnum):
    NEW_EVIDENCE = "new_evidence"
    GAP = "gap"
    EXAMPLE_OF_USE = "example_of_use"
    FEEDBACK = "feedback"

    @property
    def label(self) -> str:
        return {
            "new_evidence": "Suggest new evidence",
            "gap": "Point out a gap",
            "example_of_use": "An example of evidence used in policy or practice",
            "feedback": "Feedback on the hub",
        }[self.value]


class SuggestionStatus(LabelledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    MERGED = "merged"  # a duplicate of another suggestion


class ImportBatchStatus(LabelledEnum):
    CHECKED = "checked"  # read and reported on, waiting for the organiser to confirm
    IMPORTED = "imported"


class EvidenceTerm(Model):
    """One value of one vocabulary, e.g. (dimension, 'rurality', 'Rurality')."""

    __tablename__ = "evidence_terms"
    __table_args__ = (UniqueConstraint("vocabulary", "slug", name="one_slug_per_vocabulary"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(20))
    slug: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class EvidenceCollection(Model):
    __tablename__ = "evidence_collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(200), default="")
    introduction: Mapped[str] = mapped_column(Text, default="")  # Markdown
    criteria: Mapped[str] = mapped_column(Text, default="")  # inclusion criteria, Markdown
    edition_id: Mapped[int | None] = mapped_column(
        ForeignKey("editions.id", ondelete="SET NULL"), index=True
    )
    # Rises with every change to the collection's items or their terms (see
    # `_collections_changed` below): what a page counted is cached under it (cpweek/cache.py).
    content_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class EvidenceItem(Model):
    __tablename__ = "evidence_items"
    __table_args__ = (
        Index("ix_evidence_items_public", "collection_id", "status", "included_at"),
        Index("ix_evidence_items_doi", "doi"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_collections.id", ondelete="CASCADE")
    )
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    easy_read: Mapped[str] = mapped_column(Text, default="")  # Easy Read summary, optional
    publisher: Mapped[str] = mapped_column(String(300), default="")
    authors: Mapped[str] = mapped_column(Text, default="")  # one a line
    url: Mapped[str] = mapped_column(String(2000), default="")
    doi: Mapped[str] = mapped_column(String(200), default="")  # '10.1234/abc', lower case
    published_year: Mapped[int | None] = mapped_column(Integer)
    published_on: Mapped[date | None] = mapped_column(Date)  # when the full date is known
    status: Mapped[str] = mapped_column(String(12), default=ItemStatus.DRAFT.value)
    exclusion_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(12), default=ItemSource.ORGANISER.value)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)  # demo data, not real
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    included_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EvidenceItemTerm(Model):
    """An item's term; `vocabulary` is the term's, copied so facets and the map need no join."""

    __tablename__ = "evidence_item_terms"
    __table_args__ = (
        Index("ix_evidence_item_terms_term", "term_id", "item_id"),
        Index("ix_evidence_item_terms_vocabulary", "vocabulary", "item_id", "term_id"),
    )

    item_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_items.id", ondelete="CASCADE"), primary_key=True
    )
    term_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_terms.id", ondelete="CASCADE"), primary_key=True
    )
    vocabulary: Mapped[str] = mapped_column(String(20))


class InclusionDecision(Model):
    """A proposed include or exclude; it stands once a co-producer and an organiser agreed
    (`cpweek.perspectives`). A newer proposal replaces one not yet standing."""

    __tablename__ = "evidence_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_items.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stands_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced: Mapped[bool] = mapped_column(Boolean, default=False)


class InclusionAgreement(Model):
    __tablename__ = "evidence_decision_agreements"
    __table_args__ = (
        UniqueConstraint("decision_id", "user_id", name="one_evidence_agreement_per_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_decisions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    perspective: Mapped[str] = mapped_column(String(20))  # co_producer or organiser
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Suggestion(Model):
    __tablename__ = "evidence_suggestions"
    __table_args__ = (Index("ix_evidence_suggestions_queue", "collection_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_collections.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    # A gap or new evidence suggested from a cell of the map; an example of use names its item.
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_terms.id", ondelete="SET NULL")
    )
    dimension_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_terms.id", ondelete="SET NULL")
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_items.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")  # to tell them the outcome
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(12), default=SuggestionStatus.PENDING.value)
    response: Mapped[str] = mapped_column(Text, default="")  # why declined, or a note
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_suggestions.id", ondelete="SET NULL")
    )
    created_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_items.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExampleOfUse(Model):
    """Evidence used in policy or practice, published from an accepted suggestion."""

    __tablename__ = "evidence_examples"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_items.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(2000), default="")
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_suggestions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventCitation(Model):
    """An event that cites (uses, launches, teaches) an item."""

    __tablename__ = "evidence_event_citations"
    __table_args__ = (Index("ix_evidence_event_citations_item", "item_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_items.id", ondelete="CASCADE"), primary_key=True
    )


class ImportBatch(Model):
    """An uploaded CSV or RIS file, checked in a dry run; imported only when confirmed."""

    __tablename__ = "evidence_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_collections.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(10))  # csv or ris
    data: Mapped[bytes] = mapped_column(LargeBinary)
    report: Mapped[Any] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default=ImportBatchStatus.CHECKED.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@event.listens_for(Session, "before_flush")
def _collections_changed(session: Session, _context, _instances) -> None:
    """Whatever adds, changes or deletes an item or an item's term raises its collection's
    `content_version` in the same flush, so no cached count outlives the data it counted.
    An atomic `+ 1` in SQL: two changes at once give two new versions, never one."""
    changed: set[int] = set()
    item_ids: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, EvidenceItem) and instance.collection_id is not None:
            changed.add(instance.collection_id)
        elif isinstance(instance, EvidenceItemTerm) and instance.item_id is not None:
            item_ids.add(instance.item_id)
    if item_ids:
        with session.no_autoflush:
            for item_id in item_ids:
                item = session.get(EvidenceItem, item_id)
                if item is not None:
                    changed.add(item.collection_id)
    for collection_id in sorted(changed):
        session.execute(
            update(EvidenceCollection)
            .where(EvidenceCollection.id == collection_id)
            .values(content_version=EvidenceCollection.content_version + 1),
            execution_options={"synchronize_session": False},
        )
