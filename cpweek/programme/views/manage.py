"""Organisers' pages for the programme: editions, and creating, editing, publishing and
cancelling events."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.forms import refuse, show_error
from cpweek.programme import easy_read, services
from cpweek.programme.forms import ConfirmForm, EditionForm, EventForm
from cpweek.programme.models import EventStatus
from cpweek.programme.views.blueprint import bp, edition_or_404, event_or_404
from cpweek.timezones import to_local


@bp.route("/manage/")
@requires(Role.ORGANISER)
def manage():
    return render_template(
        "programme/manage.html", overview=services.edition_overview(), statuses=list(EventStatus)
    )


def _submitted_details(form: EventForm, edition) -> services.EventDetails | None:
    """The posted form as EventDetails, or None when something is wrong (shown on the form).

    The UK times are read even when another field is wrong, so a time that happens twice is
    asked about (BST or GMT) at once, not after the rest is put right."""
    valid = form.validate_on_submit()
    instants = form.local_instants(edition.timezone) if form.is_submitted() else None
    if not valid or instants is None:
        return None
    starts_at, ends_at = instants["start_time"], instants["end_time"]
    if starts_at is None or ends_at is None:  # required fields: a valid form has both
        return None
    try:
        hosts = services.parse_hosts(form.hosts.data or "")
    except DomainError as error:
        show_error(form, error)
        return None
    return services.EventDetails(
        title=form.title.data.strip(),
        slug=services.slugify(form.slug.data or form.title.data),
        kind=form.kind.data,
        format=form.format.data,
        parent_id=form.parent_id.data,
        starts_at=starts_at,
        ends_at=ends_at,
        summary=(form.summary.data or "").strip(),
        description=(form.description.data or "").strip(),
        hosted_by=(form.hosted_by.data or "").strip(),
        hosts=hosts,
        venue=(form.venue.data or "").strip(),
        online_platform=(form.online_platform.data or "").strip(),
        join_url=(form.join_url.data or "").strip(),
        capacity=form.capacity.data,
        online_capacity=form.online_capacity.data,
        access_offer=list(form.access_offer.data or []),
        registration_opens_at=instants["registration_opens_at"],
        registration_closes_at=instants["registration_closes_at"],
        easy_read="\n".join(easy_read.lines(form.easy_read.data)),
        easy_read_image_url=(form.easy_read_image_url.data or "").strip(),
        easy_read_image_alt=(form.easy_read_image_alt.data or "").strip(),
    )


def _event_form(edition, event=None) -> EventForm:
    form = EventForm(obj=None)
    form.parent_id.choices = [SelectChoice("", "Not part of a conference")] + [
        SelectChoice(str(conference.id), conference.title)
        for conference in services.conferences_of(edition)
        if event is None or conference.id != event.id
    ]
    if event is not None and request.method == "GET":
        starts = to_local(event.starts_at, edition.timezone)
        ends = to_local(event.ends_at, edition.timezone)
        form.title.data, form.slug.data = event.title, event.slug
        form.kind.data, form.format.data = event.kind, event.format
        form.parent_id.data = event.parent_id
        form.day.data, form.start_time.data = starts.date(), starts.time()
        form.end_time.data = ends.time()
        form.start_time_fold.data, form.end_time_fold.data = str(starts.fold), str(ends.fold)
        form.venue.data, form.online_platform.data = event.venue, event.online_platform
        form.join_url.data, form.capacity.data = event.join_url, event.capacity
        form.online_capacity.data = event.online_capacity
        for name in ("registration_opens_at", "registration_closes_at"):
            value = getattr(event, name)
            local = to_local(value, edition.timezone) if value else None
            getattr(form, name).data = local.replace(tzinfo=None) if local else None
            getattr(form, f"{name}_fold").data = str(local.fold) if local else None
        form.hosted_by.data = event.hosted_by
        form.hosts.data = "\n".join(
            f"{host.name}, {host.email}" if host.email else host.name
            for host in services.event_hosts(event)
        )
        form.access_offer.data = list(event.access_offer)
        form.summary.data, form.description.data = event.summary, event.description
        form.easy_read.data = event.easy_read
        form.easy_read_image_url.data = event.easy_read_image_url
        form.easy_read_image_alt.data = event.easy_read_image_alt
        # A saved time that happens twice shows which one it is, already chosen.
        form.local_instants(edition.timezone)
    return form


@bp.route("/manage/<int:year>/")
@requires(Role.ORGANISER)
def manage_edition(year: int):
    edition = edition_or_404(year)
    return render_template(
        "programme/manage_edition.html",
        edition=edition,
        rows=services.edition_events_for_organisers(edition),
    )


@bp.route("/manage/<int:year>/events/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def new_event(year: int):
    edition = edition_or_404(year)
    form = _event_form(edition)
    details = _submitted_details(form, edition)
    if details is not None:
        try:
            event, warnings = services.create_event(edition, details, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"“{event.title}” is saved as a draft. Publish it when it is ready.", "success")
            for warning in warnings:
                flash(warning, "info")
            return redirect(url_for("programme.edit_event", event_id=event.id))
    return render_template("programme/event_form.html", edition=edition, form=form, event=None)


@bp.route("/manage/events/<int:event_id>/edit", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def edit_event(event_id: int):
    event = event_or_404(event_id)
    edition = services.get_edition_by_id(event.edition_id)
    form = _event_form(edition, event)
    details = _submitted_details(form, edition)
    if details is not None:
        try:
            update = services.update_event(event, details, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_saved_message(update), "success")
            for warning in update.warnings:
                flash(warning, "info")
            return redirect(url_for("programme.edit_event", event_id=event.id))
    return render_template(
        "programme/event_form.html",
        edition=edition,
        form=form,
        event=event,
        publish_form=ConfirmForm(),
    )


def _saved_message(update: services.EventUpdate) -> str:
    if not update.changed:
        return "Nothing had changed."
    if update.calendars_updated:
        return (
            "Saved. Everyone registered has been emailed the new details with an updated "
            "calendar invitation, and subscribed calendars will update."
        )
    return "Saved."


@bp.route("/manage/events/<int:event_id>/publish", methods=["POST"])
@requires(Role.ORGANISER)
def publish_event(event_id: int):
    event = event_or_404(event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.publish_event(event, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash(f"“{event.title}” is published.", "success")
    return redirect(url_for("programme.edit_event", event_id=event.id))


@bp.route("/manage/events/<int:event_id>/cancel", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def cancel_event(event_id: int):
    event = event_or_404(event_id)
    _, edition = services.event_with_edition(event.id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            told = services.cancel_event(event, current_user)
        except DomainError as error:
            refuse(error)
            return redirect(url_for("coproduction.schedule_draft", year=edition.year))
        flash(f"“{event.title}” is cancelled. {told} people were emailed.", "success")
        return redirect(url_for("programme.manage_edition", year=edition.year))
    return render_template(
        "programme/cancel_event.html",
        event=event,
        edition=edition,
        form=form,
        registered=services.confirmed_counts([event.id])[event.id],
    )


def _edition_details(form: EditionForm) -> services.EditionDetails:
    return services.EditionDetails(
        year=form.year.data,
        theme=form.theme.data.strip(),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        summary=(form.summary.data or "").strip(),
        status=form.status.data,
    )


@bp.route("/manage/editions/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def new_edition():
    form = EditionForm()
    if form.validate_on_submit():
        try:
            edition = services.save_edition(_edition_details(form), current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Co-production Week {edition.year} is saved. Now add its events.", "success")
            return redirect(url_for("programme.manage_edition", year=edition.year))
    return render_template("programme/edition_form.html", form=form, edition=None)


@bp.route("/manage/<int:year>/edit", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def edit_edition(year: int):
    edition = edition_or_404(year)
    form = EditionForm(obj=edition if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_edition(_edition_details(form), current_user, edition)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Saved.", "success")
            return redirect(url_for("programme.manage_edition", year=edition.year))
    return render_template("programme/edition_form.html", form=form, edition=edition)
