"""The call for proposals (public), proposers' pages, co-proposer invitations, the review
panel (co-producers and organisers), shared decisions, the organisers' call settings, and the
public page on how the programme was co-produced."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.coproduction import schedule, services
from cpweek.coproduction.forms import (
    BreakForm,
    CallForm,
    CancelInDraftForm,
    CriterionForm,
    CriterionWeightForm,
    DecisionForm,
    DraftChangeForm,
    PlaceForm,
    ProposalForm,
    ReleaseForm,
    review_form,
    score_label,
    uk_instant,
)
from cpweek.coproduction.models import SCORE_MAX, SCORE_MIN, ProposalStatus
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.programme import services as programme
from cpweek.timezones import to_local, utcnow

bp = Blueprint("coproduction", __name__)
REVIEWERS = services.REVIEWER_ROLES


def _edition_and_call(year: int):
    edition = programme.get_edition(year)
    call = services.get_call(edition) if edition else None
    if call is None:
        abort(404)
    return edition, call


def _proposal_or_404(proposal_id: int):
    proposal = services.get_proposal(proposal_id)
    if proposal is None or not services.may_see(proposal, current_user):
        abort(404)
    return proposal


# --- public -------------------------------------------------------------------------------


@bp.route("/<int:year>/call")
@public
def call(year: int):
    edition, found = _edition_and_call(year)
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
    edition, found = _edition_and_call(year)
    return render_template(
        "coproduction/how_it_was_made.html", edition=edition, made=services.how_it_was_made(found)
    )


# --- proposers ----------------------------------------------------------------------------


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
    edition, found = _edition_and_call(year)
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            proposal = services.submit_proposal(found, current_user, _details_from(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Proposal sent. You can change it until suggestions close.", "success")
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
    found = _proposal_or_404(proposal_id)
    decision = services.current_decision(found)
    return render_template(
        "coproduction/proposal.html",
        proposal=found,
        co_proposers=services.co_proposers_of(found),
        decision=decision if decision and decision.stands_at else None,
        can_edit=found.proposer_id == current_user.id and services.can_edit(found),
        can_withdraw=found.proposer_id == current_user.id and services.decidable(found),
        withdraw_form=ActionForm(),
        ProposalStatus=ProposalStatus,
    )


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def edit_proposal(proposal_id: int):
    found = _proposal_or_404(proposal_id)
    if found.proposer_id != current_user.id:
        abort(404)
    call = services.get_call_by_id(found.call_id)
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
    found = _proposal_or_404(proposal_id)
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


# --- the review panel ---------------------------------------------------------------------


@bp.route("/review/<int:year>/")
@requires(*REVIEWERS)
def review_queue(year: int):
    edition, found = _edition_and_call(year)
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
    found = _proposal_or_404(proposal_id)
    call = services.get_call_by_id(found.call_id)
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
    found = _proposal_or_404(proposal_id)
    call = services.get_call_by_id(found.call_id)
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
    found = _proposal_or_404(proposal_id)
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
    edition, found = _edition_and_call(year)
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
    if criterion is None:
        abort(404)
    call = services.get_call_by_id(criterion.call_id)
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


# --- organisers: the call's settings ------------------------------------------------------


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
    edition = programme.get_edition(year)
    if edition is None:
        abort(404)
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
    edition, found = _edition_and_call(year)
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


# --- the schedule draft and its releases --------------------------------------------------


def _edition_or_404(year: int):
    edition = programme.get_edition(year)
    if edition is None:
        abort(404)
    return edition


class _TimesUnclear(Exception):
    """A UK time typed in a schedule form does not exist, or happens twice and the person has
    not yet said which: the form says so next to the field."""


def _times(form, day, zone: str, *names: str) -> list[datetime]:
    # Every field is read before refusing, so each unclear one gets its own message.
    instants = [
        uk_instant(form, name, datetime.combine(day, getattr(form, name).data), zone)
        for name in names
    ]
    if None in instants:
        raise _TimesUnclear
    return instants


def _schedule_forms(edition, placed, unplaced):
    choices = [(item.event.id, f"{item.event.title} ({item.event.status})") for item in placed] + [
        (event.id, f"{event.title} (draft, not placed)") for event in unplaced
    ]
    place_form = PlaceForm(formdata=None)
    change_form = DraftChangeForm(formdata=None)
    cancel_form = CancelInDraftForm(formdata=None)
    break_form = BreakForm(formdata=None)
    place_form.event_id.choices = choices
    change_form.change_event_id.choices = [(i.event.id, i.event.title) for i in placed]
    cancel_form.cancel_event_id.choices = [
        (i.event.id, i.event.title)
        for i in placed
        if i.event.status == "published" and not i.cancelled
    ]
    break_form.conference_id.choices = [
        (item.event.id, item.event.title) for item in placed if item.event.kind == "conference"
    ]
    return {
        "place_form": place_form,
        "change_form": change_form,
        "cancel_form": cancel_form,
        "break_form": break_form,
    }


_CHOICE_FIELDS = ("event_id", "change_event_id", "cancel_event_id", "conference_id")


def _schedule_page(edition, **bound):
    placed, unplaced = schedule.draft(edition)
    forms = _schedule_forms(edition, placed, unplaced)
    for name, form in bound.items():
        for field_name in _CHOICE_FIELDS:
            if hasattr(form, field_name):
                getattr(form, field_name).choices = getattr(forms[name], field_name).choices
        forms[name] = form
    release = schedule.pending_release(edition)
    return render_template(
        "coproduction/schedule.html",
        edition=edition,
        days=schedule.grid(edition, placed),
        unplaced=unplaced,
        conflicts=schedule.conflicts(edition, placed),
        changes=schedule.pending_changes(edition, placed),
        release=release,
        signed=schedule.sign_offs(release) if release else [],
        release_form=bound.get("release_form") or ReleaseForm(formdata=None),
        published=schedule.releases(edition),
        **{name: form for name, form in forms.items() if name != "release_form"},
    )


@bp.route("/manage/<int:year>/schedule")
@requires(*REVIEWERS)
def schedule_draft(year: int):
    return _schedule_page(_edition_or_404(year))


def _schedule_action(year: int, form, form_name: str, action, done: str):
    edition = _edition_or_404(year)
    placed, unplaced = schedule.draft(edition)
    choices = _schedule_forms(edition, placed, unplaced)[form_name]
    for field_name in _CHOICE_FIELDS:
        if hasattr(form, field_name):
            getattr(form, field_name).choices = getattr(choices, field_name).choices
    if form.validate_on_submit():
        try:
            action(edition, form)
        except _TimesUnclear:
            pass  # nothing was changed; the fields say what to fix
        except DomainError as error:
            show_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("coproduction.schedule_draft", year=year))
    return _schedule_page(edition, **{form_name: form})


@bp.route("/manage/<int:year>/schedule/place", methods=["POST"])
@requires(Role.ORGANISER)
def place(year: int):
    def act(edition, form):
        event = programme.get_event(form.event_id.data)
        starts, ends = _times(form, form.day.data, edition.timezone, "start", "end")
        schedule.place(event, starts, ends, form.track.data or "", current_user)

    return _schedule_action(year, PlaceForm(), "place_form", act, "Placed in the draft.")


@bp.route("/manage/<int:year>/schedule/change", methods=["POST"])
@requires(Role.ORGANISER)
def change_draft(year: int):
    def act(edition, form):
        schedule.undo(programme.get_event(form.change_event_id.data), current_user)

    return _schedule_action(
        year,
        DraftChangeForm(),
        "change_form",
        act,
        "Change undone: the session is back as it is in the published programme.",
    )


@bp.route("/manage/<int:year>/schedule/cancel", methods=["POST"])
@requires(Role.ORGANISER)
def cancel_in_draft(year: int):
    def act(edition, form):
        schedule.cancel_in_draft(programme.get_event(form.cancel_event_id.data), current_user)

    return _schedule_action(
        year,
        CancelInDraftForm(),
        "cancel_form",
        act,
        "The session is cancelled in the draft. Nobody is told until the next release is "
        "signed off.",
    )


@bp.route("/manage/<int:year>/schedule/breaks", methods=["POST"])
@requires(Role.ORGANISER)
def add_break(year: int):
    def act(edition, form):
        starts, ends = _times(
            form, form.break_day.data, edition.timezone, "break_start", "break_end"
        )
        schedule.add_break(
            programme.get_event(form.conference_id.data),
            starts,
            ends,
            form.label.data or "",
            current_user,
        )

    return _schedule_action(year, BreakForm(), "break_form", act, "Break added.")


@bp.route("/manage/<int:year>/schedule/release", methods=["POST"])
@requires(Role.ORGANISER)
def prepare_release(year: int):
    edition = _edition_or_404(year)
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            schedule.prepare_release(edition, current_user, form.override_reason.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                "Release prepared: it is published once a co-producer and an organiser "
                "have both signed it off.",
                "success",
            )
            return redirect(url_for("coproduction.schedule_draft", year=year) + "#release")
    return _schedule_page(edition, release_form=form)


@bp.route("/manage/releases/<int:release_id>/sign-off", methods=["POST"])
@requires(*REVIEWERS)
def sign_off(release_id: int):
    release = schedule.get_release(release_id)
    if release is None:
        abort(404)
    edition = programme.get_edition_by_id(release.edition_id)
    if ActionForm().validate_on_submit():
        try:
            published = schedule.sign_off(release, current_user)
        except schedule.ReleaseOutdated as error:
            flash(error.message, "error")  # kept: the release is marked outdated
        except DomainError as error:
            refuse(error)
        else:
            flash(
                f"Signed off: release {release.number} is published and everyone affected "
                "has been told."
                if published
                else "Signed off. It is published once both a co-producer and an organiser have.",
                "success",
            )
    return redirect(url_for("coproduction.schedule_draft", year=edition.year) + "#release")


@bp.route("/<int:year>/changes")
@public
def changes(year: int):
    edition = _edition_or_404(year)
    return render_template(
        "coproduction/changes.html",
        edition=edition,
        releases=schedule.releases(edition),
        words=schedule.KIND_WORDS,
        details=schedule.change_details,
    )


@bp.route("/<int:year>/changes.atom")
@public
def changes_feed(year: int):
    edition = _edition_or_404(year)
    return Response(schedule.atom_feed(edition), content_type="application/atom+xml; charset=utf-8")
