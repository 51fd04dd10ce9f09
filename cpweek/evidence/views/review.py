"""The review queue: draft items waiting for the panel's shared decision, and suggestions
waiting for moderation (co-producers and organisers)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.evidence.forms.review import InclusionForm
from cpweek.evidence.models import DecisionOutcome, ItemStatus, SuggestionKind
from cpweek.evidence.services import inclusion, suggestions
from cpweek.evidence.views.common import bp, collection_or_404
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.perspectives import DECIDERS, standing


def _item_or_404(item_id: int):
    item = inclusion.get_item(item_id)
    if item is None:
        abort(404)
    return item


@bp.get("/review/evidence/<slug>/")
@requires(*DECIDERS)
def review_queue(slug: str):
    collection = collection_or_404(slug)
    return render_template(
        "evidence/review_queue.html",
        collection=collection,
        waiting=inclusion.waiting(collection),
        suggestions=suggestions.pending(collection),
        SuggestionKind=SuggestionKind,
    )


def _review_page(item, form=None, status=200):
    decision = inclusion.current_decision(item)
    agreements = inclusion.agreements_of(decision) if decision else []
    return render_template(
        "evidence/review_item.html",
        item=item,
        collection=inclusion.collection_of(item),
        terms=inclusion.terms_of(item),
        decision=decision,
        agreements=agreements,
        needs=standing(a.perspective for a, _ in agreements).needed,
        agreed=any(person.id == current_user.id for _, person in agreements),
        form=form or InclusionForm(formdata=None),
        agree_form=ActionForm(formdata=None),
        ItemStatus=ItemStatus,
        DecisionOutcome=DecisionOutcome,
    ), status


@bp.get("/review/evidence/items/<int:item_id>")
@requires(*DECIDERS)
def review_item(item_id: int):
    return _review_page(_item_or_404(item_id))


@bp.post("/review/evidence/items/<int:item_id>/decision")
@requires(*DECIDERS)
def propose_inclusion(item_id: int):
    item = _item_or_404(item_id)
    form = InclusionForm()
    if form.validate_on_submit():
        try:
            decision = inclusion.propose(item, form.outcome.data, form.reason.data, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            if decision.stands_at is not None:
                flash(f"The decision stands: the item is now {item.status}.", "success")
            else:
                flash(
                    "Decision put to the panel. It stands once both a co-producer and an "
                    "organiser agree.",
                    "success",
                )
            return redirect(url_for("evidence.review_item", item_id=item.id) + "#decision")
    return _review_page(item, form)


@bp.post("/review/evidence/items/<int:item_id>/agree")
@requires(*DECIDERS)
def agree_inclusion(item_id: int):
    item = _item_or_404(item_id)
    if ActionForm().validate_on_submit():
        shown = request.form.get("decision_id", type=int)
        try:
            stood = inclusion.agree_to_shown(item, shown, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash(
                f"Agreed. The decision now stands: the item is {item.status}."
                if stood
                else "Agreed. It stands once both a co-producer and an organiser agree.",
                "success",
            )
    return redirect(url_for("evidence.review_item", item_id=item.id) + "#decision")
