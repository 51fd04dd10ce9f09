"""One entry: the contributor's page (answer a question, withdraw) and the organisers' page
(approve, query, reject, reverse)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.reciprocity import services
from cpweek.reciprocity.forms import (
    AnswerForm,
    ApproveForm,
    QueryForm,
    ReceiptForm,
    RejectForm,
    ReverseForm,
)
from cpweek.reciprocity.models import EntryStatus, LedgerEntry
from cpweek.reciprocity.views.common import CONTRIBUTOR, bp, entry_or_404, own_entry_or_404


def entry_page(entry: LedgerEntry, *, answer_form=None, receipt_form=None):
    view = services.entry_view(entry)
    services.record_warnings_seen(entry, current_user)
    return render_template(
        "reciprocity/entry.html",
        view=view,
        warnings=services.worded_for(view.warnings, view.contributor, current_user),
        answer_form=answer_form or AnswerForm(),
        receipt_form=receipt_form or ReceiptForm(),
        withdraw_form=ActionForm(),
    )


@bp.route("/involvement/entries/<int:entry_id>")
@requires(*CONTRIBUTOR)
def entry(entry_id: int):
    return entry_page(own_entry_or_404(entry_id))


@bp.route("/involvement/entries/<int:entry_id>/answer", methods=["POST"])
@requires(*CONTRIBUTOR)
def answer(entry_id: int):
    entry = own_entry_or_404(entry_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_query(entry, form.answer.data, current_user)
        except services.WrongStatus as error:
            refuse(error)
            return redirect(url_for("reciprocity.entry", entry_id=entry.id))
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Answer sent. The entry is back with the organisers.", "success")
            return redirect(url_for("reciprocity.entry", entry_id=entry.id))
    return entry_page(entry, answer_form=form)


@bp.route("/involvement/entries/<int:entry_id>/withdraw", methods=["POST"])
@requires(*CONTRIBUTOR)
def withdraw(entry_id: int):
    entry = own_entry_or_404(entry_id)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw(entry, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash("Entry withdrawn.", "success")
    return redirect(url_for("reciprocity.entry", entry_id=entry.id))


def review_page(entry: LedgerEntry, **forms):
    view = services.entry_view(entry)
    services.record_warnings_seen(entry, current_user)
    return render_template(
        "reciprocity/review.html",
        view=view,
        warnings=services.worded_for(view.warnings, view.contributor, current_user),
        seen=services.warnings_seen(entry.id),
        approve_form=forms.get("approve_form") or ApproveForm(),
        query_form=forms.get("query_form") or QueryForm(),
        reject_form=forms.get("reject_form") or RejectForm(),
        reverse_form=forms.get("reverse_form") or ReverseForm(),
        receipt_form=forms.get("receipt_form") or ReceiptForm(),
        answer_form=forms.get("answer_form") or AnswerForm(),
        EntryStatus=EntryStatus,
    )


@bp.route("/ledger/entries/<int:entry_id>")
@requires(Role.ORGANISER)
def review_entry(entry_id: int):
    return review_page(entry_or_404(entry_id))


def _decide(entry_id: int, form, form_name: str, action, done: str):
    """Run one decision on an entry: redirect with a message, or show the page with errors."""
    entry = entry_or_404(entry_id)
    if form.validate_on_submit():
        try:
            action(entry, form)
        except services.WrongStatus as error:
            # Someone else got there first (or it was already done): say so at the top.
            refuse(error)
            return redirect(url_for("reciprocity.review_entry", entry_id=entry.id))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("reciprocity.review_entry", entry_id=entry.id))
    return review_page(entry, **{form_name: form})


@bp.route("/ledger/entries/<int:entry_id>/approve", methods=["POST"])
@requires(Role.ORGANISER)
def approve_entry(entry_id: int):
    return _decide(
        entry_id,
        ApproveForm(),
        "approve_form",
        lambda entry, form: services.approve(
            entry, current_user, warnings_acknowledged=form.acknowledge.data
        ),
        "Approved. The amount is now locked and waiting to be paid.",
    )


@bp.route("/ledger/entries/<int:entry_id>/query", methods=["POST"])
@requires(Role.ORGANISER)
def query_entry(entry_id: int):
    return _decide(
        entry_id,
        QueryForm(),
        "query_form",
        lambda entry, form: services.query_entry(entry, form.question.data, current_user),
        "Question sent to the contributor.",
    )


@bp.route("/ledger/entries/<int:entry_id>/reject", methods=["POST"])
@requires(Role.ORGANISER)
def reject_entry(entry_id: int):
    return _decide(
        entry_id,
        RejectForm(),
        "reject_form",
        lambda entry, form: services.reject(entry, form.reason.data, current_user),
        "Marked as not approved. The contributor can see the reason.",
    )


@bp.route("/ledger/entries/<int:entry_id>/answer", methods=["POST"])
@requires(Role.ORGANISER)
def answer_for(entry_id: int):
    return _decide(
        entry_id,
        AnswerForm(),
        "answer_form",
        lambda entry, form: services.answer_query(entry, form.answer.data, current_user),
        "Answer recorded for the contributor. The entry is back for approval.",
    )


@bp.route("/ledger/entries/<int:entry_id>/reverse", methods=["POST"])
@requires(Role.ORGANISER)
def reverse_entry(entry_id: int):
    return _decide(
        entry_id,
        ReverseForm(),
        "reverse_form",
        lambda entry, form: services.reverse(entry, form.correction.data, current_user),
        "A reversing entry is recorded. The original stays on the ledger.",
    )
