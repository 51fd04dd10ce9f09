"""Payment runs: what is payable, recording a run (all or nothing), and its summary and
file for the finance system."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import Select, and_, exists, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import aliased

from cpweek import audit
from cpweek.auth.models import User
from cpweek.csvfiles import csv_text
from cpweek.extensions import db
from cpweek.money import pence_to_plain
from cpweek.programme import services as programme
from cpweek.reciprocity.models import (
    ContributorProfile,
    EntryKind,
    EntryStatus,
    LedgerEntry,
    PaymentMethod,
    PaymentRun,
)
from cpweek.reciprocity.services.balances import Oldest
from cpweek.reciprocity.services.contributors import refuse_own, require_organiser
from cpweek.reciprocity.services.errors import ReciprocityError, WrongStatus
from cpweek.timezones import local_date


@dataclass
class PayableEntry:
    entry: LedgerEntry
    contributor: User
    payee_reference: str
    days_waiting: int
    name: str = ""  # the contributor's preferred name, else their account's

    def __post_init__(self) -> None:
        self.name = self.name or self.contributor.name


def _with_payees() -> Select:
    """Entries with their contributor, payee reference and preferred name: what a payment
    run's lines show."""
    return (
        select(
            LedgerEntry,
            User,
            ContributorProfile.payee_reference,
            ContributorProfile.preferred_name,
        )
        .join(User, User.id == LedgerEntry.contributor_id)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
    )


def payable_entries(today: date | None = None) -> list[PayableEntry]:
    """Approved entries not yet paid, oldest approval first, with how long each has waited."""
    today = today or programme.today_in()
    rows = db.session.execute(
        _with_payees()
        .where(LedgerEntry.status == EntryStatus.APPROVED.value)
        .order_by(LedgerEntry.decided_at, LedgerEntry.id)
    ).all()
    return [
        PayableEntry(entry, person, reference or "", _days_since(entry, today), preferred or "")
        for entry, person, reference, preferred in rows
    ]


def _days_since(entry: LedgerEntry, today: date) -> int:
    # Approved entries always carry when they were approved; created_at only satisfies the type.
    approved_at = entry.decided_at or entry.created_at
    approved_on = local_date(approved_at, current_app.config["CPWEEK_TIMEZONE"])
    return max(0, (today - approved_on).days)


def _not_cancelled_out():
    """An approved, unpaid entry whose approved, unpaid reversal cancels it (and that reversal)
    is nothing to pay: both are left off the aged list."""
    reversal, original = aliased(LedgerEntry), aliased(LedgerEntry)
    return and_(
        ~exists().where(
            reversal.reverses_id == LedgerEntry.id,
            reversal.status == EntryStatus.APPROVED.value,
        ),
        ~exists().where(
            original.id == LedgerEntry.reverses_id,
            original.status == EntryStatus.APPROVED.value,
        ),
    )


def approved_not_paid(today: date | None = None, limit: int = 50) -> Oldest:
    """The "pay promptly" list: approved and unpaid, oldest approval first, with the days each
    has waited; the oldest `limit` of them and the count of all."""
    today = today or programme.today_in()
    # A negative entry (a paid amount corrected) is money to recover, not to pay.
    waiting = and_(
        LedgerEntry.status == EntryStatus.APPROVED.value,
        LedgerEntry.amount > 0,
        _not_cancelled_out(),
    )
    rows = db.session.execute(
        select(LedgerEntry, User, ContributorProfile.payee_reference)
        .join(User, User.id == LedgerEntry.contributor_id)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
        .where(waiting)
        .order_by(LedgerEntry.decided_at, LedgerEntry.id)
        .limit(limit)
    ).all()
    count = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(waiting))
    return Oldest(
        [PayableEntry(e, person, ref or "", _days_since(e, today)) for e, person, ref in rows],
        count or 0,
    )


@dataclass
class PaymentDetails:
    paid_on: date
    method: str
    reference: str


def record_payment_run(entry_ids: list[int], details: PaymentDetails, by: User) -> PaymentRun:
    """Mark approved entries paid in one run. All or nothing: an entry that is not approved
    (or was paid a moment ago by someone else) stops the whole run."""
    require_organiser(by)
    ids = sorted(set(entry_ids))
    if not ids:
        raise ReciprocityError("Choose at least one entry to pay", "entries")
    if details.method not in PaymentMethod._value2member_map_:
        raise ReciprocityError("Choose how it was paid", "method")
    if not details.reference.strip():
        raise ReciprocityError("Enter the finance system's reference for this payment", "reference")
    today = programme.today_in()
    if details.paid_on > today:
        raise ReciprocityError("The payment date cannot be in the future", "paid_on")
    entries = list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.id.in_(ids))))
    if len(entries) != len(ids):
        raise ReciprocityError("One of those entries does not exist", "entries")
    not_approved = [e for e in entries if e.status != EntryStatus.APPROVED]
    if not_approved:
        first = not_approved[0]
        raise WrongStatus(
            f"Entry {first.id} ({first.description}) is “{EntryStatus(first.status).label.lower()}”"
            ": only approved entries can be paid.",
            "entries",
        )
    refuse_own(entries, by)
    _check_pairs_paid_together(entries)
    net: dict[tuple[int, str], int] = defaultdict(int)
    for entry in entries:
        net[entry.contributor_id, entry.kind] += entry.amount
    if details.method == PaymentMethod.MONEY_RETURNED:
        if any(entry.amount > 0 for entry in entries):
            raise ReciprocityError(
                "Money returned settles corrections only: choose just the negative entries",
                "entries",
            )
    elif any(total < 0 for total in net.values()):
        raise ReciprocityError(
            "That run would pay someone a negative amount (a correction larger than what is "
            "paid with it). Pay the correction together with new entries, or, once the person "
            "has paid it back, record it with the method “Money returned”.",
            "entries",
        )
    if details.paid_on < today - timedelta(days=6 * 366):
        raise ReciprocityError("Enter a payment date in the last six years", "paid_on")
    run = PaymentRun(
        paid_on=details.paid_on,
        method=details.method,
        reference=details.reference.strip(),
        created_by_id=by.id,
    )
    db.session.add(run)
    db.session.flush()
    result = cast(
        CursorResult,
        db.session.execute(
            update(LedgerEntry)
            .where(LedgerEntry.id.in_(ids), LedgerEntry.status == EntryStatus.APPROVED.value)
            .values(status=EntryStatus.PAID.value, payment_run_id=run.id)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != len(ids):
        raise WrongStatus(
            "Some of those entries were paid or changed a moment ago. Nothing was recorded: "
            "check the list and try again.",
            "entries",
        )
    audit.record(
        by.id,
        "reciprocity.payment_run",
        "payment_run",
        run.id,
        after={
            "entries": ids,
            "paid_on": details.paid_on.isoformat(),
            "method": details.method,
            "reference": run.reference,
            "total_pence": sum(e.amount for e in entries if not EntryKind(e.kind).in_credits),
        },
    )
    for entry in entries:
        db.session.expire(entry)
    return run


def _check_pairs_paid_together(entries: list[LedgerEntry]) -> None:
    """An approved entry and its approved reversal cancel out: they are paid (closed) in the
    same run or not at all, so the original can never be paid on its own."""
    chosen = {entry.id for entry in entries}
    originals = [entry.reverses_id for entry in entries if entry.reverses_id is not None]
    open_pairs = list(
        db.session.execute(
            select(LedgerEntry.reverses_id, LedgerEntry.id).where(
                LedgerEntry.status == EntryStatus.APPROVED.value,
                LedgerEntry.reverses_id.in_(chosen),
            )
        ).all()
    ) + list(
        db.session.execute(
            select(LedgerEntry.id, LedgerEntry.id).where(
                LedgerEntry.status == EntryStatus.APPROVED.value, LedgerEntry.id.in_(originals)
            )
        ).all()
    )
    reversal_of = {entry.reverses_id: entry.id for entry in entries if entry.reverses_id}
    for original_id, other_id in open_pairs:
        reversal_id = other_id if other_id != original_id else reversal_of[original_id]
        if (original_id in chosen) != (reversal_id in chosen):
            raise ReciprocityError(
                f"Entries {original_id} and {reversal_id} cancel each other out (one corrects "
                "the other): choose both or neither.",
                "entries",
            )


def get_payment_run(run_id: int) -> PaymentRun | None:
    return db.session.get(PaymentRun, run_id)


def list_payment_runs() -> list[PaymentRun]:
    return list(db.session.scalars(select(PaymentRun).order_by(PaymentRun.id.desc())))


@dataclass
class RunLine:
    entry: LedgerEntry
    contributor: User
    payee_reference: str
    name: str  # the contributor's preferred name, else their account's


@dataclass
class PersonTotals:
    """What one person is paid in a run: the figures to check against one bank transfer."""

    contributor: User
    name: str
    payee_reference: str
    entries: int = 0
    by_kind: dict[EntryKind, int] = field(default_factory=dict)

    @property
    def money(self) -> int:
        """Fees, charity, vouchers and expenses together, in pence (time credits are not money)."""
        return sum(amount for kind, amount in self.by_kind.items() if not kind.in_credits)


@dataclass
class PaymentSummary:
    """The number of entries and the totals of a payment run (about to be recorded, or
    recorded), per kind and per person, so the organiser can check them against the payment
    itself. Kinds are kept apart; "money" adds the ones paid in pounds."""

    entries: int
    by_kind: dict[EntryKind, int]
    people: list[PersonTotals]

    @property
    def money(self) -> int:
        return sum(amount for kind, amount in self.by_kind.items() if not kind.in_credits)

    @property
    def kinds(self) -> list[EntryKind]:
        """The kinds in the run, in the ledger's order."""
        return [kind for kind in EntryKind if kind in self.by_kind]

    @property
    def money_kinds(self) -> int:
        return sum(1 for kind in self.by_kind if not kind.in_credits)


def payment_summary(lines: list[PayableEntry] | list[RunLine]) -> PaymentSummary:
    """Count and add up the lines of a run: for everyone, and per person (by name). A
    correction paid in the same run counts as a line and takes its amount off."""
    by_kind: dict[EntryKind, int] = {}
    people: dict[int, PersonTotals] = {}
    for line in lines:
        entry, kind = line.entry, EntryKind(line.entry.kind)
        person = people.get(entry.contributor_id)
        if person is None:
            person = people[entry.contributor_id] = PersonTotals(
                line.contributor, line.name, line.payee_reference
            )
        person.entries += 1
        person.by_kind[kind] = person.by_kind.get(kind, 0) + entry.amount
        by_kind[kind] = by_kind.get(kind, 0) + entry.amount
    ordered = sorted(people.values(), key=lambda p: (p.name.lower(), p.contributor.id))
    return PaymentSummary(sum(p.entries for p in ordered), by_kind, ordered)


def payment_run_lines(run: PaymentRun) -> list[RunLine]:
    """The entries a run paid, by contributor, with their payee references: one query."""
    return [
        RunLine(entry, person, reference or "", preferred or person.name)
        for entry, person, reference, preferred in db.session.execute(
            _with_payees()
            .where(LedgerEntry.payment_run_id == run.id)
            .order_by(func.lower(User.name), LedgerEntry.id)
        )
    ]


def payment_run_csv(run: PaymentRun) -> str:
    """One line per entry for the finance system: who (by payee reference), what, how much."""
    rows: list[list[object]] = [
        [
            "payment_run",
            "paid_on",
            "method",
            "reference",
            "payee_reference",
            "contributor",
            "entry",
            "activity_date",
            "kind",
            "description",
            "amount_gbp",
            "time_credits",
        ]
    ]
    for line in payment_run_lines(run):
        entry = line.entry
        credits = EntryKind(entry.kind).in_credits
        rows.append(
            [
                run.id,
                run.paid_on.isoformat(),
                run.method,
                run.reference,
                line.payee_reference,
                line.name,
                entry.id,
                entry.occurred_on.isoformat(),
                entry.kind,
                entry.description,
                "" if credits else pence_to_plain(entry.amount),
                pence_to_plain(entry.amount) if credits else "",  # hundredths: same digits,
            ]
        )
    return csv_text(rows)
