"""Equality monitoring, kept apart from identity.

An `EqualityResponse` knows only the edition, the stage (registering, proposing, contributing),
the month it was given, and one option code per question (NULL: skipped). Nothing in it, or in
`EqualityInvitation`, names a person, a registration, a proposal, an email address, an IP
address or a session, and neither table has a foreign key to any such table: no query can join
an answer back to a person (tests/reports/test_monitoring_apart.py checks the schema).

- The key is a random UUID4, never a sequence: consecutive integers would line responses up
  with the registrations made at the same moments.
- The time is the month only (a date on the 1st): a week is too narrow when a week's
  registrations come in a few bursts, and an exact timestamp could be matched against the
  registration's. No created_at or updated_at.
- On SQLite both tables are WITHOUT ROWID, so the rows are stored in key order (random), not in
  the order they were written; there is no hidden rowid counting insertions. PostgreSQL's heap
  keeps rows roughly in insertion order and stamps each with its transaction (xmin): see
  `services.monitoring.reshuffle` for what undoes that.

An invitation is single-use: its token is kept only as a SHA-256 hash, with the edition, the
stage and the last day it works. Answering (or skipping) deletes it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cpweek.extensions import Model
from cpweek.programme.models import LabelledEnum
from cpweek.reports.questions import QUESTIONS


class Stage(LabelledEnum):
    """The moments a person is asked, in the order a person goes through them (the order of the
    "who takes part" table's columns). Answers carry no identity, so a later stage cannot be
    found by joining: each is asked when a person reaches it. The stored values of the first
    three never change (existing rows use them)."""

    REGISTRATION = "registration"  # registered for an event
    ATTENDED = "attended"  # came: asked after sending their first feedback of the edition
    PROPOSAL = "proposal"  # proposed a session
    ACCEPTED = "accepted"  # a proposal of theirs was accepted
    CONTRIBUTOR = "contributor"  # became a contributor (first saved their profile)
    PAID = "paid"  # a contributor with a payment recorded

    @property
    def label(self) -> str:
        return {
            "registration": "Registering for an event",
            "attended": "Coming to an event",
            "proposal": "Proposing a session",
            "accepted": "Having a proposal accepted",
            "contributor": "Contributing",
            "paid": "Being paid as a contributor",
        }[self.value]

    @property
    def heading(self) -> str:
        """The short column heading of the "who takes part" table."""
        return {
            "registration": "Registered",
            "attended": "Attended",
            "proposal": "Proposed",
            "accepted": "Accepted",
            "contributor": "Contributors",
            "paid": "Contributors paid",
        }[self.value]


# SQLite: rows stored in key order, with no hidden rowid counting insertions.
WITHOUT_ROWID = {"sqlite_with_rowid": False}
ANSWER_LENGTH = 40  # the longest option code is 27 characters


def _answer() -> Mapped[str | None]:
    return mapped_column(String(ANSWER_LENGTH), nullable=True)


class EqualityResponse(Model):
    """One person's answers at one stage of one edition, and nothing that says whose."""

    __tablename__ = "equality_responses"
    __table_args__ = WITHOUT_ROWID

    key: Mapped[str] = mapped_column(String(36), primary_key=True)  # a random UUID4
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    month: Mapped[date] = mapped_column(Date)  # the 1st of the month it was answered in
    # One column per question (questions.QUESTIONS, same keys): the option's code, or NULL.
    ethnic_group: Mapped[str | None] = _answer()
    long_condition: Mapped[str | None] = _answer()
    condition_reduces: Mapped[str | None] = _answer()
    sex: Mapped[str | None] = _answer()
    gender_same: Mapped[str | None] = _answer()
    age_band: Mapped[str | None] = _answer()
    sexual_orientation: Mapped[str | None] = _answer()
    unpaid_care: Mapped[str | None] = _answer()
    draws_on_care: Mapped[str | None] = _answer()
    region: Mapped[str | None] = _answer()


ANSWER_COLUMNS = tuple(question.key for question in QUESTIONS)


class EqualityInvitation(Model):
    """A single-use invitation to answer: the token's SHA-256 hash, and where it counts."""

    __tablename__ = "equality_invitations"
    __table_args__ = WITHOUT_ROWID

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    expires_on: Mapped[date] = mapped_column(Date)  # the last day the link works


class PopulationShare(Model):
    """The share of a population in one group of a characteristic (Census 2021), which
    organisers keep up to date, with its source. `per_mille` is tenths of a per cent (81.7 %
    is 817): whole numbers, no float error. NULL: not yet entered (the page then says "no
    population figure", never a guess). `source` names the population compared with (England,
    or England and Wales), and the page shows it."""

    __tablename__ = "population_shares"
    __table_args__ = (
        UniqueConstraint("question", "category"),
        CheckConstraint(
            "per_mille IS NULL OR (per_mille >= 0 AND per_mille <= 1000)", name="per_mille_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(40))  # a question's key
    category: Mapped[str] = mapped_column(String(40))  # a row of the table (services.stages)
    per_mille: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)
