"""The reciprocity ledger: contributor profiles, rates, involvement, ledger entries and what
happens to them (queries, warnings seen, payment runs), expenses with receipts, recognition.

The ledger is append-only. An entry's amount, kind and owner never change after it is written
(a listener below refuses it); its status moves forward only, by conditional updates in the
services; a correction is a new reversing entry.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import InstanceState, Mapped, mapped_column

from cpweek.errors import DomainError
from cpweek.extensions import Model
from cpweek.programme.models import LabelledEnum
from cpweek.timezones import UTCDateTime, utcnow


class RecognitionPreference(LabelledEnum):
    """How a contributor would like to be recognised, by default."""

    PAYMENT = "payment"
    VOUCHERS = "vouchers"
    TIME_CREDITS = "time_credits"
    RECOGNITION_ONLY = "recognition_only"
    DECLINE = "decline"

    @property
    def label(self) -> str:
        return {
            "payment": "A payment (fee)",
            "vouchers": "Vouchers",
            "time_credits": "Time credits (1 hour = 1 credit)",
            "recognition_only": "Recognition only (certificate, credit, reference), no payment",
            "decline": "Nothing: I prefer to decline payment and recognition",
        }[self.value]


class PublicCredit(LabelledEnum):
    """How a contributor may be credited in public."""

    NAME = "name"
    PSEUDONYM = "pseudonym"
    ANONYMOUS = "anonymous"
    DECLINED = "declined"  # named nowhere in public: not even anonymously

    @property
    def label(self) -> str:
        return {
            "name": "By my name",
            "pseudonym": "By a name I choose (a pseudonym)",
            "anonymous": "Anonymously (“a contributor with lived experience”)",
            "declined": "Please do not credit me in public",
        }[self.value]


ANONYMOUS_CREDIT = "A contributor with lived experience"


class ContributorProfile(Model):
    """What a contributor tells us about being paid and credited. No bank details: the finance
    system holds those, keyed by the payee reference."""

    __tablename__ = "contributor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    preferred_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    preference: Mapped[str] = mapped_column(String(20), default=RecognitionPreference.PAYMENT)
    benefits_guidance: Mapped[bool] = mapped_column(Boolean, default=False)
    public_sector_employee: Mapped[bool] = mapped_column(Boolean, default=False)
    public_credit: Mapped[str] = mapped_column(String(20), default=PublicCredit.NAME)
    pseudonym: Mapped[str] = mapped_column(String(100), default="")
    payee_reference: Mapped[str] = mapped_column(String(60), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def credited_in_public(self) -> bool:
        """False for someone who asked not to be credited in public at all: every public list
        of names leaves them out (events, evidence reviews, resources)."""
        return self.public_credit != PublicCredit.DECLINED

    @property
    def credit_name(self) -> str:
        """The name to show in public, as the person chose (check `credited_in_public` first:
        someone who declined has no public name)."""
        if self.public_credit == PublicCredit.PSEUDONYM and self.pseudonym:
            return self.pseudonym
        if self.public_credit == PublicCredit.NAME:
            return self.preferred_name
        return ANONYMOUS_CREDIT


class RateUnit(LabelledEnum):
    HOUR = "hour"
    HALF_DAY = "half_day"
    DAY = "day"
    FIXED = "fixed"

    @property
    def label(self) -> str:
        return {"hour": "an hour", "half_day": "a half day", "day": "a day", "fixed": "fixed"}[
            self.value
        ]

    @property
    def counted_in(self) -> str:
        return {"hour": "hours", "half_day": "half days", "day": "days", "fixed": "times"}[
            self.value
        ]


class Activity(Model):
    """Something a contributor can be paid for: attending a meeting, speaking, ..."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Offered first when a contributor confirms an event they hosted.
    for_hosting: Mapped[bool] = mapped_column(Boolean, default=False)


class Rate(Model):
    """What an activity pays from a date (to a date, or until further notice)."""

    __tablename__ = "rates"
    __table_args__ = (
        CheckConstraint("pence > 0", name="positive"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
        Index("ix_rates_activity_starts", "activity_id", "starts_on", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="RESTRICT"))
    unit: Mapped[str] = mapped_column(String(20))
    pence: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    # Loaded by seed-demo: shown as "example: confirm before use" until an organiser confirms.
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Choice(LabelledEnum):
    """What the contributor chose to receive for one activity."""

    FEE = "fee"
    LESS = "less"
    DECLINE = "decline"
    VOUCHERS = "vouchers"
    TIME_CREDITS = "time_credits"
    CHARITY = "charity"

    @property
    def label(self) -> str:
        return {
            "fee": "Take the fee",
            "less": "Take a smaller amount",
            "decline": "Decline payment",
            "vouchers": "Take vouchers instead",
            "time_credits": "Take time credits instead (1 hour = 1 credit)",
            "charity": "Give the fee to a charity",
        }[self.value]


class Involvement(Model):
    """One activity a contributor did, with the rate that applied and what they chose."""

    __tablename__ = "involvements"
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_in_range"),
        CheckConstraint("units > 0", name="positive_units"),
        CheckConstraint("offered_pence >= 0", name="offer_not_negative"),
        Index("ix_involvements_contributor_on", "contributor_id", "activity_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="RESTRICT"))
    activity_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    units: Mapped[int] = mapped_column(Integer, default=1)
    # The rate as it stood: a later change of rate never reaches back to this row.
    rate_id: Mapped[int | None] = mapped_column(ForeignKey("rates.id", ondelete="SET NULL"))
    rate_pence: Mapped[int] = mapped_column(Integer, default=0)
    rate_unit: Mapped[str] = mapped_column(String(20), default="")
    offered_pence: Mapped[int] = mapped_column(Integer, default=0)
    choice: Mapped[str] = mapped_column(String(20))
    charity: Mapped[str] = mapped_column(String(200), default="")
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    related_to: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # The prompt it was logged from ("call:12", "evidence-suggestion:7"; services/prompts.py),
    # so a prompt is known as logged by this key, never by the words of `related_to`.
    prompt_key: Mapped[str] = mapped_column(String(60), default="", server_default="")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def logged_for_them(self) -> bool:
        return self.logged_by_id != self.contributor_id


class EntryKind(LabelledEnum):
    """Kept apart, never netted off (shared DOMAIN.md): fees are income, expenses are not."""

    FEE = "fee"
    CHARITY = "charity"
    VOUCHER = "voucher"
    TIME_CREDIT = "time_credit"
    EXPENSE = "expense"

    @property
    def label(self) -> str:
        return {
            "fee": "Fees",
            "charity": "Fees given to charity at your request",
            "voucher": "Vouchers",
            "time_credit": "Time credits",
            "expense": "Expenses",
        }[self.value]

    @property
    def in_credits(self) -> bool:
        """Time credits are counted in hundredths of a credit, everything else in pence."""
        return self is EntryKind.TIME_CREDIT


class EntryStatus(LabelledEnum):
    PENDING = "pending"  # waiting for an organiser
    QUERIED = "queried"  # an organiser asked a question; waiting for the contributor
    APPROVED = "approved"  # locked; waiting to be paid
    PAID = "paid"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "pending": "Waiting for approval",
            "queried": "Question asked",
            "approved": "Approved, not yet paid",
            "paid": "Paid",
            "rejected": "Not approved",
            "withdrawn": "Withdrawn",
        }[self.value]


OWED_STATUSES = (EntryStatus.PENDING, EntryStatus.QUERIED)
APPROVED_STATUSES = (EntryStatus.APPROVED, EntryStatus.PAID)  # approved, and perhaps paid since
CLOSED_STATUSES = (EntryStatus.REJECTED, EntryStatus.WITHDRAWN)


class ExpenseCategory(LabelledEnum):
    TRAVEL = "travel"
    CARE_COVER = "care_cover"
    PERSONAL_ASSISTANT = "personal_assistant"
    CHILDCARE = "childcare"
    OTHER = "other"


class ExpenseClaim(Model):
    """A cost a contributor paid (or will pay: `in_advance`) to take part. Not income."""

    __tablename__ = "expense_claims"
    __table_args__ = (CheckConstraint("pence > 0", name="positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    category: Mapped[str] = mapped_column(String(30))
    spent_on: Mapped[date] = mapped_column(Date)
    pence: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300))
    in_advance: Mapped[bool] = mapped_column(Boolean, default=False)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Receipt(Model):
    """An uploaded receipt, kept in the database (so every web server and backup has it), never
    under static/. The bytes load only when someone downloads it."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    expense_id: Mapped[int] = mapped_column(
        ForeignKey("expense_claims.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PaymentMethod(LabelledEnum):
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    CHEQUE = "cheque"
    VOUCHERS_ISSUED = "vouchers_issued"
    TIME_CREDITS_ISSUED = "time_credits_issued"
    MONEY_RETURNED = "money_returned"  # a contributor paid back an overpayment
    OTHER = "other"


class PaymentRun(Model):
    """One payment made to many entries at once (a finance system's batch)."""

    __tablename__ = "payment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    paid_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerEntry(Model):
    """One line of the ledger: an amount owed to a contributor, of one kind.

    `amount` is pence, or hundredths of a credit for time credits. A reversal carries the
    negative amount and points at the entry it reverses (once: the index is unique).
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(
            "(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)",
            name="sign_matches_kind",
        ),
        Index("ix_ledger_entries_reverses", "reverses_id", unique=True),
        Index("ix_ledger_entries_contributor_on", "contributor_id", "occurred_on"),
        Index("ix_ledger_entries_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Integer)
    occurred_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(300))
    involvement_id: Mapped[int | None] = mapped_column(
        ForeignKey("involvements.id", ondelete="RESTRICT"), index=True
    )
    expense_id: Mapped[int | None] = mapped_column(
        ForeignKey("expense_claims.id", ondelete="RESTRICT"), index=True
    )
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_entries.id", ondelete="RESTRICT")
    )
    reason: Mapped[str] = mapped_column(Text, default="")  # a reversal's or rejection's reason
    status: Mapped[str] = mapped_column(String(20), default=EntryStatus.PENDING)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payment_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_runs.id", ondelete="RESTRICT"), index=True
    )

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def kind_enum(self) -> EntryKind:
        return EntryKind(self.kind)

    @property
    def status_enum(self) -> EntryStatus:
        return EntryStatus(self.status)


IMMUTABLE_ENTRY_COLUMNS = (
    "contributor_id",
    "kind",
    "amount",
    "occurred_on",
    "involvement_id",
    "expense_id",
    "reverses_id",
    "created_by_id",
    "created_at",
)


class LedgerLocked(DomainError):
    pass


@event.listens_for(LedgerEntry, "before_update")
def _refuse_rewriting_an_entry(mapper, connection, target: LedgerEntry) -> None:
    """The ledger is append-only: a written amount is corrected by a reversal, never edited."""
    state: InstanceState[LedgerEntry] = inspect(target)
    changed = [name for name in IMMUTABLE_ENTRY_COLUMNS if state.attrs[name].history.has_changes()]
    if changed:
        raise LedgerLocked(
            "A ledger entry cannot be changed once written; record a reversal instead "
            f"(tried to change {', '.join(changed)})."
        )


class EntryQuery(Model):
    """An organiser's question about an entry, and the contributor's answer."""

    __tablename__ = "entry_queries"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_entries.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WarningSeen(Model):
    """Who was shown which warning about an entry, and when: approving anyway is on record."""

    __tablename__ = "warnings_seen"
    __table_args__ = (UniqueConstraint("entry_id", "code", "user_id", name="once_per_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_entries.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    as_organiser: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Guidance(Model):
    """The wording and link of one warning, as edited by organisers (defaults live in code)."""

    __tablename__ = "guidance"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link_text: Mapped[str] = mapped_column(String(200), default="")
    link_url: Mapped[str] = mapped_column(String(500), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RecognitionKind(LabelledEnum):
    CERTIFICATE = "certificate"
    CREDIT = "credit"
    REFERENCE = "reference"
    TRAINING = "training"
    THANK_YOU = "thank_you"

    @property
    def label(self) -> str:
        return {
            "certificate": "Certificate",
            "credit": "Credit on an event or resource",
            "reference": "Reference",
            "training": "Training",
            "thank_you": "Thank you / “you said, we did”",
        }[self.value]


class Recognition(Model):
    __tablename__ = "recognitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HostingPromptDismissed(Model):
    """A contributor said an event they hosted needs no involvement entry."""

    __tablename__ = "hosting_prompts_dismissed"
    __table_args__ = (UniqueConstraint("user_id", "event_id", name="once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
