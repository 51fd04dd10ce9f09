"""Expense claims and their receipts (checked by their first bytes, kept in the database)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.money import LARGEST_AMOUNT_PENCE, format_pence
from cpweek.programme import services as programme
from cpweek.reciprocity.models import (
    CLOSED_STATUSES,
    EntryKind,
    EntryStatus,
    ExpenseCategory,
    ExpenseClaim,
    LedgerEntry,
    Receipt,
)
from cpweek.reciprocity.services.contributors import require_contributor, require_self_or_organiser
from cpweek.reciprocity.services.errors import BadReceipt, ReciprocityError
from cpweek.reciprocity.services.events import listed_event


@dataclass
class ExpenseDetails:
    category: str
    spent_on: date
    pence: int
    description: str
    in_advance: bool = False
    event_id: int | None = None


@dataclass
class Upload:
    filename: str
    data: bytes


RECEIPT_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def receipt_type(data: bytes) -> tuple[str, str]:
    """The content type and extension from the file's first bytes, whatever its name says."""
    for signature, content_type, extension in RECEIPT_TYPES:
        if data.startswith(signature):
            return content_type, extension
    raise BadReceipt("The receipt must be a PDF, or a photo in JPEG or PNG format", "receipt")


def _check_receipt(upload: Upload) -> tuple[str, str]:
    largest = current_app.config["RECEIPT_MAX_BYTES"]
    if not upload.data:
        raise BadReceipt("The receipt file is empty", "receipt")
    if len(upload.data) > largest:
        raise BadReceipt(
            f"The receipt must be smaller than {largest // (1024 * 1024)} MB", "receipt"
        )
    return receipt_type(upload.data)


def _new_receipt(expense_id: int, upload: Upload, by: User) -> Receipt:
    content_type, extension = _check_receipt(upload)
    stem = "".join(ch for ch in upload.filename.rsplit(".", 1)[0] if ch.isalnum() or ch in "-_ ")
    return Receipt(
        expense_id=expense_id,
        filename=f"{(stem.strip() or 'receipt')[:80]}.{extension}",
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        data=upload.data,
        uploaded_by_id=by.id,
    )


def claim_expense(
    contributor: User, details: ExpenseDetails, receipt: Upload | None, by: User
) -> ExpenseClaim:
    """An expense claim and its ledger entry, with an optional receipt. An expense to be paid
    in advance may be dated in the future; anything else must have happened."""
    require_contributor(contributor)
    require_self_or_organiser(contributor.id, by)
    if details.category not in ExpenseCategory._value2member_map_:
        raise ReciprocityError("Choose what the expense was for", "category")
    today = programme.today_in()
    if details.spent_on > today and not details.in_advance:
        raise ReciprocityError(
            "The date cannot be in the future. For a cost still to come, tick “ask for it "
            "to be approved in advance”.",
            "spent_on",
        )
    if details.spent_on > today + timedelta(days=366):
        raise ReciprocityError("Enter a date within the next year", "spent_on")
    if details.spent_on < today - timedelta(days=6 * 366):
        raise ReciprocityError("Enter a date in the last six years", "spent_on")
    if not 0 < details.pence <= LARGEST_AMOUNT_PENCE:
        raise ReciprocityError(
            f"Enter an amount between £0.01 and {format_pence(LARGEST_AMOUNT_PENCE)}", "amount"
        )
    if not details.description.strip():
        raise ReciprocityError("Say what the expense was, like “train to Leeds”", "description")
    if details.event_id is not None and not listed_event(details.event_id):
        raise ReciprocityError("Choose an event from the list", "event_id")
    if receipt is not None:
        _check_receipt(receipt)  # before anything is written
    claim = ExpenseClaim(
        contributor_id=contributor.id,
        category=details.category,
        spent_on=details.spent_on,
        pence=details.pence,
        description=details.description.strip(),
        in_advance=details.in_advance,
        event_id=details.event_id,
        created_by_id=by.id,
    )
    db.session.add(claim)
    db.session.flush()
    entry = LedgerEntry(
        contributor_id=contributor.id,
        kind=EntryKind.EXPENSE.value,
        amount=details.pence,
        occurred_on=details.spent_on,
        description=f"{ExpenseCategory(details.category).label}: {claim.description}"[:300],
        expense_id=claim.id,
        status=EntryStatus.PENDING.value,
        created_by_id=by.id,
    )
    db.session.add(entry)
    if receipt is not None:
        db.session.add(_new_receipt(claim.id, receipt, by))
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.expense_claimed",
        "expense_claim",
        claim.id,
        after={
            "contributor_id": contributor.id,
            "category": claim.category,
            "pence": claim.pence,
            "in_advance": claim.in_advance,
            "entry_id": entry.id,
            "receipt": receipt is not None,
        },
    )
    return claim


def entry_for_expense(expense_id: int) -> LedgerEntry:
    """The claim's own entry (not a reversal of it): `claim_expense` writes both at once."""
    return db.session.scalars(
        select(LedgerEntry).where(
            LedgerEntry.expense_id == expense_id, LedgerEntry.reverses_id.is_(None)
        )
    ).one()


def add_receipt(expense: ExpenseClaim, upload: Upload, by: User) -> Receipt:
    require_self_or_organiser(expense.contributor_id, by)
    entry = entry_for_expense(expense.id)
    if entry.status in CLOSED_STATUSES:
        raise BadReceipt(
            f"This expense is “{EntryStatus(entry.status).label.lower()}”: no receipt is needed",
            "receipt",
        )
    receipt = _new_receipt(expense.id, upload, by)
    db.session.add(receipt)
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.receipt_added",
        "receipt",
        receipt.id,
        after={"expense_id": expense.id, "size": receipt.size, "sha256": receipt.sha256},
    )
    return receipt


def get_receipt(receipt_id: int) -> tuple[Receipt, int] | None:
    """A receipt with the id of the contributor it belongs to (the bytes are not loaded)."""
    row = db.session.execute(
        select(Receipt, ExpenseClaim.contributor_id)
        .join(ExpenseClaim, ExpenseClaim.id == Receipt.expense_id)
        .where(Receipt.id == receipt_id)
    ).first()
    return (row[0], row[1]) if row else None
