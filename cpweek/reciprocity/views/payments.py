"""Payment runs (organisers): choosing entries, checking the totals, recording the run."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.csvfiles import csv_download
from cpweek.errors import DomainError
from cpweek.forms import show_error
from cpweek.programme import services as programme
from cpweek.reciprocity import services
from cpweek.reciprocity.forms import PaymentRunForm
from cpweek.reciprocity.views.common import bp


def _entry_ids(text: str | None) -> set[int]:
    return {int(part) for part in (text or "").split(",") if part.isdigit()}


@bp.route("/ledger/payments/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def new_payment_run():
    payable = services.payable_entries()
    form = PaymentRunForm()
    form.entries.choices = [
        SelectChoice(item.entry.id, f"Entry {item.entry.id}") for item in payable
    ]
    if request.method == "GET":
        form.process(
            data={
                "entries": [item.entry.id for item in payable],
                "paid_on": programme.today_in(),
            }
        )
    ticked = {i for i in form.entries.data or [] if isinstance(i, int)}
    payable_ids = {item.entry.id for item in payable}
    must_check = False
    # "Work out the totals" only shows them: nothing is checked or saved.
    if form.is_submitted() and not form.check.data and form.validate():
        # The totals on the page must be those of what is ticked now, so the organiser has
        # checked them against the payment before anything is recorded.
        must_check = (ticked & payable_ids) != _entry_ids(form.summarised.data)
        if not must_check:
            details = services.PaymentDetails(
                paid_on=form.paid_on.data, method=form.method.data, reference=form.reference.data
            )
            try:
                run = services.record_payment_run(form.entries.data, details, current_user)
            except DomainError as error:
                show_error(form, error)
            else:
                count = len(set(form.entries.data))
                flash(
                    f"Payment recorded for {count} entr{'y' if count == 1 else 'ies'}. Check "
                    "the totals below, and download the file for the finance system.",
                    "success",
                )
                return redirect(url_for("reciprocity.payment_run", run_id=run.id))
    chosen = [item for item in payable if item.entry.id in ticked]
    form.summarised.data = ",".join(str(item.entry.id) for item in chosen)
    return render_template(
        "reciprocity/payment_new.html",
        form=form,
        payable=payable,
        summary=services.payment_summary(chosen),
        must_check=must_check,
    )


def _run_or_404(run_id: int):
    run = services.get_payment_run(run_id)
    if run is None:
        abort(404)
    return run


@bp.route("/ledger/payments/<int:run_id>")
@requires(Role.ORGANISER)
def payment_run(run_id: int):
    run = _run_or_404(run_id)
    lines = services.payment_run_lines(run)
    return render_template(
        "reciprocity/payment_run.html",
        run=run,
        lines=lines,
        summary=services.payment_summary(lines),
    )


@bp.route("/ledger/payments/<int:run_id>.csv")
@requires(Role.ORGANISER)
def payment_run_csv(run_id: int):
    run = _run_or_404(run_id)
    return csv_download(services.payment_run_csv(run), f"payment-run-{run.id}.csv")
