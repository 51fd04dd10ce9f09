"""Co-producing the programme: a call for proposals per edition, its score criteria, proposals
with their co-proposers, the panel's reviews and scores, and shared decisions that stand only
once people with lived experience and staff have both agreed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from cpweek.extensions import Model
from cpweek.programme.models import LabelledEnum
from cpweek.timezones import UTCDateTime, utcnow

SCORE_MIN, SCORE_MAX = 1, 5


class Call(Model):
    """One edition's call for proposals, with its review and decision phases."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="open_before_close"),
        CheckConstraint("reviewing_ends_on >= reviewing_starts_on", name="reviewing_in_order"),
        CheckConstraint("deciding_ends_on >= deciding_starts_on", name="deciding_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), unique=True
    )
    guidance: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewing_starts_on: Mapped[date] = mapped_column(Date)
    reviewing_ends_on: Mapped[date] = mapped_column(Date)
    deciding_starts_on: Mapped[date] = mapped_column(Date)
    deciding_ends_on: Mapped[date] = mapped_column(Date)
    # A decision stands only once a co-producer and an organiser have both agreed to it.
    shared_decisions: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Criterion(Model):
    """Something the panel scores every proposal on, from 1 to 5, with a weight."""

    __tablename__ = "criteria"
    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 10", name="weight_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(300), default="")
    weight: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProposalStatus(LabelledEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    HELD = "held"

    @property
    def label(self) -> str:
        return {
            "submitted": "Submitted: with the review panel",
            "withdrawn": "Withdrawn",
            "accepted": "Accepted",
            "rejected": "Not accepted",
            "held": "On hold",
        }[self.value]


class LivedExperience(LabelledEnum):
    """Whether the proposer said the proposal comes from people with lived experience."""

    YES = "yes"
    NO = "no"
    PREFER_NOT = "prefer_not"

    @property
    def label(self) -> str:
        return {
            "yes": "Yes",
            "no": "No",
            "prefer_not": "Prefer not to say",
        }[self.value]


class CoProposerStatus(LabelledEnum):
    """Where a co-proposer's invitation stands: only the first answer counts."""

    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Proposal(Model):
    __tablename__ = "proposals"
    __table_args__ = (CheckConstraint("length_minutes BETWEEN 15 AND 480", name="length_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    proposer_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20))
    length_minutes: Mapped[int] = mapped_column(Integer)
    lived_experience_involvement: Mapped[str] = mapped_column(Text)
    lived_experience: Mapped[str] = mapped_column(String(20), default=LivedExperience.PREFER_NOT)
    access_needs: Mapped[str] = mapped_column(Text, default="")
    # [{"starts": iso, "ends": iso}] in UTC: when the presenters cannot present.
    unavailable: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.SUBMITTED)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CoProposer(Model):
    """Someone invited by email to be named on a proposal; they confirm with a one-time link."""

    __tablename__ = "co_proposers"
    __table_args__ = (UniqueConstraint("proposal_id", "email", name="once_per_proposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=CoProposerStatus.INVITED)
    # The invitation's secret, hashed: the link works once and cannot be guessed from the row.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Review(Model):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id", name="one_per_reviewer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # "lived_experience" (a co-producer) or "staff" (an organiser), as they were when reviewing.
    perspective: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Score(Model):
    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id", name="one_per_criterion"),
        CheckConstraint(f"value BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="value_in_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)


class Outcome(LabelledEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    HOLD = "hold"


class Decision(Model):
    """A proposed outcome with its rationale; it stands once agreed as the call requires."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    stands_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced: Mapped[bool] = mapped_column(Boolean, default=False)


class Agreement(Model):
    __tablename__ = "decision_agreements"
    __table_args__ = (UniqueConstraint("decision_id", "user_id", name="agreement_once_per_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    perspective: Mapped[str] = mapped_column(String(20))  # co_producer or organiser
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DraftSlot(Model):
    """Where the schedule draft puts an event (or that it cancels it), until a release
    publishes the draft. Nothing reaches the public programme or anyone's calendar before."""

    __tablename__ = "draft_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    track: Mapped[str] = mapped_column(String(100), default="")
    cancel: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReleaseStatus(LabelledEnum):
    """A release waits for sign-off, is published, or is outdated (the draft moved on, or a
    newer release replaced it) and can no longer be signed."""

    PENDING = "pending"
    PUBLISHED = "published"
    OUTDATED = "outdated"


class Release(Model):
    """A numbered publication of the schedule draft, with its change log. It is published once
    a co-producer and an organiser have both signed it off."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("edition_id", "number", name="one_number_per_edition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int | None] = mapped_column(Integer)  # given when published
    status: Mapped[str] = mapped_column(String(20), default=ReleaseStatus.PENDING)
    # [{"kind": added|moved|cancelled|changed, "event_id", "title", "before", "after"}]
    changes: Mapped[list] = mapped_column(JSON, default=list)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # The conflicts shown when it was prepared, as they read then (the record), and what
    # matches them later: [{"kind", "event_ids"}] (kind and sorted ids, not the words, so
    # retitling an event does not outdate the release).
    conflicts_overridden: Mapped[list] = mapped_column(JSON, default=list)
    overridden_keys: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    prepared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignOff(Model):
    __tablename__ = "release_sign_offs"
    __table_args__ = (UniqueConstraint("release_id", "user_id", name="sign_off_once_per_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    perspective: Mapped[str] = mapped_column(String(20))  # co_producer or organiser
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
