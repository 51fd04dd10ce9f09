"""Outcome measures chosen together: an edition's measures (adopted, and proposed with who is
still needed), the bank to propose from, one's own measure, agreeing and withdrawing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.programme import services as programme
from cpweek.programme.models import Edition
from cpweek.reports.feedback_forms import BankMeasureForm, OwnMeasureForm
from cpweek.reports.feedback_models import Audience, OutcomeMeasure
from cpweek.reports.services import outcomes as service
from cpweek.reports.services.feedback_results import events_with_feedback
from cpweek.reports.views.common import bp

DECIDERS = (Role.ORGANISER, Role.CO_PRODUCER)


def _edition_or_404(year: int) -> Edition:
    edition = programme.get_edition(year) if 0 < year < 10_000 else None
    if edition is None:
        abort(404)
    return edition


def _measure_or_404(measure_id: int) -> OutcomeMeasure:
    measure = service.get_measure(measure_id)
    if measure is None:
        abort(404)
    return measure


def _page(edition: Edition, form: OwnMeasureForm):
    return render_template(
        "reports/outcomes/measures.html",
        edition=edition,
        states=service.measures_of(edition),
        bank=service.bank_left_for(edition),
        form=form,
        action_form=ActionForm(),
        audiences={audience.value: audience.label for audience in Audience},
        events=events_with_feedback(edition.id),
    )


@bp.route("/manage/<int:year>/outcomes", methods=["GET", "POST"])
@requires(*DECIDERS)
def outcomes(year: int):
    edition = _edition_or_404(year)
    form = OwnMeasureForm()
    if form.validate_on_submit():
        try:
            measure = service.propose_own(edition, form.measure(), current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_proposed_message(measure), "success")
            return redirect(url_for("reports.outcomes", year=year))
    return _page(edition, form)


def _proposed_message(measure: OutcomeMeasure) -> str:
    if measure.is_adopted:
        return f"“{measure.question}” is adopted: the feedback form asks it."
    return (
        f"“{measure.question}” is proposed, with your agreement. It is adopted once a "
        "co-producer and an organiser have both agreed."
    )


@bp.route("/manage/<int:year>/outcomes/bank", methods=["POST"])
@requires(*DECIDERS)
def propose_from_bank(year: int):
    edition = _edition_or_404(year)
    form = BankMeasureForm()
    if form.validate_on_submit():
        try:
            measure = service.propose_from_bank(edition, form.key.data or "", current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash(_proposed_message(measure), "success")
    return redirect(url_for("reports.outcomes", year=year))


@bp.route("/manage/outcomes/<int:measure_id>/agree", methods=["POST"])
@requires(*DECIDERS)
def agree_measure(measure_id: int):
    measure = _measure_or_404(measure_id)
    edition = programme.get_edition_by_id(measure.edition_id)
    if ActionForm().validate_on_submit():
        try:
            adopted = service.agree(measure, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash(
                f"“{measure.question}” is adopted: the feedback form asks it."
                if adopted
                else "Your agreement is saved. The measure is adopted once the other side "
                "agrees too.",
                "success",
            )
    return redirect(url_for("reports.outcomes", year=edition.year if edition else 0))


@bp.route("/manage/outcomes/<int:measure_id>/withdraw", methods=["POST"])
@requires(*DECIDERS)
def withdraw_agreement(measure_id: int):
    measure = _measure_or_404(measure_id)
    edition = programme.get_edition_by_id(measure.edition_id)
    if ActionForm().validate_on_submit():
        try:
            service.withdraw_agreement(measure, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash("Your agreement is withdrawn.", "success")
    return redirect(url_for("reports.outcomes", year=edition.year if edition else 0))
