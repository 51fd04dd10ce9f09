"""The organisers' credits page for one resource: who made it and how, in order; add a credit
(a contributor from the list, or a name with a note of consent), put them in order, remove
one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, show_error
from cpweek.resources.credit_forms import CreditForm, order_form
from cpweek.resources.models import Resource
from cpweek.resources.services import credits
from cpweek.resources.views.common import bp


def _resource_or_404(resource_id: int) -> Resource:
    resource = credits.resource_for_credits(resource_id)
    if resource is None:
        abort(404)
    return resource


def _page_url(resource: Resource) -> str:
    return url_for("resources.credits", resource_id=resource.id) + "#credits"


def _add(resource: Resource, form: CreditForm):
    details = credits.CreditDetails(
        role=form.role.data or "",
        person_id=form.person_id.data,
        name=form.name.data or "",
        consent_note=form.consent_note.data or "",
    )
    try:
        credits.add_credit(resource, details, current_user)
    except DomainError as error:
        show_error(form, error)
        return None
    flash("Credit added.", "success")
    return redirect(_page_url(resource))


def _reorder(resource: Resource, lines, order):
    places = {line.credit.id: order[f"position_{line.credit.id}"].data for line in lines}
    try:
        credits.reorder_credits(resource, places, current_user)
    except DomainError as error:
        show_error(order, error)
        return None
    flash("Order saved.", "success")
    return redirect(_page_url(resource))


@bp.route(
    "/manage/resources/<int:resource_id>/credits", methods=["GET", "POST"], endpoint="credits"
)
@requires(Role.ORGANISER)
def credits_page(resource_id: int):
    resource = _resource_or_404(resource_id)
    lines = credits.credit_lines(resource.id)
    form = CreditForm()
    form.person_id.choices = [("", "Nobody from the list"), *credits.contributor_choices()]
    order = order_form(lines)
    if request.method == "POST":
        answer = None
        if "save_order" in request.form:
            if order.validate_on_submit():
                answer = _reorder(resource, lines, order)
        elif form.validate_on_submit():
            answer = _add(resource, form)
        if answer is not None:
            return answer
    return render_template(
        "resources/credits.html",
        resource=resource,
        lines=lines,
        form=form,
        order=order,
        remove_form=ActionForm(),
    )


@bp.route("/manage/resources/<int:resource_id>/credits/<int:credit_id>/remove", methods=["POST"])
@requires(Role.ORGANISER)
def remove_credit(resource_id: int, credit_id: int):
    resource = _resource_or_404(resource_id)
    credit = credits.credit_of(resource, credit_id)
    if credit is None:
        abort(404)
    if ActionForm().validate_on_submit():
        credits.remove_credit(credit, current_user)
        flash("Credit removed.", "success")
    return redirect(_page_url(resource))
