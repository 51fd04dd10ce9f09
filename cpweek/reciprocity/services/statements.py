"""A contributor's statement for a tax year, on the page and as CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from cpweek.auth.models import User
from cpweek.csvfiles import csv_text
from cpweek.extensions import db
from cpweek.money import TaxYear, pence_to_plain, tax_year_of
from cpweek.programme import services as programme
from cpweek.reciprocity.models import (
    CLOSED_STATUSES,
    Activity,
    Choice,
    ContributorProfile,
    EntryKind,
    Involvement,
    LedgerEntry,
    PaymentRun,
)
from cpweek.reciprocity.services.balances import Buckets, bucket_of, year_filter
from cpweek.reciprocity.services.profiles import profile_or_default
from cpweek.reciprocity.services.rates import format_amount, format_hours


def tax_years_for(contributor_id: int, today: date | None = None) -> list[TaxYear]:
    """The tax years a contributor has entries or involvement in, newest first (always the
    current one)."""
    today = today or programme.today_in()
    days = db.session.execute(
        select(func.min(LedgerEntry.occurred_on), func.max(LedgerEntry.occurred_on)).where(
            LedgerEntry.contributor_id == contributor_id
        )
    ).one()
    first = tax_year_of(days[0]).start_year if days[0] else tax_year_of(today).start_year
    last = max(tax_year_of(today).start_year, tax_year_of(days[1]).start_year if days[1] else 0)
    return [TaxYear(year) for year in range(last, first - 1, -1)]


@dataclass
class StatementLine:
    entry: LedgerEntry
    paid_on: date | None
    payment_reference: str
    corrected_by: int | None = None  # the number of the entry that reverses this one

    @property
    def amount_text(self) -> str:
        return format_amount(self.entry.kind, self.entry.amount)


@dataclass
class Statement:
    person: User
    profile: ContributorProfile
    year: TaxYear
    totals: dict[EntryKind, Buckets]
    lines: dict[EntryKind, list[StatementLine]]
    declined: list[tuple[Involvement, str]]
    made_on: date
    # What was paid in the tax year by the date it was paid, whatever the activity's date:
    # HMRC and benefits offices may count money when it is received.
    paid_in_year: dict[EntryKind, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(self.lines.values()) and not self.declined


def statement(person: User, year: TaxYear) -> Statement:
    """Everything in a contributor's ledger for one tax year (by the date of the activity or
    expense), kinds kept apart, with totals that are the sums of the lines shown."""
    reversal = aliased(LedgerEntry)
    rows = db.session.execute(
        select(LedgerEntry, PaymentRun.paid_on, PaymentRun.reference, reversal.id)
        .outerjoin(PaymentRun, PaymentRun.id == LedgerEntry.payment_run_id)
        .outerjoin(reversal, reversal.reverses_id == LedgerEntry.id)
        .where(
            LedgerEntry.contributor_id == person.id,
            year_filter(year),
            LedgerEntry.status.notin_([s.value for s in CLOSED_STATUSES]),
        )
        .order_by(LedgerEntry.occurred_on, LedgerEntry.id)
    ).all()
    lines: dict[EntryKind, list[StatementLine]] = {kind: [] for kind in EntryKind}
    totals = {kind: Buckets() for kind in EntryKind}
    for entry, paid_on, reference, corrected_by in rows:
        kind = EntryKind(entry.kind)
        lines[kind].append(StatementLine(entry, paid_on, reference or "", corrected_by))
        bucket = bucket_of(entry.status)
        if bucket:
            setattr(totals[kind], bucket, getattr(totals[kind], bucket) + entry.amount)
    declined = db.session.execute(
        select(Involvement, Activity.name)
        .join(Activity, Activity.id == Involvement.activity_id)
        .where(
            Involvement.contributor_id == person.id,
            Involvement.choice == Choice.DECLINE.value,
            Involvement.activity_on.between(year.starts_on, year.ends_on),
        )
        .order_by(Involvement.activity_on)
    ).all()
    return Statement(
        person=person,
        profile=profile_or_default(person),
        year=year,
        totals=totals,
        lines=lines,
        declined=[(involvement, name) for involvement, name in declined],
        made_on=programme.today_in(),
        paid_in_year=_paid_in_year(person.id, year),
    )


def _paid_in_year(person_id: int, year: TaxYear) -> dict[EntryKind, int]:
    totals = dict.fromkeys(EntryKind, 0)
    rows = db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount))
        .join(PaymentRun, PaymentRun.id == LedgerEntry.payment_run_id)
        .where(
            LedgerEntry.contributor_id == person_id,
            PaymentRun.paid_on.between(year.starts_on, year.ends_on),
        )
        .group_by(LedgerEntry.kind)
    )
    for kind, amount in rows:
        totals[EntryKind(kind)] = amount
    return totals


def statement_csv(statement: Statement) -> str:
    rows: list[list[object]] = [
        [
            "tax_year",
            "contributor",
            "payee_reference",
            "entry",
            "date",
            "kind",
            "description",
            "status",
            "amount_gbp",
            "time_credits",
            "paid_on",
            "payment_reference",
        ]
    ]
    for kind in EntryKind:
        for line in statement.lines[kind]:
            entry = line.entry
            rows.append(
                [
                    statement.year.label,
                    statement.profile.preferred_name,
                    statement.profile.payee_reference,
                    entry.id,
                    entry.occurred_on.isoformat(),
                    kind.value,
                    entry.description,
                    entry.status,
                    "" if kind.in_credits else pence_to_plain(entry.amount),
                    pence_to_plain(entry.amount) if kind.in_credits else "",
                    line.paid_on.isoformat() if line.paid_on else "",
                    line.payment_reference,
                ]
            )
    for involvement, activity in statement.declined:
        rows.append(
            [
                statement.year.label,
                statement.profile.preferred_name,
                statement.profile.payee_reference,
                "",
                involvement.activity_on.isoformat(),
                "declined",
                f"{activity}, {format_hours(involvement.minutes)}",
                "declined",
                "0.00",
                "",
                "",
                "",
            ]
        )
    return csv_text(rows)
