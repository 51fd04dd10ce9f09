"""What coproduction answers when other domains ask (cpweek/signals.py)."""

from __future__ import annotations

from cpweek import signals
from cpweek.coproduction import services
from cpweek.extensions import db
from cpweek.programme.models import Edition, Event

RELEASED_MESSAGE = (
    "{year}'s programme is co-produced: its times, places and publishing change through the "
    "schedule draft, whose releases a co-producer and an organiser sign off."
)


@signals.change_outside_release.connect
def only_through_releases(event: Event) -> str | None:
    """An edition with a call for proposals changes its published programme only through
    signed-off releases (coproduction.schedule)."""
    edition = db.session.get(Edition, event.edition_id)
    if edition is None or services.get_call(edition) is None:
        return None
    return RELEASED_MESSAGE.format(year=edition.year)
