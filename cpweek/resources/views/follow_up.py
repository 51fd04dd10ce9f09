"""After the event: the organisers' page for one event that has ended (recording, slides,
transcript, "you said, we did", and publishing them)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.forms import refuse, show_error
from cpweek.programme import services as programme
from cpweek.programme.models import MAX_ID
from cpweek.resources.follow_up_forms import FollowUpForm, PublishFollowUpForm
from cpweek.resources.services import follow_up as service
from cpweek.resources.views.common import bp


@bp.route("/manage/events/<int:event_id>/after", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def follow_up(event_id: int):
    event = programme.get_event(event_id) if event_id <= MAX_ID else None
    if event is None:
        abort(404)
    refused = service.refusal(event)
    if refused:
        # A plain page saying why, not an error: the organiser only came too early (or late).
        page = render_template(
            "resources/follow_up.html", event=event, refused=refused, state=None, form=None
        )
        return page, (409 if request.method == "POST" else 200)
    if request.method == "POST" and "publish" in request.form:
        return _publish(event)
    state = service.follow_up_of(event)
    form = FollowUpForm(obj=None if request.method == "POST" else _shown(state))
    if form.validate_on_submit():
        try:
            service.save_follow_up(event, _input(form), current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Saved. Recordings and slides stay drafts until you publish them.", "success")
            return redirect(url_for("resources.follow_up", event_id=event.id))
    return render_template(
        "resources/follow_up.html",
        event=event,
        refused=None,
        state=state,
        form=form,
        publish_form=PublishFollowUpForm(),
        to_tell=len(service.people_to_tell(event)),
    )


def _publish(event):
    form = PublishFollowUpForm()
    state = service.follow_up_of(event)
    if form.validate_on_submit():
        resource = state.recording if form.publish.data == "recording" else state.slides
        if resource is None:
            abort(404)
        try:
            told = service.publish(resource, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash(_published_message(resource.title, told), "success")
    return redirect(url_for("resources.follow_up", event_id=event.id))


def _published_message(title: str, told: int | None) -> str:
    if told is None:
        return f"\u201c{title}\u201d is published."
    people = "1 person" if told == 1 else f"{told} people"
    return (
        f"\u201c{title}\u201d is published. {people} who had a place were emailed that it is ready."
    )


class _Shown:
    """What the form shows on arrival: what is saved."""

    def __init__(self, state: service.FollowUp):
        recording = state.recording
        self.recording_url = state.link_of(recording)
        self.captions_by_host = bool(recording and recording.captions_by_host)
        self.transcript = recording.transcript if recording else ""
        self.slides_url = state.link_of(state.slides)
        self.you_said_we_did = state.summary.you_said_we_did if state.summary else ""


def _shown(state: service.FollowUp) -> _Shown:
    return _Shown(state)


def _input(form: FollowUpForm) -> service.FollowUpInput:
    return service.FollowUpInput(
        recording_url=(form.recording_url.data or "").strip(),
        captions_by_host=bool(form.captions_by_host.data),
        slides_url=(form.slides_url.data or "").strip(),
        transcript=form.transcript.data or "",
        you_said_we_did=form.you_said_we_did.data or "",
    )
