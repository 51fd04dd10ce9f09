"""Journeys 3 and 4 of issue 11: a contributor logs an activity and claims an expense with a
receipt; an organiser approves and pays in a payment run."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import LedgerEntry, Receipt
from tests.browser.steps import (
    assert_error_first,
    assert_success,
    choose,
    fill,
    fill_date,
    tick,
    upload,
)
from tests.browser.steps import select as choose_from_list
from tests.factories import make_user

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _books(benefits_guidance: bool = False):
    organiser = make_user(email="helen@example.org", roles=(Role.ORGANISER,), name="Helen")
    contributor = make_user(email="priya@example.org", roles=(Role.CONTRIBUTOR,), name="Priya Shah")
    activity = ledger.add_activity("Attending a meeting", organiser)
    ledger.add_rate(
        ledger.RateDetails(activity.id, "hour", 2500, date(2024, 4, 6), "NIHR example"), organiser
    )
    if benefits_guidance:
        ledger.save_profile(
            contributor, ledger.ProfileDetails("Priya Shah", benefits_guidance=True), contributor
        )
    db.session.commit()
    return organiser, contributor, activity


def test_contributor_logs_an_activity_and_claims_an_expense_with_a_receipt(journey, tmp_path):
    _books()
    page = journey.page
    receipt = tmp_path / "train-ticket.pdf"
    receipt.write_bytes(PDF)

    journey.sign_in("priya@example.org")
    journey.follow("Your involvement")
    journey.follow("Log an activity")
    journey.shot("log-form")

    choose_from_list(page, "Activity", "Attending a meeting")
    fill_date(page, "Date", date(2026, 5, 12))
    fill(page, "How long did it take, in hours?", "1:30")
    choose(page, "Take the fee")
    journey.press("Work out the fee")
    # The fee worked out is the message of this submit: in view, above the form.
    journey.target(assert_success, "The fee for this", step="work out the fee")
    assert page.get_by_text("£37.50").first.is_visible()
    journey.shot("fee-worked-out")

    journey.press("Log this activity")
    assert_success(page, "Activity logged. It is waiting for approval.")
    journey.shot("activity-logged")

    journey.follow("Your involvement")
    journey.follow("Claim an expense")
    journey.press("Claim this expense")
    assert_error_first(page, "Choose what the cost was for")
    journey.shot("expense-errors")

    choose(page, "Travel")
    fill(page, "What was it?", "Return train to Leeds")
    fill_date(page, "Date", date(2026, 5, 12))
    fill(page, "Amount, in pounds", "23.40")
    upload(page, "Receipt (optional)", receipt)
    journey.press("Claim this expense")
    assert_success(page, "Expense claimed. It is waiting for approval.")
    journey.shot("expense-claimed")

    stored = db.session.scalars(select(Receipt)).one()
    assert stored.data == PDF and stored.content_type == "application/pdf"
    entries = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
    assert [(e.status, e.amount) for e in entries] == [("pending", 3750), ("pending", 2340)]


def test_organiser_approves_and_pays(journey):
    _organiser, contributor, activity = _books(benefits_guidance=True)
    involvement = ledger.log_involvement(
        contributor,
        ledger.InvolvementDetails(
            activity_id=activity.id, activity_on=date(2026, 5, 12), minutes=120, choice="fee"
        ),
        contributor,
    )
    entry = ledger.entry_for_involvement(involvement.id)
    db.session.commit()
    page = journey.page

    journey.sign_in("helen@example.org")
    journey.follow("Ledger")
    journey.follow(re.compile(r"^Fees: Attending a meeting"))
    journey.shot("entry-to-approve")

    # Approving without ticking that the warnings were read: refused, and the reason in view.
    journey.press("Approve")
    journey.target(assert_error_first, "tick the box", step="approve without the tick")
    journey.shot("approve-refused")

    tick(page, "I have read the warnings above and approve anyway")
    journey.press("Approve")
    assert_success(page, "Approved.")
    journey.shot("approved")

    journey.follow("Back to the ledger")
    journey.follow("Record a payment run")
    assert page.get_by_label("Priya Shah", exact=False).first.is_checked()
    fill_date(page, "Date paid", date(2026, 7, 10))
    choose_from_list(page, "How it was paid", "Bank transfer")
    fill(page, "Finance system reference", "BACS-77")
    # Before the button: the entry's number and date, and the count and total to check.
    assert page.get_by_text(f"Entry {entry.id}").first.is_visible()
    assert page.get_by_text("Tuesday 12 May 2026").first.is_visible()
    totals = page.locator("#payment-totals")
    assert "1 entry" in totals.inner_text() and "£" in totals.inner_text()
    journey.shot("payment-run-form")
    journey.press("Record the payment")
    assert_success(page, "Payment recorded for 1 entry.")
    journey.shot("payment-recorded")

    db.session.expire_all()
    paid = ledger.get_entry(entry.id)
    assert paid.status == "paid"
