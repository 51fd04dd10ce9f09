"""Statements for a tax year (page and CSV), the portfolio and certificate, and issuing
recognition."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role, User
from cpweek.auth.permissions import requires
from cpweek.csvfiles import csv_download
from cpweek.errors import DomainError
from cpweek.forms import show_error
from cpweek.programme import services as programme
from cpweek.reciprocity import services
from cpweek.reciprocity.forms import RecognitionForm
from cpweek.reciprocity.models import EntryKind
from cpweek.reciprocity.views.common import (
    CONTRIBUTOR,
    bp,
    contributor_or_404,
    event_choices,
    tax_year_asked,
)


def _statement_page(person: User, *, organiser: bool):
    year = tax_year_asked()
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
    year = tax_year_asked()
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
    year = tax_year_asked() if request.args.get("year") else None
    return render_template(
        "reciprocity/certificate.html",
        portfolio=services.certificate(current_user, year),
        year=year,
        today=programme.today_in(),
    )


@bp.route("/ledger/contributors/<int:user_id>/statement")
@requires(Role.ORGANISER)
def contributor_statement(user_id: int):
    return _statement_page(contributor_or_404(user_id), organiser=True)


@bp.route("/ledger/contributors/<int:user_id>/statement.csv")
@requires(Role.ORGANISER)
def contributor_statement_csv(user_id: int):
    return _statement_csv(contributor_or_404(user_id))


@bp.route("/ledger/contributors/<int:user_id>/recognition", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def recognise(user_id: int):
    person = contributor_or_404(user_id)
    form = RecognitionForm()
    form.event_id.choices = event_choices()
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
