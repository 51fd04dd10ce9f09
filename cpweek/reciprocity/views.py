"""Contributors' pages (/involvement/: profile, logging activities and expenses, their entries,
statements, portfolio and certificate) and organisers' pages (/ledger/: decisions, payment runs,
balances, rates, guidance wording, recognition, logging for someone)."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from cpweek.auth.models import Role, User
from cpweek.auth.permissions import owned_or_404, requires
from cpweek.csvfiles import csv_download
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.money import TaxYear, format_pence, tax_year_of
from cpweek.reciprocity import services
from cpweek.reciprocity.forms import (
    ActivityForm,
    AnswerForm,
    ApproveForm,
    ExpenseForm,
    GuidanceForm,
    InvolvementForm,
    PaymentRunForm,
    ProfileForm,
    QueryForm,
    RateForm,
    ReceiptForm,
    RecognitionForm,
    RejectForm,
    ReverseForm,
)
from cpweek.reciprocity.models import EntryKind, EntryStatus, LedgerEntry, RateUnit

bp = Blueprint("reciprocity", __name__)

CONTRIBUTOR = services.CONTRIBUTOR_ROLES
CONTRIBUTOR_OR_ORGANISER = (*services.CONTRIBUTOR_ROLES, Role.ORGANISER)


# --- helpers ------------------------------------------------------------------------------


def _tax_year() -> TaxYear:
    """The tax year asked for in ?year= (its starting year), or the current one."""
    current = tax_year_of(services.programme.today_in())
    start = request.args.get("year", type=int)
    if start is None or not 2000 <= start <= current.start_year + 1:
        return current
    return TaxYear(start)


def _contributor_or_404(user_id: int) -> User:
    person = services.get_person(user_id)
    if person is None or not services.is_contributor(person):
        abort(404)
    return person


def _own_entry_or_404(entry_id: int) -> LedgerEntry:
    entry = services.get_entry(entry_id)
    return owned_or_404(entry, entry.contributor_id if entry else None)


def _entry_or_404(entry_id: int) -> LedgerEntry:
    entry = services.get_entry(entry_id)
    if entry is None:
        abort(404)
    return entry


def _event_choices() -> list[tuple]:
    return [("", "Not for an event"), *services.event_choices()]


def _activity_choices(on=None) -> list[tuple]:
    today = on or services.programme.today_in()
    choices = [("", "Choose an activity")]
    for activity in services.list_activities():
        rate = services.rate_in_force(activity.id, today)
        label = activity.name
        if rate:
            label += f" ({format_pence(rate.pence)} {RateUnit(rate.unit).label} today)"
        choices.append((activity.id, label))
    return choices


def _upload_from(field) -> services.Upload | None:
    file = field.data
    if not file or not getattr(file, "filename", ""):
        return None
    # Read one byte more than allowed, so "too big" is told without reading everything.
    data = file.read(current_app.config["RECEIPT_MAX_BYTES"] + 1)
    return services.Upload(filename=file.filename, data=data)


# --- contributor: home and profile --------------------------------------------------------


@bp.route("/involvement/")
@requires(*CONTRIBUTOR)
def home():
    year = tax_year_of(services.programme.today_in())
    return render_template(
        "reciprocity/home.html",
        profile=services.get_profile(current_user.id),
        prompts=services.hosting_prompts(current_user),
        reviewing=services.reviewing_prompts(current_user),
        suggested=services.suggestion_prompts(current_user),
        entries=services.entries_for(current_user.id),
        totals=services.balances(current_user.id, year),
        owed_all_years=services.money_owed(current_user.id),
        year=year,
        dismiss_form=ActionForm(),
        EntryKind=EntryKind,
    )


def _profile_page(person: User, *, organiser: bool, done_url: str, back_url: str):
    form = ProfileForm()
    if not organiser:
        del form.payee_reference
    if request.method == "GET":
        form.process(obj=services.profile_or_default(person))
    if form.validate_on_submit():
        details = services.ProfileDetails(
            preferred_name=form.preferred_name.data,
            contact_email=getattr(form.contact_email, "normalised", ""),
            contact_phone=form.contact_phone.data or "",
            preference=form.preference.data,
            benefits_guidance=form.benefits_guidance.data,
            public_sector_employee=form.public_sector_employee.data,
            public_credit=form.public_credit.data,
            pseudonym=form.pseudonym.data or "",
            payee_reference=form.payee_reference.data if organiser else "",
        )
        try:
            services.save_profile(person, details, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Profile saved.", "success")
            return redirect(done_url)
    return render_template(
        "reciprocity/profile.html",
        form=form,
        person=person,
        organiser=organiser,
        back_url=back_url,
    )


@bp.route("/involvement/profile", methods=["GET", "POST"])
@requires(*CONTRIBUTOR)
def profile():
    home_url = url_for("reciprocity.home")
    return _profile_page(current_user, organiser=False, done_url=home_url, back_url=home_url)


# --- logging an activity ------------------------------------------------------------------


def _log_page(person: User, *, for_them: bool, back_url: str, prefill=None):
    form = InvolvementForm()
    form.activity_id.choices = _activity_choices()
    form.event_id.choices = _event_choices()
    if request.method == "GET":
        data = {"choice": services.prefill_choice(person)}
        if prefill is not None:
            data.update(
                activity_id=prefill.activity_id or None,
                activity_on=prefill.activity_on,
                hours=f"{prefill.minutes / 60:g}",
                event_id=prefill.event_id,
                choice=prefill.choice,
                related_to=prefill.related_to,
            )
        form.process(data=data)
    offer, must_read = None, False
    if form.is_submitted() and form.validate():
        details = services.InvolvementDetails(
            activity_id=form.activity_id.data,
            activity_on=form.activity_on.data,
            minutes=form.hours.minutes,
            units=form.units.data or 1,
            choice=form.choice.data,
            less_pence=form.less_amount.pence,
            charity=form.charity.data or "",
            event_id=form.event_id.data,
            related_to=form.related_to.data or "",
            note=form.note.data or "",
        )
        involvement = None
        try:
            offer = services.work_out(person, details)
            shown = set(filter(None, (form.warnings_shown.data or "").split(",")))
            unseen = {text.code for text in offer.warnings} - shown
            if not form.check.data and not unseen:
                involvement = services.log_involvement(person, details, current_user)
        except DomainError as error:
            offer = None
            show_error(form, error)
        if involvement is not None:
            entry = services.entry_for_involvement(involvement.id)
            flash("Activity logged." + (" It is waiting for approval." if entry else ""), "success")
            if entry is None:
                return redirect(back_url)
            if for_them:
                return redirect(url_for("reciprocity.review_entry", entry_id=entry.id))
            return redirect(url_for("reciprocity.entry", entry_id=entry.id))
        if offer is not None:
            # Logging waits until every warning that applies has been on the page once.
            form.warnings_shown.data = ",".join(text.code for text in offer.warnings)
            must_read = not form.check.data
    return render_template(
        "reciprocity/log.html",
        form=form,
        person=person,
        for_them=for_them,
        offer=offer,
        warnings=services.worded_for(offer.warnings, person, current_user) if offer else [],
        must_read=must_read,
        back_url=back_url,
        rates=services.list_rates(),
    )


@bp.route("/involvement/log", methods=["GET", "POST"])
@requires(*CONTRIBUTOR)
def log():
    prefill = None
    event_id = request.args.get("event", type=int)
    if event_id is not None and not 0 < event_id < 2**31:
        abort(404)
    if event_id is not None and request.method == "GET":
        event = services.hosted_event_or_none(current_user, event_id)
        if event is None:
            abort(404)
        prefill = services.prefill_from_event(current_user, event)
    year = request.args.get("reviewing", type=int)
    if year is not None and request.method == "GET":
        prompt = next((p for p in services.reviewing_prompts(current_user) if p.year == year), None)
        if prompt is None:
            abort(404)
        prefill = services.prefill_reviewing(current_user, prompt)
    suggestion_id = request.args.get("suggestion", type=int)
    if suggestion_id is not None and request.method == "GET":
        offered = services.suggestion_prompts(current_user)
        prompt = next((p for p in offered if p.suggestion_id == suggestion_id), None)
        if prompt is None:
            abort(404)
        prefill = services.prefill_suggestion(current_user, prompt)
    return _log_page(
        current_user, for_them=False, back_url=url_for("reciprocity.home"), prefill=prefill
    )


@bp.route("/involvement/hosted/<int:event_id>/dismiss", methods=["POST"])
@requires(*CONTRIBUTOR)
def dismiss_prompt(event_id: int):
    event = services.hosted_event_or_none(current_user, event_id)
    if event is None:
        abort(404)
    if ActionForm().validate_on_submit():
        services.dismiss_prompt(current_user, event)
        flash(f"“{event.title}” will not be offered again.", "success")
    return redirect(url_for("reciprocity.home"))


# --- expenses and receipts ----------------------------------------------------------------


def _expense_page(person: User, *, for_them: bool, back_url: str):
    form = ExpenseForm()
    form.event_id.choices = _event_choices()
    if form.validate_on_submit():
        details = services.ExpenseDetails(
            category=form.category.data,
            spent_on=form.spent_on.data,
            pence=form.amount.pence,
            description=form.description.data,
            in_advance=form.in_advance.data,
            event_id=form.event_id.data,
        )
        try:
            claim = services.claim_expense(
                person, details, _upload_from(form.receipt), current_user
            )
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
        upload = _upload_from(form.receipt)
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
        return _review_page(entry, receipt_form=form)
    return _entry_page(entry, receipt_form=form)


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


# --- a contributor's own entries ----------------------------------------------------------


def _entry_page(entry: LedgerEntry, *, answer_form=None, receipt_form=None):
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
    return _entry_page(_own_entry_or_404(entry_id))


@bp.route("/involvement/entries/<int:entry_id>/answer", methods=["POST"])
@requires(*CONTRIBUTOR)
def answer(entry_id: int):
    entry = _own_entry_or_404(entry_id)
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
    return _entry_page(entry, answer_form=form)


@bp.route("/involvement/entries/<int:entry_id>/withdraw", methods=["POST"])
@requires(*CONTRIBUTOR)
def withdraw(entry_id: int):
    entry = _own_entry_or_404(entry_id)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw(entry, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash("Entry withdrawn.", "success")
    return redirect(url_for("reciprocity.entry", entry_id=entry.id))


# --- statements, portfolio, certificate ---------------------------------------------------


def _statement_page(person: User, *, organiser: bool):
    year = _tax_year()
    if organiser:
        back_url = url_for("reciprocity.contributor", user_id=person.id)
        csv_url = url_for(
            "reciprocity.contributor_statement_csv", user_id=person.id, year=year.start_year
        )
    else:
        back_url = url_for("reciprocity.home")
        csv_url = url_for("reciprocity.statement_csv", year=year.start_year)
    return render_template(
        "reciprocity/statement.html",
        statement=services.statement(person, year),
        years=services.tax_years_for(person.id),
        back_url=back_url,
        csv_url=csv_url,
        EntryKind=EntryKind,
    )


def _statement_csv(person: User) -> Response:
    year = _tax_year()
    text = services.statement_csv(services.statement(person, year))
    return csv_download(text, f"statement-{person.id}-{year.start_year}-{year.start_year + 1}.csv")


@bp.route("/involvement/statement")
@requires(*CONTRIBUTOR)
def statement():
    return _statement_page(current_user, organiser=False)


@bp.route("/involvement/statement.csv")
@requires(*CONTRIBUTOR)
def statement_csv():
    return _statement_csv(current_user)


@bp.route("/involvement/portfolio")
@requires(*CONTRIBUTOR)
def portfolio():
    return render_template(
        "reciprocity/portfolio.html",
        portfolio=services.portfolio(current_user),
        years=services.tax_years_for(current_user.id),
    )


@bp.route("/involvement/certificate")
@requires(*CONTRIBUTOR)
def certificate():
    year = _tax_year() if request.args.get("year") else None
    return render_template(
        "reciprocity/certificate.html",
        portfolio=services.certificate(current_user, year),
        year=year,
        today=services.programme.today_in(),
    )


# --- organisers: the ledger ---------------------------------------------------------------


@bp.route("/ledger/")
@requires(Role.ORGANISER)
def ledger():
    year = _tax_year()
    return render_template(
        "reciprocity/ledger.html",
        year=year,
        current_year=tax_year_of(services.programme.today_in()),
        waiting=services.awaiting_decision(),
        unpaid=services.approved_not_paid(),
        balances=services.all_balances(year),
        contributors=services.list_contributors(),
        runs=services.list_payment_runs(),
    )


def _review_page(entry: LedgerEntry, **forms):
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
    return _review_page(_entry_or_404(entry_id))


def _decide(entry_id: int, form, form_name: str, action, done: str):
    """Run one decision on an entry: redirect with a message, or show the page with errors."""
    entry = _entry_or_404(entry_id)
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
    return _review_page(entry, **{form_name: form})


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


# --- organisers: a contributor ------------------------------------------------------------


@bp.route("/ledger/contributors/<int:user_id>")
@requires(Role.ORGANISER)
def contributor(user_id: int):
    person = _contributor_or_404(user_id)
    year = tax_year_of(services.programme.today_in())
    return render_template(
        "reciprocity/contributor.html",
        person=person,
        profile=services.get_profile(person.id),
        entries=services.entries_for(person.id),
        totals=services.balances(person.id, year),
        year=year,
        EntryKind=EntryKind,
    )


@bp.route("/ledger/contributors/<int:user_id>/profile", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def contributor_profile(user_id: int):
    person = _contributor_or_404(user_id)
    page = url_for("reciprocity.contributor", user_id=person.id)
    return _profile_page(person, organiser=True, done_url=page, back_url=page)


@bp.route("/ledger/contributors/<int:user_id>/log", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def log_for(user_id: int):
    person = _contributor_or_404(user_id)
    return _log_page(
        person, for_them=True, back_url=url_for("reciprocity.contributor", user_id=person.id)
    )


@bp.route("/ledger/contributors/<int:user_id>/expenses/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def expense_for(user_id: int):
    person = _contributor_or_404(user_id)
    return _expense_page(
        person, for_them=True, back_url=url_for("reciprocity.contributor", user_id=person.id)
    )


@bp.route("/ledger/contributors/<int:user_id>/statement")
@requires(Role.ORGANISER)
def contributor_statement(user_id: int):
    return _statement_page(_contributor_or_404(user_id), organiser=True)


@bp.route("/ledger/contributors/<int:user_id>/statement.csv")
@requires(Role.ORGANISER)
def contributor_statement_csv(user_id: int):
    return _statement_csv(_contributor_or_404(user_id))


@bp.route("/ledger/contributors/<int:user_id>/recognition", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def recognise(user_id: int):
    person = _contributor_or_404(user_id)
    form = RecognitionForm()
    form.event_id.choices = _event_choices()
    if form.validate_on_submit():
        details = services.RecognitionDetails(
            kind=form.kind.data,
            title=form.title.data,
            body=form.body.data or "",
            event_id=form.event_id.data,
        )
        try:
            services.issue_recognition(person, details, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Recognition issued. It is on their portfolio.", "success")
            return redirect(url_for("reciprocity.contributor", user_id=person.id))
    return render_template("reciprocity/recognise.html", form=form, person=person)


# --- organisers: rates, payment runs, guidance --------------------------------------------


@bp.route("/ledger/rates", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def rates():
    form = RateForm()
    _rate_choices(form)
    if form.validate_on_submit():
        details = services.RateDetails(
            activity_id=form.activity_id.data,
            unit=form.unit.data,
            pence=form.pounds.pence,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            source=form.source.data,
        )
        try:
            services.add_rate(details, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                "Rate added. Entries already logged keep the rate they were logged at.", "success"
            )
            return redirect(url_for("reciprocity.rates"))
    return _rates_page(form=form)


def _rate_choices(form: RateForm) -> RateForm:
    form.activity_id.choices = [
        ("", "Choose an activity"),
        *((activity.id, activity.name) for activity in services.list_activities()),
    ]
    return form


def _rates_page(form=None, activity_form=None):
    return render_template(
        "reciprocity/rates.html",
        form=form or _rate_choices(RateForm(formdata=None)),
        activity_form=activity_form or ActivityForm(formdata=None),
        rates=services.list_rates(),
        confirm_form=ActionForm(formdata=None),
        RateUnit=RateUnit,
    )


@bp.route("/ledger/activities", methods=["POST"])
@requires(Role.ORGANISER)
def add_activity():
    form = ActivityForm()
    if form.validate_on_submit():
        try:
            services.add_activity(form.name.data, current_user, for_hosting=form.for_hosting.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Activity added. Give it a rate below.", "success")
            return redirect(url_for("reciprocity.rates") + "#add-rate")
    return _rates_page(activity_form=form)


@bp.route("/ledger/rates/<int:rate_id>/confirm", methods=["POST"])
@requires(Role.ORGANISER)
def confirm_rate(rate_id: int):
    rate = services.get_rate(rate_id)
    if rate is None:
        abort(404)
    if ActionForm().validate_on_submit():
        services.confirm_rate(rate, current_user)
        flash("Rate confirmed.", "success")
    return redirect(url_for("reciprocity.rates"))


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
                "paid_on": services.programme.today_in(),
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


@bp.route("/ledger/guidance")
@requires(Role.ORGANISER)
def guidance():
    texts = services.guidance()
    about = {code: services.about_the_contributor(code) for code in texts}
    return render_template("reciprocity/guidance.html", texts=texts, about=about)


@bp.route("/ledger/guidance/<code>", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def edit_guidance(code: str):
    texts = services.guidance_for_editing()
    if code not in texts:
        abort(404)
    form = GuidanceForm()
    if request.method == "GET":
        form.process(obj=texts[code])
    if form.validate_on_submit():
        text = services.GuidanceText(
            code,
            form.title.data,
            form.body.data,
            form.link_text.data or "",
            form.link_url.data or "",
        )
        try:
            services.save_guidance(code, text, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Wording saved. Every page showing this warning now uses it.", "success")
            return redirect(url_for("reciprocity.guidance"))
    return render_template("reciprocity/guidance_form.html", form=form, code=code)
