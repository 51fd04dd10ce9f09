"""The programme's events as the ledger relates activities and expenses to them."""

from __future__ import annotations

from cpweek.programme import services as programme
from cpweek.programme.models import EventStatus


def event_choices() -> list[tuple[int, str]]:
    """Events to relate an activity or expense to (public ones): newest edition first."""
    return programme.event_choices()


def listed_event(event_id: int) -> bool:
    event = programme.get_event(event_id)
    return event is not None and event.status != EventStatus.DRAFT
