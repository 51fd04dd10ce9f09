from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpweek.extensions import Model
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


# The largest id a database integer holds: a bigger number typed or tampered into a form names
# nothing, and must not reach a query (PostgreSQL and SQLite would fail, not answer "none").
MAX_ID = 2**31 - 1

IN_PERSON, ONLINE = "in_person", "online"
ATTENDANCE_MODES = (IN_PERSON, ONLINE)
ATTENDANCE_LABELS = {IN_PERSON: "In person", ONLINE: "Online", "": ""}


class EventStatus(LabelledEnum):
    DRAFT = "draft"  # organisers only
    PUBLISHED = "published"
    CANCELLED = "cancelled"  # stays visible, marked cancelled


class Edition(Model):
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


class Event(Model):
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
    # The room, or the online stream, it runs in: the schedule's columns.
    track: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # Shown to confirmed registrants only, never on public pages or feeds.
    join_url: Mapped[str] = mapped_column(String(500), default="")
    # Once a recording of it is published: where to watch it again (the calendar says so).
    recording_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    capacity: Mapped[int | None] = mapped_column(Integer)  # None = unlimited; in person if hybrid
    # A hybrid event's online places, kept apart from the room's (None = unlimited).
    online_capacity: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT.value)
    # What the event offers for access (AccessNeed values): captions, BSL, step-free, ...
    access_offer: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # The organiser's Easy Read version, written beside the standard text: short plain lines,
    # one idea a line, and one picture (an https address, or a picture on this site) whose
    # alt text is required (rules: programme/easy_read.py).
    easy_read: Mapped[str] = mapped_column(Text, default="", server_default="")
    easy_read_image_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    easy_read_image_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")
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

    @property
    def is_hybrid(self) -> bool:
        return self.format == EventFormat.HYBRID.value

    @property
    def attendance_modes(self) -> tuple[str, ...]:
        """The separate pools of places: in the room and online for hybrid, else just one."""
        return ATTENDANCE_MODES if self.is_hybrid else ("",)

    def capacity_for(self, mode: str) -> int | None:
        return self.online_capacity if mode == ONLINE else self.capacity


class EventHost(Model):
    """Someone who hosts an event: a person with an account, or just a name (and email)."""

    __tablename__ = "event_hosts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class EventBreak(Model):
    """A break in a conference day (lunch, rest): its workshops should not run across it."""

    __tablename__ = "event_breaks"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(100), default="Break")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessNeed(LabelledEnum):
    """What people can ask for when they register (shared DOMAIN.md, access needs)."""

    BSL_INTERPRETER = "bsl_interpreter"
    LIP_SPEAKER = "lip_speaker"
    LIVE_CAPTIONS = "live_captions"
    HEARING_LOOP = "hearing_loop"
    EASY_READ = "easy_read"
    LARGE_PRINT = "large_print"
    MATERIALS_IN_ADVANCE = "materials_in_advance"
    STEP_FREE = "step_free"
    ACCESSIBLE_TOILET = "accessible_toilet"
    QUIET_SPACE = "quiet_space"
    BREAKS = "breaks"
    SEATING_NEAR_FRONT = "seating_near_front"
    PERSONAL_ASSISTANT = "personal_assistant"
    DIETARY = "dietary"
    DIGITAL_SUPPORT = "digital_support"
    OTHER_LANGUAGE = "other_language"

    @property
    def label(self) -> str:
        return ACCESS_NEED_LABELS[self]


ACCESS_NEED_LABELS = {
    AccessNeed.BSL_INTERPRETER: "British Sign Language (BSL) interpreter",
    AccessNeed.LIP_SPEAKER: "Lip-speaker",
    AccessNeed.LIVE_CAPTIONS: "Live captions (speech to text)",
    AccessNeed.HEARING_LOOP: "Hearing loop",
    AccessNeed.EASY_READ: "Easy Read materials",
    AccessNeed.LARGE_PRINT: "Large print",
    AccessNeed.MATERIALS_IN_ADVANCE: "Materials sent in advance",
    AccessNeed.STEP_FREE: "Step-free access",
    AccessNeed.ACCESSIBLE_TOILET: "Accessible toilet",
    AccessNeed.QUIET_SPACE: "A quiet space",
    AccessNeed.BREAKS: "Regular breaks",
    AccessNeed.SEATING_NEAR_FRONT: "Seating near the front",
    AccessNeed.PERSONAL_ASSISTANT: "My personal assistant or carer will come with me",
    AccessNeed.DIETARY: "Dietary needs (tell us below)",
    AccessNeed.DIGITAL_SUPPORT: "Help to join online",
    AccessNeed.OTHER_LANGUAGE: "Another language (tell us below)",
}


class RegistrationStatus(LabelledEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"


class RegistrationSource(LabelledEnum):
    SELF = "self"
    ASSISTED = "assisted"  # an organiser registered someone who phoned or wrote


HOLDING_A_PLACE = (RegistrationStatus.CONFIRMED.value, RegistrationStatus.ATTENDED.value)
LIVE_STATUSES = (
    RegistrationStatus.CONFIRMED.value,
    RegistrationStatus.WAITLISTED.value,
    RegistrationStatus.ATTENDED.value,
)


class Registration(Model):
    """A person's place (or place in the queue) at an event."""

    __tablename__ = "registrations"
    __table_args__ = (
        # One live registration per person per event: the database says so, not a hope.
        Index(
            "uq_registrations_live_person",
            "event_id",
            "person_id",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
            sqlite_where=text("status <> 'cancelled'"),
        ),
        Index("ix_registrations_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # None for someone an organiser registered by phone or post who has no email address.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default=RegistrationSource.SELF.value)
    name: Mapped[str] = mapped_column(String(200))  # as given for this registration
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # How to reach someone registered by phone or post (organisers only).
    contact_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    contact_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # At a hybrid event, whether the place is in the room or online ('' for other events).
    attendance: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # The extra place of someone's personal assistant or carer points at that person's own.
    companion_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    # Set when the day-before reminder is claimed for sending, so it is sent once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Special category data: shown to organisers only.
    access_needs: Mapped[list] = mapped_column(JSON, default=list)
    access_notes: Mapped[str] = mapped_column(Text, default="")
    consent_to_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    # Registered in Easy Read (or asked for Easy Read materials): its emails are Easy Read too.
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The waiting list is served in this order.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def has_place(self) -> bool:
        """Confirmed or already arrived: entitled to the join link and a calendar entry."""
        return self.status in HOLDING_A_PLACE

    @property
    def needs_attention(self) -> bool:
        """For check-in: something to look at, without saying what."""
        return bool(self.access_needs or self.access_notes.strip())
