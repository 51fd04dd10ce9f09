"""Logging an activity: by the contributor (from scratch, an event they hosted, or what
another domain offered them) or by an organiser for them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role, User
from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, show_error
from cpweek.reciprocity import services
from cpweek.reciprocity.forms import InvolvementForm
from cpweek.reciprocity.services.prompts import PromptKind
from cpweek.reciprocity.views.common import (
    CONTRIBUTOR,
    activity_choices,
    bp,
    contributor_or_404,
    event_choices,
)


def _log_page(person: User, *, for_them: bool, back_url: str, prefill=None):
    form = InvolvementForm()
    form.activity_id.choices = activity_choices()
    form.event_id.choices = event_choices()
    if request.method == "GET":
        data: dict[str, object] = {"choice": services.prefill_choice(person)}
        if prefill is not None:
            data.update(
                activity_id=prefill.activity_id or None,
                activity_on=prefill.activity_on,
                hours=f"{prefill.minutes / 60:g}",
                event_id=prefill.event_id,
                choice=prefill.choice,
                related_to=prefill.related_to,
                prompt_key=prefill.prompt_key,
            )
        form.process(data=data)
    offer, must_read = None, False
    if form.is_submitted() and form.validate():
        details = services.InvolvementDetails(
            activity_id=form.activity_id.data,
            activity_on=form.activity_on.data,
            minutes=form.hours.minutes or 0,
            units=form.units.data or 1,
            choice=form.choice.data,
            less_pence=form.less_amount.pence,
            charity=form.charity.data or "",
            event_id=form.event_id.data,
            related_to=form.related_to.data or "",
            note=form.note.data or "",
            prompt_key=form.prompt_key.data or "",
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
    for kind in PromptKind:
        ref = request.args.get(kind.value, type=int)
        if ref is not None and request.method == "GET":
            prompt = services.prompt_for(current_user, kind, ref)
            if prompt is None:
                abort(404)
            prefill = services.prefill_prompt(current_user, prompt)
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


@bp.route("/ledger/contributors/<int:user_id>/log", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def log_for(user_id: int):
    person = contributor_or_404(user_id)
    return _log_page(
        person, for_them=True, back_url=url_for("reciprocity.contributor", user_id=person.id)
    )
