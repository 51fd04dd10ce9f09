"""Co-produced resources (reports, toolkits, recordings, podcast episodes, slides, blog posts,
templates, Easy Read versions), their formats and files, who made them (credits), and what an
event left behind once it ended (recording, slides, transcript, "you said, we did").

A resource is a draft until an organiser publishes it; drafts are 404 to the public. Its topics
are the evidence hub's topic terms (`evidence_terms`, vocabulary "topic"), so a person filters
both by the same words. Files live in the storage (`cpweek.files`), never in the database:
a format keeps the storage key, the real type read from the content, and the size.
Full-text search is kept beside the table (`cpweek.search.RESOURCES`), made by migration 0019.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cpweek.extensions import Model
from cpweek.programme.models import LabelledEnum
from cpweek.timezones import UTCDateTime, utcnow


class ResourceKind(LabelledEnum):
    REPORT = "report"
    GUIDE = "guide"
    RECORDING = "recording"
    PODCAST = "podcast"
    SLIDES = "slides"
    BLOG = "blog"
    TEMPLATE = "template"
    EASY_READ = "easy_read"

    @property
    def label(self) -> str:
        return {
            "report": "Report",
            "guide": "Guide or toolkit",
            "recording": "Video or recording",
            "podcast": "Podcast episode",
            "slides": "Slides",
            "blog": "Blog post",
            "template": "Template",
            "easy_read": "Easy Read version",
        }[self.value]


class ResourceStatus(LabelledEnum):
    DRAFT = "draft"  # organisers only: 404 to everyone else
    PUBLISHED = "published"


class FormatRole(LabelledEnum):
    """What a format of a resource is for."""

    MAIN = "main"  # the resource itself: the report's PDF, the episode's audio, the video link
    CAPTIONS = "captions"  # WebVTT
    TRANSCRIPT = "transcript"
    EASY_READ = "easy_read"
    PLAIN_SUMMARY = "plain_summary"  # a plain-English summary as a file
    ALTERNATIVE = "alternative"  # another format of the same thing: Word, large print, ...

    @property
    def label(self) -> str:
        return {
            "main": "The resource",
            "captions": "Captions",
            "transcript": "Transcript",
            "easy_read": "Easy Read",
            "plain_summary": "Plain-English summary",
            "alternative": "Another format",
        }[self.value]


class AccessNeed(LabelledEnum):
    """An accessible format a kind of resource must have before it is published, unless the
    organiser records why not yet (`FormatGap`)."""

    CAPTIONS = "captions"  # recordings: a WebVTT file, or the host captions it
    TRANSCRIPT = "transcript"  # recordings and podcast episodes
    EASY_READ = "easy_read"  # reports: Easy Read or a plain-English summary

    @property
    def label(self) -> str:
        return {
            "captions": "Captions",
            "transcript": "Transcript",
            "easy_read": "Easy Read or plain-English summary",
        }[self.value]


class CreditRole(LabelledEnum):
    CO_AUTHOR = "co_author"
    SPEAKER = "speaker"
    FACILITATOR = "facilitator"
    ILLUSTRATOR = "illustrator"
    REVIEWER = "reviewer"
    LIVED_EXPERIENCE_ADVISER = "lived_experience_adviser"

    @property
    def label(self) -> str:
        return {
            "co_author": "Co-author",
            "speaker": "Speaker",
            "facilitator": "Facilitator",
            "illustrator": "Illustrator",
            "reviewer": "Reviewer",
            "lived_experience_adviser": "Lived-experience adviser",
        }[self.value]


class Resource(Model):
    __tablename__ = "resources"
    __table_args__ = (
        Index("ix_resources_public", "status", "published_at"),
        Index("ix_resources_kind", "kind", "status"),
        # The library's newest-first order, read from the index (library.newest_first).
        Index("ix_resources_newest", "status", "published_on", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")  # plain text, a paragraph or two
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default=ResourceStatus.DRAFT.value)
    # An SPDX identifier from services' LICENCES ("CC-BY-4.0"), or "" for all rights reserved.
    licence: Mapped[str] = mapped_column(String(40), default="")
    edition_id: Mapped[int | None] = mapped_column(
        ForeignKey("editions.id", ondelete="SET NULL"), index=True
    )
    published_on: Mapped[date | None] = mapped_column(Date)  # the date the public page shows
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # made public here
    # Written on the page itself (Markdown): a plain-English summary (counts as the report's
    # accessible summary) and a transcript (counts as the transcript; searched).
    plain_summary: Mapped[str] = mapped_column(Text, default="")
    transcript: Mapped[str] = mapped_column(Text, default="")
    # A recording on a video host that captions it: the statement that stands for a WebVTT file.
    captions_by_host: Mapped[bool] = mapped_column(Boolean, default=False)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)  # recordings and episodes
    episode: Mapped[int | None] = mapped_column(Integer)  # a podcast episode's number
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)  # demo data, not real
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def kind_enum(self) -> ResourceKind:
        return ResourceKind(self.kind)

    @property
    def is_published(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED.value


class ResourceTerm(Model):
    """A resource's topic: one of the evidence hub's topic terms."""

    __tablename__ = "resource_terms"
    __table_args__ = (Index("ix_resource_terms_term", "term_id", "resource_id"),)

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )
    term_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_terms.id", ondelete="CASCADE"), primary_key=True
    )


class ResourceEvent(Model):
    """An event the resource came from (a recording of it, its slides, a report launched there)."""

    __tablename__ = "resource_events"
    __table_args__ = (Index("ix_resource_events_event", "event_id", "resource_id"),)

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )


class ResourceEvidence(Model):
    """An evidence item the resource draws on."""

    __tablename__ = "resource_evidence"
    __table_args__ = (Index("ix_resource_evidence_item", "item_id", "resource_id"),)

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_items.id", ondelete="CASCADE"), primary_key=True
    )


class ResourceFormat(Model):
    """One way to get the resource: a stored file, or a link (a video host, a publisher)."""

    __tablename__ = "resource_formats"
    __table_args__ = (
        CheckConstraint("storage_key <> '' OR url <> ''", name="file_or_link"),
        CheckConstraint("size_bytes IS NULL OR size_bytes >= 0", name="size_not_negative"),
        Index("ix_resource_formats_resource", "resource_id", "role", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20), default=FormatRole.MAIN.value)
    label: Mapped[str] = mapped_column(String(200), default="")  # "Full report", "Large print"
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A stored file: its key in the storage, the name it is downloaded as, the type read from
    # its content (never the name or the browser's word), its size.
    storage_key: Mapped[str] = mapped_column(String(300), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="")
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    # A link instead of a file (https only).
    url: Mapped[str] = mapped_column(String(2000), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_file(self) -> bool:
        return bool(self.storage_key)


class FormatGap(Model):
    """Why a resource was published without an accessible format it needs, and by when it is
    coming: the public page says so ("Transcript coming by 14 December 2026")."""

    __tablename__ = "resource_format_gaps"

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )
    need: Mapped[str] = mapped_column(String(20), primary_key=True)  # AccessNeed
    reason: Mapped[str] = mapped_column(Text)
    expected_by: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Credit(Model):
    """Who made the resource and how. A person with an account is credited as their contributor
    profile says (name, pseudonym or anonymously); someone without one is credited by the name
    given, and only with their consent on record (`consent_note`: how and when they agreed)."""

    __tablename__ = "resource_credits"
    __table_args__ = (
        CheckConstraint("person_id IS NOT NULL OR name <> ''", name="person_or_name"),
        Index("ix_resource_credits_resource", "resource_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resources.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))  # CreditRole
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")  # someone without an account
    consent_note: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventFollowUp(Model):
    """What an event left behind once it ended: the "you said, we did" summary, and when the
    people who registered were told the recording is ready (once)."""

    __tablename__ = "event_follow_ups"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    you_said_we_did: Mapped[str] = mapped_column(Text, default="")  # Markdown
    recording_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
