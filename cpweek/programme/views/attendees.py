"""Organisers' pages for the people coming: registrations (on screen and as CSV), registering
someone who phoned or wrote, and check-in at the door."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.csvfiles import csv_download
from cpweek.errors import DomainError
from cpweek.forms import refuse, show_error
from cpweek.programme import services
from cpweek.programme.forms import AssistedRegistrationForm, ConfirmForm
from cpweek.programme.models import RegistrationStatus
from cpweek.programme.views.blueprint import bp, event_or_404


@bp.route("/manage/events/<int:event_id>/registrations")
@requires(Role.ORGANISER)
def event_registrations(event_id: int):
    event = event_or_404(event_id)
    return render_template(
        "programme/registrations.html",
        event=event,
        edition=services.get_edition_by_id(event.edition_id),
        rows=services.event_registrations(event),
        summary=services.access_summary(event),
        places_left=services.total_places_left(event),
    )


@bp.route("/manage/events/<int:event_id>/registrations.csv")
@requires(Role.ORGANISER)
def event_registrations_csv(event_id: int):
    event = event_or_404(event_id)
    return csv_download(services.registrations_csv(event), f"{event.slug}-registrations.csv")


ASSISTED_ALREADY_REGISTERED_MESSAGE = (
    "Someone with this email address is already registered for this event or on its waiting "
    "list. Find them on the registrations page, or use another email address."
)


@bp.route("/manage/events/<int:event_id>/registrations/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def assisted_registration(event_id: int):
    event = event_or_404(event_id)
    form = AssistedRegistrationForm()
    if not event.is_hybrid:
        del form.attendance
    if form.validate_on_submit():
        applicant = services.Applicant(
            name=form.name.data,
            email=(form.email.data or "").strip() or None,
            organisation=form.organisation.data or "",
            access_needs=tuple(form.access_needs.data or ()),
            access_notes=form.access_notes.data or "",
            consent_to_contact=form.consent_to_contact.data,
            contact_phone=form.contact_phone.data or "",
            contact_address=form.contact_address.data or "",
            attendance=(form.attendance.data or "") if form.attendance else "",
            easy_read=form.easy_read.data,
        )
        try:
            registration = services.register_assisted(
                event, applicant, current_user, companion=form.companion.data
            )
        except services.AlreadyRegistered:
            # The service speaks to the person ("You are already ..."); here an organiser reads.
            show_error(form, DomainError(ASSISTED_ALREADY_REGISTERED_MESSAGE, "email"))
        except DomainError as error:
            show_error(form, error)
        else:
            position = services.waitlist_position(registration)
            flash(
                f"{registration.name} is registered"
                + (f" on the waiting list (number {position})." if position else " with a place."),
                "success",
            )
            return redirect(url_for("programme.event_registrations", event_id=event.id))
    return render_template(
        "programme/assisted_registration.html",
        event=event,
        edition=services.get_edition_by_id(event.edition_id),
        form=form,
    )


@bp.route("/manage/events/<int:event_id>/check-in")
@requires(Role.ORGANISER)
def check_in(event_id: int):
    event = event_or_404(event_id)
    rows = services.check_in_list(event)
    return render_template(
        "programme/check_in.html",
        event=event,
        rows=rows,
        form=ConfirmForm(),
        arrived=sum(
            1
            for registration, _ in rows
            if registration.status == RegistrationStatus.ATTENDED.value
        ),
    )


@bp.route("/manage/registrations/<int:registration_id>/check-in", methods=["POST"])
@requires(Role.ORGANISER)
def mark_arrived(registration_id: int):
    registration = services.get_registration(registration_id)
    if registration is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        arrived = request.form.get("arrived") == "yes"
        try:
            services.set_checked_in(registration, arrived, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash(f"{registration.name}: {'arrived' if arrived else 'arrival undone'}.", "success")
    return redirect(
        url_for("programme.check_in", event_id=registration.event_id)
        + f"#registration-{registration.id}"
    )
