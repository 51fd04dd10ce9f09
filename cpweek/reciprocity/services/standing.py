"""Where an involvement stands: the two rules every count of a contributor's work starts from."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from cpweek.reciprocity.models import (
    APPROVED_STATUSES,
    CLOSED_STATUSES,
    Choice,
    Involvement,
    LedgerEntry,
)


def still_counts():
    """An involvement counts (portfolio, certificate, regular-role check, hosting prompts)
    unless its entry was rejected or withdrawn; a declined fee still counts."""
    closed = select(LedgerEntry.id).where(
        LedgerEntry.involvement_id == Involvement.id,
        LedgerEntry.status.in_([s.value for s in CLOSED_STATUSES]),
    )
    return ~closed.exists()


def approved_work():
    """The one rule for "approved" work (the certificate, the portfolio's column): an
    involvement whose entry an organiser approved (paid or not) and nobody reversed since. An
    entry waiting for approval or an answer, rejected, withdrawn or reversed does not count.
    Declining payment is the person's own choice and leaves nothing to approve, so declined
    work counts as it stands (otherwise "recognition only" would earn no certificate)."""
    entry, reversal = aliased(LedgerEntry), aliased(LedgerEntry)
    approved_entry = (
        select(entry.id)
        .where(
            entry.involvement_id == Involvement.id,
            entry.reverses_id.is_(None),
            entry.status.in_([s.value for s in APPROVED_STATUSES]),
            ~select(reversal.id).where(reversal.reverses_id == entry.id).exists(),
        )
        .exists()
    )
    return or_(Involvement.choice == Choice.DECLINE.value, approved_entry)
