"""The private pages behind the link in every registration email: see the registration, change
access needs, cancel. No sign-in needed: the signed link is the key."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for

from cpweek import equality_offers, signals
from cpweek.auth.permissions import public
from cpweek.programme import calendar, services
from cpweek.programme.forms import AccessNeedsForm, ConfirmForm
from cpweek.programme.models import RegistrationStatus
from cpweek.programme.views.blueprint import bp

# The equality questions' link, kept in this browser's session cookie between the action
# (registering; proposing and becoming a contributor use these too) and the page it lands on,
# and shown there once. Never in the address: the two tokens would sit side by side in every
# log of requests.
EQUALITY_LINK = "equality_link"


def offer_equality_questions(
    person_id: int | None, edition_id: int, stage: str = "registration"
) -> None:
    """Ask the rooms above for a link to the optional equality questions (reports answers with
    a single-use invitation that knows the edition and the stage, not the person), for the
    next page this browser opens to show once (`equality_offer`). Once per person, edition and
    stage: someone registering for ten events of a week is asked once, or their answers would
    count as ten people in tables whose suppression assumes one answer a person."""
    link = offer_equality_questions_once(person_id, edition_id, stage) if person_id else None
    if link:
        session[EQUALITY_LINK] = link


def equality_offer() -> str | None:
    """The link offered after the action, once; None on every later visit."""
    return session.pop(EQUALITY_LINK, None)


def offer_equality_questions_once(person_id: int, edition_id: int, stage: str) -> str | None:
    """For a stage a person reaches while away (a proposal accepted, a payment recorded): the
    link to show on the page they are on now, the first time only for this person, edition and
    stage (`equality_offers`, whichever browser they use); None after that."""
    if not equality_offers.first_offer(person_id, edition_id, stage):
        return None
    return signals.monitoring_link(edition_id, stage)


def _registration_or_404(token: str):
    registration = services.registration_for_token(token)
    if registration is None:
        abort(404)
    return registration


@bp.route("/registrations/<token>", methods=["GET", "POST"])
@public
def manage_registration(token: str):
    """The private page behind the link in every registration email: no sign-in needed."""
    registration = _registration_or_404(token)
    event, edition = services.event_with_edition(registration.event_id)
    form = AccessNeedsForm()
    if request.method == "GET":
        form.access_needs.data = list(registration.access_needs)
        form.access_notes.data = registration.access_notes
    if registration.is_live and form.validate_on_submit():
        services.update_access_needs(
            registration, form.access_needs.data or [], form.access_notes.data or ""
        )
        flash("Your access needs are saved. Thank you for telling us.", "success")
        return redirect(url_for("programme.manage_registration", token=token))
    return render_template(
        "programme/manage_registration.html",
        registration=registration,
        event=event,
        edition=edition,
        position=services.waitlist_position(registration),
        form=form,
        token=token,
        email=services.registration_email(registration),
        equality_link=equality_offer(),
        companion=services.has_companion(registration),
        ics_url=url_for("programme.event_ics", year=edition.year, slug=event.slug),
        google_url=calendar.google_calendar_link(edition, event),
        outlook_url=calendar.outlook_calendar_link(edition, event),
    )


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
@public
def cancel_registration(token: str):
    registration = _registration_or_404(token)
    event, edition = services.event_with_edition(registration.event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        was_waiting = registration.status == RegistrationStatus.WAITLISTED.value
        services.cancel_registration(registration)
        flash(
            "You have left the waiting list."
            if was_waiting
            else "Your registration is cancelled. Thank you for letting us know.",
            "success",
        )
        return redirect(url_for("programme.manage_registration", token=token))
    return render_template(
        "programme/cancel_registration.html",
        registration=registration,
        event=event,
        edition=edition,
        form=form,
        token=token,
    )
