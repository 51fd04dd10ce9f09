"""Public pages: home, the archive of editions, an edition's programme, an event; and the
organisers' overview."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.programme import services
from cpweek.programme.models import EventStatus

bp = Blueprint("programme", __name__)


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
    return render_template(
        "programme/programme.html",
        edition=edition,
        days=services.programme_by_day(edition, events),
        event_count=len(events),
    )


@bp.route("/<int:year>/events/<slug>")
@public
def event(year: int, slug: str):
    edition = _edition_or_404(year)
    found = services.get_public_event(edition, slug)
    if found is None:
        abort(404)
    parent, children = services.related_events(found)
    return render_template(
        "programme/event.html", edition=edition, event=found, parent=parent, children=children
    )


@bp.route("/manage/")
@requires(Role.ORGANISER)
def manage():
    return render_template(
        "programme/manage.html", overview=services.edition_overview(), statuses=list(EventStatus)
    )
