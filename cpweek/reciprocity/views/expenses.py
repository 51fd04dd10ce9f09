"""Expense claims and receipts."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user

from cpweek.auth.models import Role, User
from cpweek.auth.permissions import owned_or_404, requires
from cpweek.errors import DomainError
from cpweek.forms import show_error
from cpweek.reciprocity import services
from cpweek.reciprocity.forms import ExpenseForm, ReceiptForm
from cpweek.reciprocity.views.common import (
    CONTRIBUTOR,
    CONTRIBUTOR_OR_ORGANISER,
    bp,
    contributor_or_404,
    event_choices,
    upload_from,
)
from cpweek.reciprocity.views.entries import entry_page, review_page


def _expense_page(person: User, *, for_them: bool, back_url: str):
    form = ExpenseForm()
    form.event_id.choices = event_choices()
    if form.validate_on_submit():
        details = services.ExpenseDetails(
            category=form.category.data,
            spent_on=form.spent_on.data,
            pence=form.amount.pence or 0,
            description=form.description.data,
            in_advance=form.in_advance.data,
            event_id=form.event_id.data,
        )
        try:
            claim = services.claim_expense(person, details, upload_from(form.receipt), current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            entry = services.entry_for_expense(claim.id)
            flash("Expense claimed. It is waiting for approval.", "success")
            if for_them:
                return redirect(url_for("reciprocity.review_entry", entry_id=entry.id))
            return redirect(url_for("reciprocity.entry", entry_id=entry.id))
    return render_template(
        "reciprocity/expense.html", form=form, person=person, for_them=for_them, back_url=back_url
    )


@bp.route("/involvement/expenses/new", methods=["GET", "POST"])
@requires(*CONTRIBUTOR)
def claim_expense():
    return _expense_page(current_user, for_them=False, back_url=url_for("reciprocity.home"))


@bp.route("/involvement/entries/<int:entry_id>/receipt", methods=["POST"])
@requires(*CONTRIBUTOR_OR_ORGANISER)
def add_receipt(entry_id: int):
    entry = services.get_entry(entry_id)
    entry = owned_or_404(entry, entry.contributor_id if entry else None, staff=(Role.ORGANISER,))
    view = services.entry_view(entry)
    if view.expense is None:
        abort(404)
    form = ReceiptForm()
    organiser_page = entry.contributor_id != current_user.id
    if form.validate_on_submit():
        upload = upload_from(form.receipt)
        try:
            if upload is None:
                raise services.BadReceipt("Choose a file to upload", "receipt")
            services.add_receipt(view.expense, upload, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Receipt added.", "success")
            endpoint = "reciprocity.review_entry" if organiser_page else "reciprocity.entry"
            return redirect(url_for(endpoint, entry_id=entry.id))
    if organiser_page:
        return review_page(entry, receipt_form=form)
    return entry_page(entry, receipt_form=form)


@bp.route("/receipts/<int:receipt_id>")
@requires(*CONTRIBUTOR_OR_ORGANISER)
def receipt(receipt_id: int):
    found = services.get_receipt(receipt_id)
    if found is None:
        abort(404)
    stored, owner_id = found
    owned_or_404(stored, owner_id, staff=(Role.ORGANISER,))
    response = send_file(
        io.BytesIO(stored.data),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.filename,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/ledger/contributors/<int:user_id>/expenses/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def expense_for(user_id: int):
    person = contributor_or_404(user_id)
    return _expense_page(
        person, for_them=True, back_url=url_for("reciprocity.contributor", user_id=person.id)
    )
