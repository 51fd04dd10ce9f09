"""Public pages: the home page, every year, an edition's programme with its filters, an event
with its registration form, and the Easy Read switch."""

from __future__ import annotations

from flask import (
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

from cpweek.auth.permissions import public
from cpweek.coproduction import services as coproduction
from cpweek.errors import DomainError
from cpweek.evidence.services import catalogue as evidence_catalogue
from cpweek.evidence.services import citations as evidence_citations
from cpweek.extensions import limiter
from cpweek.forms import show_error
from cpweek.httpcache import revalidated
from cpweek.programme import calendar, easy_read, services
from cpweek.programme.forms import RegistrationForm
from cpweek.programme.models import AccessNeed, EventFormat, EventKind
from cpweek.programme.views.blueprint import bp, edition_or_404, manage_path
from cpweek.programme.views.registrations import offer_equality_questions
from cpweek.reciprocity import services as reciprocity
from cpweek.resources.services import follow_up as resources_follow_up
from cpweek.resources.services import linked as linked_resources
from cpweek.security import policy_allowing_images
from cpweek.timezones import format_time_range
from cpweek.urls import absolute_url, safe_next


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
    edition = edition_or_404(year)
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
        resources=linked_resources.for_edition(edition.id),
    )


@bp.route("/<int:year>/events/<slug>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["REGISTRATION_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    scope="registration",
)
@revalidated
def event(year: int, slug: str):
    edition = edition_or_404(year)
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
                return redirect(manage_path(error.registration))
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
            offer_equality_questions(registration.person_id, edition.id)
            return redirect(manage_path(registration))
    mine = services.registrations_of(current_user, [found.id]).get(found.id) if signed_in else None
    page = render_template(
        "programme/event.html",
        edition=edition,
        event=found,
        parent=parent,
        children=children,
        places=services.event_page_places(found),  # None once the event has ended
        closed_reason=services.registration_closed_reason(found),
        mine=mine,
        manage_path=manage_path(mine) if mine else None,
        form=form,
        ics_url=url_for("programme.event_ics", year=year, slug=found.slug),
        credits=reciprocity.public_credits(found.id),
        evidence=evidence_citations.items_cited_by(found.id),
        google_url=calendar.google_calendar_link(edition, found),
        outlook_url=calendar.outlook_calendar_link(edition, found),
        easy=easy,
        easy_lines=easy_read.lines(found.easy_read) if easy else [],
        # Once it has ended: "Watch again / Slides / Transcript" instead of registering.
        after=resources_follow_up.after_event(found),
    )
    response = make_response(page)
    response.vary.add("Cookie")  # the reading version comes from a cookie
    asked = easy_read.asked_in_link(request)
    if asked:
        easy_read.remember(response, asked)
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
