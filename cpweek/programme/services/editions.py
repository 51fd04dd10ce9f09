"""Editions of the week: finding them (and an event's edition), which one a visitor is shown,
the phase it is in, an overview for organisers, and creating or changing one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme.models import Edition, EditionStatus, Event
from cpweek.programme.services.errors import EditionInvalid
from cpweek.timezones import local_date, utcnow


@dataclass
class EditionCounts:
    edition: Edition
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class EditionDetails:
    year: int
    theme: str
    starts_on: date
    ends_on: date
    summary: str = ""
    status: str = EditionStatus.DRAFT.value


def today_in(zone_name: str | None = None) -> date:
    """Today's date in the given zone, or in the site's default zone (CPWEEK_TIMEZONE)."""
    return local_date(utcnow(), zone_name or current_app.config["CPWEEK_TIMEZONE"])


def edition_phase(edition: Edition, today: date) -> str:
    """'now' while the week is on, 'upcoming' before it, 'past' after it."""
    if edition.starts_on <= today <= edition.ends_on:
        return "now"
    return "upcoming" if edition.starts_on > today else "past"


def list_editions() -> list[Edition]:
    """Every edition, newest first."""
    return list(db.session.scalars(select(Edition).order_by(Edition.year.desc())))


def get_edition_by_id(edition_id: int) -> Edition | None:
    return db.session.get(Edition, edition_id)


def get_edition(year: int) -> Edition | None:
    return db.session.scalar(select(Edition).where(Edition.year == year))


def event_with_edition(event_id: int) -> tuple[Event, Edition]:
    event = db.session.get_one(Event, event_id)
    return event, db.session.get_one(Edition, event.edition_id)


def event_local_date(event: Event) -> date:
    """The day an event starts on, in its edition's zone."""
    edition = get_edition_by_id(event.edition_id)
    return local_date(event.starts_at, edition.timezone if edition else None)


def current_or_next_edition(today: date | None = None) -> Edition | None:
    """The edition running today; else the next one to come; else the most recent past one."""
    today = today or today_in()
    editions = list_editions()
    for edition in editions:
        if edition.starts_on <= today <= edition.ends_on:
            return edition
    upcoming = [edition for edition in editions if edition.starts_on > today]
    if upcoming:
        return min(upcoming, key=lambda edition: edition.starts_on)
    return editions[0] if editions else None


def edition_overview() -> list[EditionCounts]:
    """Each edition with its number of events by status, for organisers (two queries)."""
    editions = list_editions()
    rows = db.session.execute(
        select(Event.edition_id, Event.status, func.count()).group_by(
            Event.edition_id, Event.status
        )
    ).all()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for edition_id, status, number in rows:
        counts[edition_id][status] = number
    return [EditionCounts(edition, counts.get(edition.id, {})) for edition in editions]


def save_edition(details: EditionDetails, actor: User, edition: Edition | None = None) -> Edition:
    """Create an edition, or change one. Its events keep their times when its dates move."""
    if details.ends_on < details.starts_on:
        raise EditionInvalid("The last day must be on or after the first day", "ends_on")
    if not 2000 <= details.year <= 2200:
        raise EditionInvalid("Enter a year between 2000 and 2200", "year")
    clash = db.session.scalar(
        select(Edition.id).where(
            Edition.year == details.year, Edition.id != (edition.id if edition else -1)
        )
    )
    if clash:
        raise EditionInvalid(f"There is already a Co-production Week {details.year}", "year")
    creating = edition is None
    if edition is None:
        edition = Edition(timezone=current_app.config["CPWEEK_TIMEZONE"])
        db.session.add(edition)
    for name in ("year", "theme", "starts_on", "ends_on", "summary", "status"):
        setattr(edition, name, getattr(details, name))
    try:
        db.session.flush()
    except IntegrityError:
        # The same year saved by someone else a moment ago. The failed flush spoilt the
        # transaction, and the refusal discards it anyway.
        db.session.rollback()
        raise EditionInvalid(
            f"There is already a Co-production Week {details.year}", "year"
        ) from None
    audit.record(
        actor.id,
        "edition.create" if creating else "edition.update",
        "edition",
        edition.id,
        after={"year": edition.year, "theme": edition.theme, "status": edition.status},
    )
    return edition
