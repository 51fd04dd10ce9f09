"""Public pages: home, the archive of editions, an edition's programme, an event; and the
organisers' overview."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.programme import calendar, services
from cpweek.programme.models import EventStatus
from cpweek.urls import absolute_url

bp = Blueprint("programme", __name__)


def _calendar_response(file: services.CalendarFile, filename: str) -> Response:
    """A calendar file that answers conditional requests (ETag, Last-Modified, 304); the file is
    built only when the client's copy is out of date."""
    response = Response(content_type=calendar.CONTENT_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
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
    return render_template(
        "programme/home.html",
        edition=edition,
        phase=services.edition_phase(edition, today) if edition else None,
        editions=services.list_editions(),
    )


@bp.route("/editions")
@public
def editions():
    return render_template("programme/editions.html", editions=services.list_editions())


@bp.route("/<int:year>/")
@public
def programme(year: int):
    edition = _edition_or_404(year)
    events = services.public_events(edition)
    # Calendar apps keep this address, so it is the site's public one, not this request's host.
    feed = absolute_url("programme.edition_feed", year=year)
    return render_template(
        "programme/programme.html",
        edition=edition,
        days=services.programme_by_day(edition, events),
        event_count=len(events),
        feed_url=feed,
        webcal_url=calendar.webcal_url(feed),
    )


@bp.route("/<int:year>/calendar.ics")
@public
def edition_feed(year: int):
    edition = _edition_or_404(year)
    return _calendar_response(services.edition_calendar(edition), f"cpweek-{year}.ics")


@bp.route("/<int:year>/events/<slug>")
@public
def event(year: int, slug: str):
    edition = _edition_or_404(year)
    found = services.get_public_event(edition, slug)
    if found is None:
        abort(404)
    parent, children = services.related_events(found)
    return render_template(
        "programme/event.html",
        edition=edition,
        event=found,
        parent=parent,
        children=children,
        ics_url=url_for("programme.event_ics", year=year, slug=found.slug),
        google_url=calendar.google_calendar_link(edition, found),
        outlook_url=calendar.outlook_calendar_link(edition, found),
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
