"""An entry's workflow: approve, query, answer, reject, withdraw, reverse.

Statuses move by a conditional UPDATE that fails if someone else moved the entry first
(ledger rows are never locked with an UPDATE: the append-only trigger would refuse one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.reciprocity.models import (
    APPROVED_STATUSES,
    CLOSED_STATUSES,
    OWED_STATUSES,
    Activity,
    EntryQuery,
    EntryStatus,
    ExpenseClaim,
    Involvement,
    LedgerEntry,
    PaymentRun,
    Receipt,
)
from cpweek.reciprocity.services.contributors import (
    refuse_own,
    require_organiser,
    require_self_or_organiser,
)
from cpweek.reciprocity.services.errors import (
    ReciprocityError,
    WarningsNotAcknowledged,
    WrongStatus,
)
from cpweek.reciprocity.services.warnings import GuidanceText, record_seen, warnings_for
from cpweek.timezones import utcnow


def get_entry(entry_id: int) -> LedgerEntry | None:
    return db.session.get(LedgerEntry, entry_id)


@dataclass
class EntryView:
    entry: LedgerEntry
    contributor: User
    involvement: Involvement | None
    activity: Activity | None
    event: Event | None
    expense: ExpenseClaim | None
    receipts: list[Receipt]
    queries: list[EntryQuery]
    reverses: LedgerEntry | None
    reversed_by: LedgerEntry | None
    payment: PaymentRun | None
    decided_by: User | None
    warnings: list[GuidanceText]

    @property
    def is_open(self) -> bool:
        """Still waiting for a decision: it can be rejected, or withdrawn by its owner."""
        return self.entry.status in OWED_STATUSES

    @property
    def takes_receipts(self) -> bool:
        return self.expense is not None and self.entry.status not in CLOSED_STATUSES

    @property
    def can_reverse(self) -> bool:
        """What `reverse` accepts: approved or paid, not a reversal, not reversed already."""
        return (
            self.entry.status in APPROVED_STATUSES
            and not self.entry.is_reversal
            and self.reversed_by is None
        )


def entry_view(entry: LedgerEntry) -> EntryView:
    involvement = (
        db.session.get(Involvement, entry.involvement_id) if entry.involvement_id else None
    )
    expense = db.session.get(ExpenseClaim, entry.expense_id) if entry.expense_id else None
    related = involvement or expense
    event_id = related.event_id if related else None
    return EntryView(
        entry=entry,
        contributor=db.session.get_one(User, entry.contributor_id),
        involvement=involvement,
        activity=db.session.get(Activity, involvement.activity_id) if involvement else None,
        event=programme.get_event(event_id) if event_id else None,
        expense=expense,
        receipts=list(
            db.session.scalars(
                select(Receipt).where(Receipt.expense_id == expense.id).order_by(Receipt.id)
            )
        )
        if expense
        else [],
        queries=list(
            db.session.scalars(
                select(EntryQuery).where(EntryQuery.entry_id == entry.id).order_by(EntryQuery.id)
            )
        ),
        reverses=db.session.get(LedgerEntry, entry.reverses_id) if entry.reverses_id else None,
        reversed_by=db.session.scalar(
            select(LedgerEntry).where(LedgerEntry.reverses_id == entry.id)
        ),
        payment=db.session.get(PaymentRun, entry.payment_run_id) if entry.payment_run_id else None,
        decided_by=db.session.get(User, entry.decided_by_id) if entry.decided_by_id else None,
        warnings=warnings_for(entry),
    )


def entries_for(contributor_id: int) -> list[LedgerEntry]:
    return list(
        db.session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.contributor_id == contributor_id)
            .order_by(LedgerEntry.occurred_on.desc(), LedgerEntry.id.desc())
        )
    )


def _move(entry: LedgerEntry, allowed: tuple[EntryStatus, ...], to: EntryStatus, **values):
    """Move an entry's status, only if it is still in one of `allowed` (checked in the UPDATE
    itself, so two organisers clicking at once cannot both succeed)."""
    before = entry.status
    result = cast(
        CursorResult,
        db.session.execute(
            update(LedgerEntry)
            .where(LedgerEntry.id == entry.id, LedgerEntry.status.in_([s.value for s in allowed]))
            .values(status=to.value, **values)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        db.session.refresh(entry)
        raise WrongStatus(_status_refusal(entry, to))
    db.session.expire(entry)
    return before


def _record_move(by: User, action: str, entry: LedgerEntry, before: str, to: EntryStatus, **after):
    audit.record(
        by.id,
        f"reciprocity.{action}",
        "ledger_entry",
        entry.id,
        before={"status": before},
        after={"status": to.value, **after},
    )


def _status_refusal(entry: LedgerEntry, wanted: EntryStatus) -> str:
    status = EntryStatus(entry.status)
    verbs = {
        EntryStatus.APPROVED: "approved",
        EntryStatus.PAID: "paid",
        EntryStatus.REJECTED: "rejected",
        EntryStatus.WITHDRAWN: "withdrawn",
        EntryStatus.QUERIED: "queried",
        EntryStatus.PENDING: "answered",
    }
    if status == wanted:
        who = db.session.get(User, entry.decided_by_id) if entry.decided_by_id else None
        return f"This entry is already {verbs[status]}" + (f" (by {who.name})." if who else ".")
    if wanted == EntryStatus.PAID:
        return f"Only approved entries can be paid; this one is “{status.label.lower()}”."
    return f"This entry is “{status.label.lower()}”, so it cannot be {verbs[wanted]} now."


def approve(entry: LedgerEntry, by: User, *, warnings_acknowledged: bool = False) -> None:
    """Approve an entry, which locks it. With warnings, the organiser must say they have read
    them, and that is recorded."""
    require_organiser(by)
    refuse_own([entry], by)
    codes = [text.code for text in warnings_for(entry)]
    if entry.status == EntryStatus.PENDING and codes and not warnings_acknowledged:
        raise WarningsNotAcknowledged(
            "Read the warnings and tick the box to say you have, before approving",
            "acknowledge",
        )
    before = _move(
        entry,
        (EntryStatus.PENDING,),
        EntryStatus.APPROVED,
        decided_by_id=by.id,
        decided_at=utcnow(),
    )
    record_seen(entry, codes, by)
    _record_move(by, "entry_approved", entry, before, EntryStatus.APPROVED, warnings_seen=codes)


def query_entry(entry: LedgerEntry, question: str, by: User) -> EntryQuery:
    require_organiser(by)
    refuse_own([entry], by)
    if not question.strip():
        raise ReciprocityError("Write the question for the contributor", "question")
    before = _move(entry, (EntryStatus.PENDING,), EntryStatus.QUERIED)
    asked = EntryQuery(entry_id=entry.id, question=question.strip(), asked_by_id=by.id)
    db.session.add(asked)
    db.session.flush()
    _record_move(by, "entry_queried", entry, before, EntryStatus.QUERIED, question=asked.question)
    return asked


def answer_query(entry: LedgerEntry, answer: str, by: User) -> None:
    """The contributor answers the open question; the entry goes back for approval."""
    require_self_or_organiser(entry.contributor_id, by)
    if not answer.strip():
        raise ReciprocityError("Write your answer", "answer")
    open_query = db.session.scalar(
        select(EntryQuery)
        .where(EntryQuery.entry_id == entry.id, EntryQuery.answered_at.is_(None))
        .order_by(EntryQuery.id.desc())
    )
    before = _move(entry, (EntryStatus.QUERIED,), EntryStatus.PENDING)
    if open_query is not None:
        open_query.answer = answer.strip()
        open_query.answered_by_id = by.id
        open_query.answered_at = utcnow()
    _record_move(by, "query_answered", entry, before, EntryStatus.PENDING, answer=answer.strip())


def reject(entry: LedgerEntry, reason: str, by: User) -> None:
    require_organiser(by)
    refuse_own([entry], by)
    if not reason.strip():
        raise ReciprocityError("Give the reason, which the contributor will see", "reason")
    before = _move(
        entry,
        OWED_STATUSES,
        EntryStatus.REJECTED,
        decided_by_id=by.id,
        decided_at=utcnow(),
        reason=reason.strip(),
    )
    _record_move(by, "entry_rejected", entry, before, EntryStatus.REJECTED, reason=reason.strip())


def withdraw(entry: LedgerEntry, by: User) -> None:
    """The contributor takes back an entry nobody has approved yet (to log it again, say)."""
    if by.id != entry.contributor_id:
        raise ReciprocityError("Only the contributor can withdraw their entry")
    before = _move(entry, OWED_STATUSES, EntryStatus.WITHDRAWN)
    _record_move(by, "entry_withdrawn", entry, before, EntryStatus.WITHDRAWN)


def reverse(entry: LedgerEntry, reason: str, by: User) -> LedgerEntry:
    """Correct an approved or paid entry with an equal and opposite one, approved at once.
    The original is untouched; both stay on every statement."""
    require_organiser(by)
    refuse_own([entry], by)
    if entry.is_reversal:
        raise WrongStatus("A reversal cannot itself be reversed. Log a new entry instead.")
    if entry.status not in APPROVED_STATUSES:
        raise WrongStatus(
            "Only approved or paid entries are reversed; reject or withdraw this one instead."
        )
    if not reason.strip():
        raise ReciprocityError("Give the reason for the correction", "reason")
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry.id)):
        raise WrongStatus("This entry has already been reversed.")
    reversal = LedgerEntry(
        contributor_id=entry.contributor_id,
        kind=entry.kind,
        amount=-entry.amount,
        occurred_on=entry.occurred_on,
        description=f"Correction of entry {entry.id}: {entry.description}"[:300],
        reverses_id=entry.id,
        reason=reason.strip(),
        status=EntryStatus.APPROVED.value,
        created_by_id=by.id,
        decided_by_id=by.id,
        decided_at=utcnow(),
    )
    db.session.add(reversal)
    try:
        db.session.flush()
    except IntegrityError:
        # Reversed by someone else a moment ago: the failed flush leaves the session unusable,
        # and the request is refused anyway.
        db.session.rollback()
        raise WrongStatus("This entry has already been reversed.") from None
    audit.record(
        by.id,
        "reciprocity.entry_reversed",
        "ledger_entry",
        entry.id,
        before={"status": entry.status},
        after={"reversal_id": reversal.id, "amount": reversal.amount, "reason": reversal.reason},
    )
    return reversal
