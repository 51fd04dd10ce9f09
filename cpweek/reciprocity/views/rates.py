"""Activities, rates, and the wording of the warnings (organisers)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, show_error
from cpweek.reciprocity import services
from cpweek.reciprocity.forms import ActivityForm, GuidanceForm, RateForm
from cpweek.reciprocity.models import RateUnit
from cpweek.reciprocity.views.common import bp


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
