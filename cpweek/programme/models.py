from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpweek.extensions import db
from cpweek.timezones import DEFAULT_ZONE, UTCDateTime, utcnow


class LabelledEnum(enum.StrEnum):
    """A stored value with the words a page shows for it."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class EditionStatus(LabelledEnum):
    DRAFT = "draft"  # public, labelled as a draft programme that will still change
    PUBLISHED = "published"


class EventKind(LabelledEnum):
    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    WEBINAR = "webinar"
    Q_AND_A = "q_and_a"
    LAUNCH = "launch"
    OTHER = "other"

    @property
    def label(self) -> str:
        return "Online Q&A" if self is EventKind.Q_AND_A else super().label


class EventFormat(LabelledEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"

    @property
    def label(self) -> str:
        return {"online": "Online", "in_person": "In person", "hybrid": "In person and online"}[
            self.value
        ]


class EventStatus(LabelledEnum):
    DRAFT = "draft"  # organisers only
    PUBLISHED = "published"
    CANCELLED = "cancelled"  # stays visible, marked cancelled


class Edition(db.Model):
    """One year's Co-production Week."""

    __tablename__ = "editions"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    theme: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_ZONE)
    status: Mapped[str] = mapped_column(String(20), default=EditionStatus.DRAFT.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    events: Mapped[list[Event]] = relationship(back_populates="edition", lazy="raise_on_sql")

    @property
    def title(self) -> str:
        return f"Co-production Week {self.year}"

    @property
    def is_draft(self) -> bool:
        return self.status == EditionStatus.DRAFT.value


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("edition_id", "slug", name="uq_events_edition_slug"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    # A conference's workshops point at the conference.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    slug: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    hosted_by: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_platform: Mapped[str] = mapped_column(String(100), default="")
    # Shown to confirmed registrants only, never on public pages or feeds.
    join_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)  # None = unlimited
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT.value)
    # iCalendar SEQUENCE: goes up on every change of time, place or status.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship(back_populates="events", lazy="raise_on_sql")
    parent: Mapped[Event | None] = relationship(remote_side=[id], lazy="raise_on_sql")

    @property
    def kind_enum(self) -> EventKind:
        return EventKind(self.kind)

    @property
    def format_enum(self) -> EventFormat:
        return EventFormat(self.format)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED.value
