"""The impact report's own rows: whether each access request was met (marked by organisers
after the event), and the "you said, we did" entries organisers publish for an edition.

`AccessMet` is one mark per registration that asked for something: the registration is the
unit people ask in (a list of needs and a note), so the mark answers the request as a whole,
with a note for what was partly met. `YouSaidWeDid` stands apart from the resources room's
per-event follow-up: it answers the whole week's feedback, entry by entry, each with its own
status and publication day, which a feed needs (see docs/architecture.md, "The impact report").
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cpweek.extensions import Model
from cpweek.programme.models import LabelledEnum
from cpweek.timezones import UTCDateTime, utcnow


class MetOutcome(LabelledEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return {"met": "Met", "partly": "Partly met", "not_met": "Not met"}[self.value]


class EntryState(LabelledEnum):
    DRAFT = "draft"  # organisers only
    PUBLISHED = "published"  # on the public report and in the feed


class AccessMet(Model):
    __tablename__ = "access_met"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class YouSaidWeDid(Model):
    __tablename__ = "you_said_we_did"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    said: Mapped[str] = mapped_column(Text)
    did: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=EntryState.DRAFT.value)
    published_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def is_published(self) -> bool:
        return self.status == EntryState.PUBLISHED.value


__all__ = ["AccessMet", "EntryState", "MetOutcome", "YouSaidWeDid"]
