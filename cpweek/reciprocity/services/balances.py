"""Balances: owed, approved and paid per kind, summed from the entries, never stored; and
the organisers' list of entries waiting for a decision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.money import TaxYear
from cpweek.reciprocity.models import (
    OWED_STATUSES,
    ContributorProfile,
    EntryKind,
    EntryStatus,
    LedgerEntry,
)

MONEY_KINDS = (EntryKind.FEE, EntryKind.CHARITY, EntryKind.VOUCHER, EntryKind.EXPENSE)


@dataclass
class Oldest:
    """The oldest few of a long list, with how many there are in all."""

    items: list
    count: int


@dataclass
class Buckets:
    owed: int = 0  # waiting for approval (or for an answer to a question)
    approved: int = 0  # approved, not yet paid
    paid: int = 0

    @property
    def total(self) -> int:
        return self.owed + self.approved + self.paid


def bucket_of(status: str) -> str | None:
    if status in OWED_STATUSES:
        return "owed"
    if status == EntryStatus.APPROVED:
        return "approved"
    if status == EntryStatus.PAID:
        return "paid"
    return None


def year_filter(year: TaxYear | None):
    if year is None:
        return True
    return LedgerEntry.occurred_on.between(year.starts_on, year.ends_on)


def balances(contributor_id: int, year: TaxYear | None = None) -> dict[EntryKind, Buckets]:
    """Owed, approved and paid per kind: sums of the ledger's entries, in one query."""
    totals = {kind: Buckets() for kind in EntryKind}
    rows = db.session.execute(
        select(LedgerEntry.kind, LedgerEntry.status, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.contributor_id == contributor_id, year_filter(year))
        .group_by(LedgerEntry.kind, LedgerEntry.status)
    )
    for kind, status, amount in rows:
        bucket = bucket_of(status)
        if bucket:
            setattr(
                totals[EntryKind(kind)], bucket, getattr(totals[EntryKind(kind)], bucket) + amount
            )
    return totals


def money_owed(contributor_id: int) -> Buckets:
    """Fees, charity, vouchers and expenses waiting and approved-unpaid, in every tax year."""
    totals = balances(contributor_id)
    return Buckets(
        sum(totals[kind].owed for kind in MONEY_KINDS),
        sum(totals[kind].approved for kind in MONEY_KINDS),
        sum(totals[kind].paid for kind in MONEY_KINDS),
    )


@dataclass
class ContributorBalance:
    person: User
    payee_reference: str
    totals: dict[EntryKind, Buckets]

    @property
    def credits(self) -> Buckets:
        return self.totals[EntryKind.TIME_CREDIT]

    @property
    def money(self) -> Buckets:
        """Fees, charity, vouchers and expenses together: what the finance team pays."""
        return Buckets(
            *(
                sum(getattr(self.totals[kind], bucket) for kind in MONEY_KINDS)
                for bucket in ("owed", "approved", "paid")
            )
        )


def all_balances(year: TaxYear | None = None) -> list[ContributorBalance]:
    """Every contributor with entries (in the year), with their balances: two queries."""
    amount = LedgerEntry.amount
    sums = [
        func.sum(case((LedgerEntry.status.in_([s.value for s in statuses]), amount), else_=0))
        for statuses in (OWED_STATUSES, (EntryStatus.APPROVED,), (EntryStatus.PAID,))
    ]
    rows = db.session.execute(
        select(LedgerEntry.contributor_id, LedgerEntry.kind, *sums)
        .where(year_filter(year))
        .group_by(LedgerEntry.contributor_id, LedgerEntry.kind)
    ).all()
    by_person: dict[int, dict[EntryKind, Buckets]] = {}
    for person_id, kind, owed, approved, paid in rows:
        totals = by_person.setdefault(person_id, {k: Buckets() for k in EntryKind})
        totals[EntryKind(kind)] = Buckets(owed or 0, approved or 0, paid or 0)
    if not by_person:
        return []
    people = db.session.execute(
        select(User, ContributorProfile.payee_reference)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
        .where(User.id.in_(by_person))
        .order_by(func.lower(User.name), User.id)
    ).all()
    return [ContributorBalance(p, ref or "", by_person[p.id]) for p, ref in people]


def awaiting_decision(limit: int = 50) -> Oldest:
    """Entries waiting for an organiser (or for a contributor's answer), oldest first: the
    oldest `limit` and the count of all."""
    waiting = LedgerEntry.status.in_([s.value for s in OWED_STATUSES])
    rows = db.session.execute(
        select(LedgerEntry, User)
        .join(User, User.id == LedgerEntry.contributor_id)
        .where(waiting)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
        .limit(limit)
    ).all()
    count = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(waiting))
    return Oldest([tuple(row) for row in rows], count or 0)
