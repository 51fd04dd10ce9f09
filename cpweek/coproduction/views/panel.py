"""The review panel (co-producers and organisers): the queue, reviewing a proposal, shared
decisions and agreeing to them, the ranked panel and its criteria's weights."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.permissions import requires
from cpweek.coproduction import services
from cpweek.coproduction.forms import (
    CriterionWeightForm,
    DecisionForm,
    review_form,
    score_label,
)
from cpweek.coproduction.models import SCORE_MAX, SCORE_MIN, ProposalStatus
from cpweek.coproduction.views.common import (
    REVIEWERS,
    bp,
    edition_and_call,
    proposal_or_404,
)
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, refuse, show_error


@bp.route("/review/<int:year>/")
@requires(*REVIEWERS)
def review_queue(year: int):
    edition, found = edition_and_call(year)
    return render_template(
        "coproduction/review_queue.html",
        edition=edition,
        call=found,
        proposals=services.proposals_for_review(found),
        mine=services.my_reviews(found, current_user),
        own=services.own_proposal_ids(found, current_user),
        reviewing=services.reviewing(found),
    )


@bp.route("/review/proposals/<int:proposal_id>", methods=["GET", "POST"])
@requires(*REVIEWERS)
def review(proposal_id: int):
    found = proposal_or_404(proposal_id)
    call = services.call_of(found)
    criteria = services.criteria_of(call)
    form = review_form(criteria)
    on_it = services.is_on_proposal(found, current_user)
    if form.validate_on_submit():
        scores = {c.id: int(getattr(form, f"score_{c.id}").data) for c in criteria}
        try:
            services.submit_review(found, current_user, scores, form.comment.data)
        except services.NotAllowed as error:
            refuse(error)  # the page shows no review form to them
            return redirect(url_for("coproduction.review", proposal_id=found.id))
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Review saved. You can now see the other reviews.", "success")
            return redirect(url_for("coproduction.review", proposal_id=found.id))
    return _review_page(found, call, criteria, form, on_it)


def _review_page(found, call, criteria, form, on_it, decision_form=None):
    reviews = None if on_it else services.reviews_for(found, current_user)
    decision = services.current_decision(found)
    agreements = services.agreements_of(decision) if decision else []
    return render_template(
        "coproduction/review.html",
        proposal=found,
        call=call,
        edition=services.edition_of(call),
        criteria=criteria,
        form=form,
        decision_form=decision_form or DecisionForm(formdata=None),
        agree_form=ActionForm(formdata=None),
        on_it=on_it,
        reviews=reviews,
        decision=decision,
        agreements=agreements,
        agreed=any(person.id == current_user.id for _, person in agreements),
        co_proposers=services.co_proposers_of(found),
        reviewing=services.reviewing(call),
        deciding=services.deciding(call),
        decidable=services.decidable(found),
        scale=(score_label(SCORE_MIN), score_label(SCORE_MAX)),
        ProposalStatus=ProposalStatus,
    )


@bp.route("/review/proposals/<int:proposal_id>/decision", methods=["POST"])
@requires(*REVIEWERS)
def propose_decision(proposal_id: int):
    found = proposal_or_404(proposal_id)
    call = services.call_of(found)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.propose_decision(found, form.outcome.data, form.rationale.data, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Decision put to the panel.", "success")
            return redirect(url_for("coproduction.review", proposal_id=found.id) + "#decision")
    criteria = services.criteria_of(call)
    return _review_page(
        found,
        call,
        criteria,
        review_form(criteria, formdata=None),
        services.is_on_proposal(found, current_user),
        decision_form=form,
    )


@bp.route("/review/proposals/<int:proposal_id>/agree", methods=["POST"])
@requires(*REVIEWERS)
def agree(proposal_id: int):
    found = proposal_or_404(proposal_id)
    if ActionForm().validate_on_submit():
        try:
            stood = services.agree_to_shown(
                found, request.form.get("decision_id", type=int), current_user
            )
        except DomainError as error:
            refuse(error)
        else:
            flash(
                "Agreed. The decision now stands and the proposer is told."
                if stood
                else "Agreed. It stands once both a co-producer and an organiser agree.",
                "success",
            )
    return redirect(url_for("coproduction.review", proposal_id=found.id) + "#decision")


@bp.route("/review/<int:year>/panel")
@requires(*REVIEWERS)
def panel(year: int):
    edition, found = edition_and_call(year)
    rows = services.panel(found)
    reviewed = set(services.my_reviews(found, current_user))
    own = services.own_proposal_ids(found, current_user)
    shown = {p for p in reviewed if p not in own}
    # Scores show only for proposals the viewer has reviewed (never for their own).
    return render_template(
        "coproduction/panel.html",
        edition=edition,
        call=found,
        rows=[row for row in rows if row.proposal.id in shown],
        hidden=[row for row in rows if row.proposal.id not in shown],
        own=own,
        criteria=services.criteria_of(found),
        weight_form=CriterionWeightForm(formdata=None),
    )


@bp.route("/review/criteria/<int:criterion_id>/weight", methods=["POST"])
@requires(*REVIEWERS)
def set_weight(criterion_id: int):
    criterion = services.get_criterion(criterion_id)
    call = services.get_call_by_id(criterion.call_id) if criterion else None
    if criterion is None or call is None:
        abort(404)
    form = CriterionWeightForm()
    if form.validate_on_submit():
        try:
            services.set_weight(criterion, form.weight.data, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash(f"“{criterion.name}” now counts {criterion.weight} out of 10.", "success")
    else:
        flash("Enter how much it counts, from 1 to 10.", "error")
    return redirect(url_for("coproduction.panel", year=services.edition_of(call).year) + "#weights")
