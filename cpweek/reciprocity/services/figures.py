"""The ledger's figures per edition, for the impact report: hours logged, money paid, and how
long payment took after approval. Two queries for every edition at once.

An involvement or entry belongs to the edition of the event it names (an involvement's
event, or an expense claim's); one naming no event belongs to the edition of the calendar
year its activity (or entry) happened in: the week's preparation (calls, reviews, panels)
falls in the same year as the week."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from cpweek.extensions import db
from cpweek.programme.models import Event
from cpweek.reciprocity.models import (
    EntryKind,
    EntryStatus,
    ExpenseClaim,
    Involvement,
    LedgerEntry,
    PaymentRun,
)
from cpweek.reciprocity.services.standing import still_counts
from cpweek.timezones import local_date

MONEY = [kind.value for kind in (EntryKind.FEE, EntryKind.CHARITY, EntryKind.VOUCHER)] + [
    EntryKind.EXPENSE.value
]


@dataclass
class LedgerFigures:
    minutes: int = 0  # involvement logged that still counts (not rejected or withdrawn)
    paid_pence: int = 0  # fees, charity, vouchers and expenses paid, less corrections paid
    days_to_payment: list[int] = field(default_factory=list)  # one per paid entry

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def median_days(self) -> float | None:
        """Median days from approval to payment; None when nothing was paid."""
        return median(self.days_to_payment) if self.days_to_payment else None


def ledger_figures(editions: Iterable[tuple[int, int]]) -> dict[int, LedgerFigures]:
    """Figures per edition id, for the given (edition id, year) pairs."""
    by_year = {year: edition_id for edition_id, year in editions}
    figures = {edition_id: LedgerFigures() for edition_id in by_year.values()}

    def edition_of(event_edition: int | None, year: int) -> int | None:
        if event_edition is not None:
            return event_edition if event_edition in figures else None
        return by_year.get(year)

    for event_edition, on, minutes in db.session.execute(
        select(Event.edition_id, Involvement.activity_on, func.sum(Involvement.minutes))
        .outerjoin(Event, Event.id == Involvement.event_id)
        .where(still_counts())
        .group_by(Event.edition_id, Involvement.activity_on)
    ):
        edition_id = edition_of(event_edition, on.year)
        if edition_id is not None:
            figures[edition_id].minutes += minutes or 0

    zone = current_app.config["CPWEEK_TIMEZONE"]
    event_of_involvement, event_of_expense = aliased(Event), aliased(Event)
    for entry, paid_on, involvement_edition, expense_edition in db.session.execute(
        select(
            LedgerEntry,
            PaymentRun.paid_on,
            event_of_involvement.edition_id,
            event_of_expense.edition_id,
        )
        .join(PaymentRun, PaymentRun.id == LedgerEntry.payment_run_id)
        .outerjoin(Involvement, Involvement.id == LedgerEntry.involvement_id)
        .outerjoin(event_of_involvement, event_of_involvement.id == Involvement.event_id)
        .outerjoin(ExpenseClaim, ExpenseClaim.id == LedgerEntry.expense_id)
        .outerjoin(event_of_expense, event_of_expense.id == ExpenseClaim.event_id)
        .where(LedgerEntry.status == EntryStatus.PAID.value, LedgerEntry.kind.in_(MONEY))
    ):
        edition_id = edition_of(involvement_edition or expense_edition, entry.occurred_on.year)
        if edition_id is None:
            continue
        figures[edition_id].paid_pence += entry.amount
        if entry.reverses_id is None and entry.decided_at is not None:
            approved_on = local_date(entry.decided_at, zone)
            figures[edition_id].days_to_payment.append(max(0, (paid_on - approved_on).days))
    return figures
