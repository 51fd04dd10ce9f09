"""Public pages (home, every year, an edition's programme with filters, an event with its
registration form, calendars), the private manage-link pages, a person's own calendar and
access profile, and the organisers' pages for editions, events, registrations and check-in."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.auth.views import safe_next
from cpweek.coproduction import services as coproduction
from cpweek.csvfiles import csv_download
from cpweek.errors import DomainError
from cpweek.evidence.services import catalogue as evidence_catalogue
from cpweek.evidence.services import citations as evidence_citations
from cpweek.extensions import limiter
from cpweek.forms import refuse, show_error
from cpweek.fragments import cached_html
from cpweek.httpcache import revalidated
from cpweek.programme import calendar, easy_read, services
from cpweek.programme.forms import (
    AccessNeedsForm,
    AssistedRegistrationForm,
    ConfirmForm,
    EditionForm,
    EventForm,
    RegistrationForm,
    RenewFeedForm,
)
from cpweek.programme.models import (
    AccessNeed,
    EventFormat,
    EventKind,
    EventStatus,
    RegistrationStatus,
)
from cpweek.reciprocity import services as reciprocity
from cpweek.security import policy_allowing_images
from cpweek.timezones import format_time_range, to_local
from cpweek.urls import absolute_url

bp = Blueprint("programme", __name__)
bp.add_app_template_global(cached_html)


def _calendar_response(file: services.CalendarFile, filename: str) -> Response:
    """A calendar file that answers conditional requests (ETag, Last-Modified, 304); the file is
    built only when the client's copy is out of date."""
    response = Response(content_type=calendar.CONTENT_TYPE)
    response.headers["Content-Disposition"] = calendar.content_disposition(filename)
    response.headers["Cache-Control"] = "no-cache"  # revalidate every time: cheap with a 304
    response.set_etag(file.etag)
    if file.last_modified is not None:
        response.last_modified = file.last_modified
    response = response.make_conditional(request)
    if response.status_code == 200:
        response.set_data(calendar.built_files.get_or_build(file.etag, file.build))
    return response


def _edition_or_404(year: int):
    edition = services.get_edition(year)
    if edition is None:
        abort(404)
    return edition


@bp.route("/")
@public
def home():
    today = services.today_in()
    edition = services.current_or_next_edition(today)
    call = coproduction.get_call(edition) if edition else None
    return render_template(
        "programme/home.html",
        edition=edition,
        phase=services.edition_phase(edition, today) if edition else None,
        editions=services.list_editions(),
        call=call,
        call_open=bool(call and coproduction.is_open(call)),
        next_events=services.next_events(),
    )


@bp.route("/editions")
@public
def editions():
    return render_template("programme/editions.html", editions=services.list_editions())


@bp.route("/<int:year>/")
@public
@revalidated
def programme(year: int):
    edition = _edition_or_404(year)
    all_events = services.public_events(edition)
    wanted = services.ProgrammeFilter(
        kinds=set(request.args.getlist("kind")) & {kind.value for kind in EventKind},
        formats=set(request.args.getlist("format")) & {f.value for f in EventFormat},
        access=set(request.args.getlist("access")) & {need.value for need in AccessNeed},
        text=request.args.get("q", "")[:200].strip(),
    )
    events = services.filter_events(all_events, wanted)
    # Calendar apps keep this address, so it is the site's public one, not this request's host.
    feed = absolute_url("programme.edition_feed", year=year)
    return render_template(
        "programme/programme.html",
        edition=edition,
        days=services.programme_by_day(edition, events),
        event_count=len(events),
        total_count=len(all_events),
        wanted=wanted,
        kinds=list(EventKind),
        formats=list(EventFormat),
        access_needs=[need for need in AccessNeed if need is not AccessNeed.PERSONAL_ASSISTANT],
        places=services.places_left_for(events),
        feed_url=feed,
        webcal_url=calendar.webcal_url(feed),
        hubs=evidence_catalogue.collections_for_edition(edition.id),
    )


@bp.route("/<int:year>/calendar.ics")
@public
def edition_feed(year: int):
    edition = _edition_or_404(year)
    return _calendar_response(services.edition_calendar(edition), f"cpweek-{year}.ics")


@bp.route("/<int:year>/events/<slug>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["REGISTRATION_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    scope="registration",
)
@revalidated
def event(year: int, slug: str):
    edition = _edition_or_404(year)
    found = services.get_public_event(edition, slug)
    if found is None:
        abort(404)
    signed_in = current_user.is_authenticated
    parent, children = services.related_events(found)
    workshop_places = services.places_left_for(children)
    form = RegistrationForm()
    form.workshops.choices = [
        SelectChoice(str(child.id), _workshop_label(child, edition, workshop_places[child.id]))
        for child in children
        if child.id in workshop_places
    ]
    if signed_in:
        form.for_signed_in_person(current_user)
    else:
        form.for_anonymous_person()
    if not found.is_hybrid:
        del form.attendance
    easy = easy_read.wanted(request)
    if easy:
        form.in_easy_read()
    if form.validate_on_submit():
        applicant = services.Applicant(
            name=current_user.name if signed_in else form.name.data,
            email=None if signed_in else form.email.data,
            organisation=form.organisation.data or "",
            access_needs=tuple(form.access_needs.data or ()),
            access_notes=form.access_notes.data or "",
            consent_to_contact=form.consent_to_contact.data,
            attendance=(form.attendance.data or "") if form.attendance else "",
            easy_read=easy,
        )
        try:
            registration = services.register(
                found,
                applicant,
                person=current_user if signed_in else None,
                workshop_ids=form.workshops.data or (),
                companion=form.companion.data,
            )
        except services.AlreadyRegistered as error:
            if signed_in:
                flash(error.message, "info")
                return redirect(_manage_path(error.registration))
            # Not signed in: the manage link goes to the address's owner, not to this browser.
            # The form comes back as typed (nobody thinks their typing was lost), the message
            # at the email address, and the resent mail is kept (no `show_error`: that would
            # roll the outbox back).
            services.resend_manage_link(error.registration)
            form.email.errors = [*form.email.errors, ALREADY_REGISTERED_MESSAGE]
        except DomainError as error:
            show_error(form, error)
        else:
            if signed_in and form.save_profile.data:
                services.save_access_profile(
                    current_user, applicant.access_needs, applicant.access_notes
                )
            flash(_registered_message(registration), "success")
            return redirect(_manage_path(registration))
    mine = services.registrations_of(current_user, [found.id]).get(found.id) if signed_in else None
    page = render_template(
        "programme/event.html",
        edition=edition,
        event=found,
        parent=parent,
        children=children,
        places_left=services.total_places_left(found),
        places_by_mode=services.places_by_mode(found) if found.is_hybrid else None,
        closed_reason=services.registration_closed_reason(found),
        mine=mine,
        manage_path=_manage_path(mine) if mine else None,
        form=form,
        ics_url=url_for("programme.event_ics", year=year, slug=found.slug),
        credits=reciprocity.public_credits(found.id),
        evidence=evidence_citations.items_cited_by(found.id),
        google_url=calendar.google_calendar_link(edition, found),
        outlook_url=calendar.outlook_calendar_link(edition, found),
        easy=easy,
        easy_lines=easy_read.lines(found.easy_read) if easy else [],
    )
    response = make_response(page)
    response.vary.add("Cookie")  # the reading version comes from a cookie
    if easy_read.asked_in_link(request):
        easy_read.remember(response, easy_read.asked_in_link(request))
    if easy:
        origin = easy_read.picture_origin(found.easy_read_image_url)
        if origin:
            response.headers["Content-Security-Policy"] = policy_allowing_images(origin)
    return response


@bp.route("/reading-version", methods=["POST"])
@public
def reading_version():
    """The Easy Read switch: keep the person's choice (signed in or not) and go back to the
    page it was pressed on. A plain form, so it works without JavaScript."""
    version = request.form.get("version")
    if version not in (easy_read.EASY, easy_read.STANDARD):
        abort(400)
    back = safe_next(request.form.get("next")) or url_for("programme.home")
    response = redirect(back)
    easy_read.remember(response, version)
    return response


def _workshop_label(workshop, edition, places) -> str:
    when = format_time_range(workshop.starts_at, workshop.ends_at, edition.timezone)
    if places is None:
        left = "no limit on places"
    elif places == 0:
        left = "full: you would join its waiting list"
    else:
        left = f"{places} {'place' if places == 1 else 'places'} left"
    return f"{when}: {workshop.title} ({left})"


ALREADY_REGISTERED_MESSAGE = (
    "This email address is already registered for this event, so we have not registered it "
    "again. We have emailed that address the link to see, change or cancel the registration. "
    "To register someone else, change the email address."
)


ASSISTED_ALREADY_REGISTERED_MESSAGE = (
    "Someone with this email address is already registered for this event or on its waiting "
    "list. Find them on the registrations page, or use another email address."
)


def _manage_path(registration) -> str:
    return url_for("programme.manage_registration", token=services.manage_token(registration))


def _registered_message(registration) -> str:
    """What happened, and the address the email went to: someone who mistyped it finds out now."""
    position = services.waitlist_position(registration)
    address = services.registration_email(registration) or "you"
    if position:
        return (
            f"The event is full, so you are on the waiting list: number {position}. "
            f"We will email {address} if a place comes up."
        )
    return (
        f"Your place is booked. We have emailed the details and a calendar invitation to {address}."
    )


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


@bp.route("/calendar/<token>.ics")
@public
def personal_feed(token: str):
    file = services.personal_calendar(token)
    if file is None:
        abort(404)  # never issued, or replaced by a new address
    return _calendar_response(file, "my-co-production-week.ics")


@bp.route("/account/calendar", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def my_calendar():
    form = RenewFeedForm()
    if form.validate_on_submit():
        had_one = current_user.calendar_token is not None
        services.calendar_token_for(current_user, renew=True)
        flash(
            "Your feed has a new address. The old one no longer works: "
            "subscribe again with this one."
            if had_one
            else "Your calendar feed is ready.",
            "success",
        )
        return redirect(url_for("programme.my_calendar") + "#calendar-feed")
    feed = (
        absolute_url("programme.personal_feed", token=current_user.calendar_token)
        if current_user.calendar_token
        else None
    )
    return render_template(
        "programme/my_calendar.html",
        feed_url=feed,
        webcal_url=calendar.webcal_url(feed) if feed else None,
        registrations=[
            (registration, event, edition, _manage_path(registration))
            for registration, event, edition in services.person_registrations(current_user)
        ],
        form=form,
    )


@bp.route("/<int:year>/events/<slug>/calendar.ics")
@public
def event_ics(year: int, slug: str):
    edition = _edition_or_404(year)
    found = services.get_public_event(edition, slug)
    if found is None:
        abort(404)
    return _calendar_response(services.event_calendar(edition, found), f"{found.slug}.ics")


@bp.route("/manage/")
@requires(Role.ORGANISER)
def manage():
    return render_template(
        "programme/manage.html", overview=services.edition_overview(), statuses=list(EventStatus)
    )


# --- organisers: the programme's events -----------------------------------------------------


def _event_or_404(event_id: int):
    event = services.get_event(event_id)
    if event is None:
        abort(404)
    return event


def _submitted_details(form: EventForm, edition) -> services.EventDetails | None:
    """The posted form as EventDetails, or None when something is wrong (shown on the form).

    The UK times are read even when another field is wrong, so a time that happens twice is
    asked about (BST or GMT) at once, not after the rest is put right."""
    valid = form.validate_on_submit()
    instants = form.local_instants(edition.timezone) if form.is_submitted() else None
    if not valid or instants is None:
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
        starts_at=instants["start_time"],
        ends_at=instants["end_time"],
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
    edition = _edition_or_404(year)
    return render_template(
        "programme/manage_edition.html",
        edition=edition,
        rows=services.edition_events_for_organisers(edition),
    )


@bp.route("/manage/<int:year>/events/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def new_event(year: int):
    edition = _edition_or_404(year)
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
    event = _event_or_404(event_id)
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
    event = _event_or_404(event_id)
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
    event = _event_or_404(event_id)
    edition = services.get_edition_by_id(event.edition_id)
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


@bp.route("/manage/events/<int:event_id>/registrations")
@requires(Role.ORGANISER)
def event_registrations(event_id: int):
    event = _event_or_404(event_id)
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
    event = _event_or_404(event_id)
    return csv_download(services.registrations_csv(event), f"{event.slug}-registrations.csv")


@bp.route("/manage/events/<int:event_id>/registrations/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def assisted_registration(event_id: int):
    event = _event_or_404(event_id)
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
    event = _event_or_404(event_id)
    rows = services.check_in_list(event)
    return render_template(
        "programme/check_in.html",
        event=event,
        rows=rows,
        form=ConfirmForm(),
        arrived=sum(1 for registration, _ in rows if registration.status == "attended"),
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


@bp.route("/account/access", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def access_profile():
    form = AccessNeedsForm()
    if request.method == "GET":
        form.access_needs.data = list(current_user.access_needs)
        form.access_notes.data = current_user.access_notes
    if form.validate_on_submit():
        services.save_access_profile(
            current_user, form.access_needs.data or [], form.access_notes.data or ""
        )
        flash("Your access profile is saved. We will offer it whenever you register.", "success")
        return redirect(url_for("programme.access_profile"))
    return render_template("programme/access_profile.html", form=form)


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
    edition = _edition_or_404(year)
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
