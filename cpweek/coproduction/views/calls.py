"""Organisers' settings of an edition's call: its dates and phases, and its criteria."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.coproduction import services
from cpweek.coproduction.forms import (
    CallForm,
    CriterionForm,
    uk_instant,
)
from cpweek.coproduction.views.common import (
    bp,
    edition_and_call,
    edition_or_404,
)
from cpweek.errors import DomainError
from cpweek.forms import show_error
from cpweek.timezones import to_local


def _call_details(form: CallForm, zone: str) -> services.CallDetails | None:
    opens = uk_instant(form, "opens_at", form.opens_at.data, zone)
    closes = uk_instant(form, "closes_at", form.closes_at.data, zone)
    if opens is None or closes is None:
        return None
    return services.CallDetails(
        opens_at=opens,
        closes_at=closes,
        reviewing_starts_on=form.reviewing_starts_on.data,
        reviewing_ends_on=form.reviewing_ends_on.data,
        deciding_starts_on=form.deciding_starts_on.data,
        deciding_ends_on=form.deciding_ends_on.data,
        guidance=form.guidance.data or "",
        shared_decisions=form.shared_decisions.data,
    )


def _local(instant: datetime, zone: str) -> datetime:
    return to_local(instant, zone).replace(tzinfo=None)


@bp.route("/manage/<int:year>/call", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def manage_call(year: int):
    edition = edition_or_404(year)
    found = services.get_call(edition)
    form = CallForm()
    if request.method == "GET" and found is not None:
        form.process(obj=found)
        form.opens_at.data = _local(found.opens_at, edition.timezone)
        form.closes_at.data = _local(found.closes_at, edition.timezone)
    if form.validate_on_submit():
        details = _call_details(form, edition.timezone)
        if details is not None:
            try:
                services.save_call(edition, details, current_user)
            except DomainError as error:
                show_error(form, error)
            else:
                flash("Call saved.", "success")
                return redirect(url_for("coproduction.manage_call", year=year))
    return render_template(
        "coproduction/manage_call.html",
        edition=edition,
        call=found,
        form=form,
        criterion_form=CriterionForm(formdata=None),
        criteria=services.criteria_of(found) if found else [],
    )


@bp.route("/manage/<int:year>/call/criteria", methods=["POST"])
@requires(Role.ORGANISER)
def add_criterion(year: int):
    edition, found = edition_and_call(year)
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            services.add_criterion(
                found, form.name.data, form.description.data or "", form.weight.data, current_user
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Criterion added.", "success")
            return redirect(url_for("coproduction.manage_call", year=year))
    call_form = CallForm(formdata=None, obj=found)
    call_form.opens_at.data = _local(found.opens_at, edition.timezone)
    call_form.closes_at.data = _local(found.closes_at, edition.timezone)
    return render_template(
        "coproduction/manage_call.html",
        edition=edition,
        call=found,
        form=call_form,
        criterion_form=form,
        criteria=services.criteria_of(found),
    )
