"""The programme's one blueprint, and the lookups its pages share: every module of the package
adds its routes to `bp`, so every endpoint is `programme.<name>`."""

from __future__ import annotations

from flask import Blueprint, abort, url_for

from cpweek.fragments import cached_html
from cpweek.programme import services
from cpweek.programme.models import Edition, Event, Registration

bp = Blueprint("programme", __name__)
bp.add_app_template_global(cached_html)


def edition_or_404(year: int) -> Edition:
    edition = services.get_edition(year)
    if edition is None:
        abort(404)
    return edition


def event_or_404(event_id: int) -> Event:
    event = services.get_event(event_id)
    if event is None:
        abort(404)
    return event


def manage_path(registration: Registration) -> str:
    return url_for("programme.manage_registration", token=services.manage_token(registration))
