"""The public call and how the programme was made, proposers' pages (propose, change,
withdraw) and co-proposer invitations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.coproduction import services
from cpweek.coproduction.forms import (
    ProposalForm,
)
from cpweek.coproduction.models import ProposalStatus
from cpweek.coproduction.views.common import (
    bp,
    edition_and_call,
    proposal_or_404,
)
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.programme.views.registrations import (
    equality_offer,
    offer_equality_questions,
    offer_equality_questions_once,
)
from cpweek.timezones import utcnow


@bp.route("/<int:year>/call")
@public
def call(year: int):
    edition, found = edition_and_call(year)
    return render_template(
        "coproduction/call.html",
        edition=edition,
        call=found,
        is_open=services.is_open(found),
        not_yet_open=found.opens_at > utcnow(),
        criteria=services.criteria_of(found),
    )


@bp.route("/<int:year>/how-it-was-made")
@public
def how_it_was_made(year: int):
    edition, found = edition_and_call(year)
    return render_template(
        "coproduction/how_it_was_made.html", edition=edition, made=services.how_it_was_made(found)
    )


def _details_from(form: ProposalForm) -> services.ProposalDetails:
    return services.ProposalDetails(
        title=form.title.data,
        summary=form.summary.data,
        kind=form.kind.data,
        format=form.format.data,
        length_minutes=form.length_minutes.data,
        lived_experience_involvement=form.lived_experience_involvement.data,
        lived_experience=form.lived_experience.data,
        access_needs=form.access_needs.data or "",
        unavailable=form.unavailable.data or "",
        co_proposers=form.co_proposer_list(),
    )


@bp.route("/<int:year>/call/propose", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def propose(year: int):
    edition, found = edition_and_call(year)
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            proposal = services.submit_proposal(found, current_user, _details_from(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Proposal sent. You can change it until suggestions close.", "success")
            offer_equality_questions(current_user.id, found.edition_id, "proposal")
            return redirect(url_for("coproduction.proposal", proposal_id=proposal.id))
    return render_template(
        "coproduction/proposal_form.html",
        form=form,
        edition=edition,
        call=found,
        proposal=None,
        is_open=services.is_open(found),
    )


@bp.route("/proposals/")
@requires(Role.ATTENDEE)
def my_proposals():
    return render_template(
        "coproduction/my_proposals.html",
        proposals=services.proposals_of(current_user),
        status_labels={status.value: status.label for status in ProposalStatus},
    )


@bp.route("/proposals/<int:proposal_id>")
@requires(Role.ATTENDEE)
def proposal(proposal_id: int):
    found = proposal_or_404(proposal_id)
    decision = services.current_decision(found)
    equality_link = equality_offer()
    if (
        equality_link is None
        and found.status == ProposalStatus.ACCEPTED
        and found.proposer_id == current_user.id
    ):
        # Accepted: the proposer is asked again, once per edition, as the stage "accepted"
        # (the answers are not linked to this proposal or to the earlier ones).
        edition_id = services.call_of(found).edition_id
        equality_link = offer_equality_questions_once(current_user.id, edition_id, "accepted")
    return render_template(
        "coproduction/proposal.html",
        proposal=found,
        co_proposers=services.co_proposers_of(found),
        decision=decision if decision and decision.stands_at else None,
        can_edit=found.proposer_id == current_user.id and services.can_edit(found),
        can_withdraw=found.proposer_id == current_user.id and services.decidable(found),
        withdraw_form=ActionForm(),
        ProposalStatus=ProposalStatus,
        equality_link=equality_link,
    )


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def edit_proposal(proposal_id: int):
    found = proposal_or_404(proposal_id)
    if found.proposer_id != current_user.id:
        abort(404)
    call = services.call_of(found)
    edition = services.edition_of(call)
    form = ProposalForm()
    if request.method == "GET":
        form.process(obj=found)
        form.unavailable.data = "\n".join(item["text"] for item in found.unavailable)
        form.co_proposers.data = "\n".join(
            f"{row.name}, {row.email}" for row in services.co_proposers_of(found)
        )
    if form.validate_on_submit():
        try:
            services.update_proposal(found, _details_from(form), current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Proposal saved.", "success")
            return redirect(url_for("coproduction.proposal", proposal_id=found.id))
    return render_template(
        "coproduction/proposal_form.html",
        form=form,
        edition=edition,
        call=call,
        proposal=found,
        is_open=services.can_edit(found),
    )


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@requires(Role.ATTENDEE)
def withdraw_proposal(proposal_id: int):
    found = proposal_or_404(proposal_id)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw_proposal(found, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash("Proposal withdrawn.", "success")
    return redirect(url_for("coproduction.proposal", proposal_id=found.id))


@bp.route("/proposals/invitations/<token>", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def invitation(token: str):
    invitee = services.invitation_for(token)
    found = services.get_proposal(invitee.proposal_id) if invitee else None
    form = ActionForm()
    if form.validate_on_submit() and request.form.get("answer") in ("yes", "no"):
        try:
            services.respond_to_invitation(token, current_user, request.form["answer"] == "yes")
        except DomainError as error:
            refuse(error)
        else:
            flash("Thank you: your answer is saved.", "success")
            return redirect(url_for("coproduction.my_proposals"))
    return render_template(
        "coproduction/invitation.html", invitee=invitee, proposal=found, form=form
    ), (200 if invitee else 404)
