"""Calendar files that answer conditional requests: an edition's feed, one event's file, and a
person's own feed behind its secret address."""

from __future__ import annotations

from flask import Response, abort, request

from cpweek.auth.permissions import public
from cpweek.programme import calendar, services
from cpweek.programme.views.blueprint import bp, edition_or_404


def _calendar_response(file: services.CalendarFile, filename: str) -> Response:
    """A calendar file that answers conditional requests (ETag, Last-Modified, 304); the file is
    built only when the client's copy is out of date."""
    response = Response(content_type=calendar.CONTENT_TYPE)
    response.headers["Content-Disposition"] = calendar.content_disposition(filename)
    response.headers["Cache-Control"] = "no-cache"  # revalidate every time: cheap with a 304
    response.set_etag(file.etag)
    if file.last_modified is not None:
        response.last_modified = file.last_modified
    response.make_conditional(request)  # a 304 when the client's copy is current
    if response.status_code == 200:
        response.set_data(calendar.built_files.get_or_build(file.etag, file.build))
    return response


@bp.route("/<int:year>/calendar.ics")
@public
def edition_feed(year: int):
    edition = edition_or_404(year)
    return _calendar_response(services.edition_calendar(edition), f"cpweek-{year}.ics")


@bp.route("/<int:year>/events/<slug>/calendar.ics")
@public
def event_ics(year: int, slug: str):
    edition = edition_or_404(year)
    found = services.get_public_event(edition, slug)
    if found is None:
        abort(404)
    return _calendar_response(services.event_calendar(edition, found), f"{found.slug}.ics")


@bp.route("/calendar/<token>.ics")
@public
def personal_feed(token: str):
    file = services.personal_calendar(token)
    if file is None:
        abort(404)  # never issued, or replaced by a new address
    return _calendar_response(file, "my-co-production-week.ics")
