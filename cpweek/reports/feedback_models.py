"""Outcome measures chosen together, and feedback after events.

`OutcomeMeasure` is one question an edition's feedback may ask (copied from the bank in
`measure_bank.py`, or written by co-producers and organisers), with its five worded options;
it is adopted once a co-producer and an organiser have both agreed (`MeasureAgreement`).

`FeedbackRequest` is the single-use link sent to one registration; `FeedbackResponse` is an
answer, anonymous: it names the event and edition only, never a registration or a person, and
its date is a day (`created_on`), as is the request's `used_on`, so the two cannot be paired
by the time they were written (see docs/architecture.md, "Feedback after events").
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cpweek.extensions import Model
from cpweek.programme.models import LabelledEnum
from cpweek.timezones import UTCDateTime, utcnow


class Audience(LabelledEnum):
    LIVED_EXPERIENCE = "lived_experience"
    STAFF = "staff"
    ORGANISATION = "organisation"
    EVERYONE = "everyone"

    @property
    def label(self) -> str:
        return {
            "lived_experience": "People with lived experience",
            "staff": "Staff",
            "organisation": "Organisations",
            "everyone": "Everyone",
        }[self.value]


class MeasureStatus(LabelledEnum):
    PROPOSED = "proposed"  # waiting for a co-producer's and an organiser's agreement
    ADOPTED = "adopted"  # the feedback form asks it
    WITHDRAWN = "withdrawn"  # everyone who had agreed withdrew before it was adopted


class FeedbackSource(LabelledEnum):
    ONLINE = "online"
    PHONE = "phone"
    PAPER = "paper"

    @property
    def label(self) -> str:
        return {"online": "Online form", "phone": "By phone", "paper": "On paper"}[self.value]


# Every scale has five options, stored as their place in it (1 to 5) and always shown in words.
SCALE_SIZE = 5


class OutcomeMeasure(Model):
    __tablename__ = "outcome_measures"
    __table_args__ = (
        # A bank measure is proposed once per edition (own measures have no key: NULLs differ).
        UniqueConstraint("edition_id", "bank_key", name="uq_outcome_measures_edition_bank_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    bank_key: Mapped[str | None] = mapped_column(String(40))
    question: Mapped[str] = mapped_column(String(300))
    easy_question: Mapped[str] = mapped_column(String(300), default="")
    audience: Mapped[str] = mapped_column(String(20))
    options: Mapped[list] = mapped_column(JSON)  # the five option words, from worst to best
    status: Mapped[str] = mapped_column(String(20), default=MeasureStatus.PROPOSED.value)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def audience_label(self) -> str:
        return Audience(self.audience).label

    @property
    def is_adopted(self) -> bool:
        return self.status == MeasureStatus.ADOPTED.value


class MeasureAgreement(Model):
    __tablename__ = "outcome_measure_agreements"
    __table_args__ = (
        UniqueConstraint("measure_id", "user_id", name="one_measure_agreement_per_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_measures.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    perspective: Mapped[str] = mapped_column(String(20))  # co_producer or organiser
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedbackRequest(Model):
    """The link sent to one registration: the mark that it was sent, and that it was used."""

    __tablename__ = "feedback_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the link's token
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_on: Mapped[date] = mapped_column(Date)  # the last day (UK) the form takes answers
    # The day (UK) the link was used: a day, not an instant, so it cannot be paired with a
    # response by time.
    used_on: Mapped[date | None] = mapped_column(Date)


class FeedbackResponse(Model):
    """One person's answers, anonymous: no registration, person or instant is kept."""

    __tablename__ = "feedback_responses"
    __table_args__ = (
        CheckConstraint("overall IS NULL OR overall BETWEEN 1 AND 5", name="overall_on_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    overall: Mapped[int | None] = mapped_column(SmallInteger)  # "How was the event overall?"
    what_worked: Mapped[str] = mapped_column(Text, default="")
    could_be_better: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default=FeedbackSource.ONLINE.value)
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    created_on: Mapped[date] = mapped_column(Date)  # a day (UK), never an instant


class FeedbackAnswer(Model):
    __tablename__ = "feedback_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "measure_id", name="one_answer_per_measure"),
        CheckConstraint("option BETWEEN 1 AND 5", name="option_on_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_responses.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_measures.id", ondelete="CASCADE"), index=True
    )
    option: Mapped[int] = mapped_column(Integer)


__all__ = [
    "SCALE_SIZE",
    "Audience",
    "FeedbackAnswer",
    "FeedbackRequest",
    "FeedbackResponse",
    "FeedbackSource",
    "MeasureAgreement",
    "MeasureStatus",
    "OutcomeMeasure",
]
