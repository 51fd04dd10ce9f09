"""Loading the demo's editions and events (`editions.py`), with Easy Read versions of two 2027
events. Editions are matched by year and events by slug, so a second run adds nothing."""

from __future__ import annotations

from datetime import datetime, time

from flask import current_app
from sqlalchemy import select

from cpweek.demo.editions import EDITIONS, ONLINE_PLATFORM, DemoEvent
from cpweek.extensions import db
from cpweek.programme.models import Edition, Event
from cpweek.timezones import from_local


def add_editions() -> tuple[int, int]:
    """The editions and events that are missing: (editions added, events added)."""
    editions = events = 0
    for demo in EDITIONS:
        edition = db.session.scalar(select(Edition).where(Edition.year == demo.year))
        if edition is None:
            edition = Edition(
                timezone=current_app.config["CPWEEK_TIMEZONE"],
                year=demo.year,
                theme=demo.theme,
                summary=demo.summary,
                starts_on=demo.starts_on,
                ends_on=demo.ends_on,
                status=demo.status,
            )
            db.session.add(edition)
            db.session.flush()
            editions += 1
        existing = set(db.session.scalars(select(Event.slug).where(Event.edition_id == edition.id)))
        for demo_event in demo.events:
            events += _add_event(edition, demo_event, None, existing)
    return editions, events


def _add_event(edition: Edition, demo: DemoEvent, parent: Event | None, existing: set[str]) -> int:
    added = 0
    event = None
    if demo.slug not in existing:
        zone = edition.timezone
        event = Event(
            edition_id=edition.id,
            parent_id=parent.id if parent else None,
            slug=demo.slug,
            title=demo.title,
            kind=demo.kind,
            format=demo.format,
            summary=demo.summary,
            description=demo.description or demo.summary,
            hosted_by=demo.hosted_by,
            starts_at=from_local(datetime.combine(demo.day, clock(demo.start)), zone),
            ends_at=from_local(datetime.combine(demo.day, clock(demo.end)), zone),
            venue=demo.venue,
            online_platform="" if demo.format == "in_person" else ONLINE_PLATFORM,
            capacity=demo.capacity,
            status=demo.status,
            registration_opens_at=(
                from_local(demo.registration_opens, zone) if demo.registration_opens else None
            ),
            access_offer=_offer(demo),
        )
        db.session.add(event)
        db.session.flush()
        existing.add(demo.slug)
        added = 1
    else:
        event = db.session.scalar(
            select(Event).where(Event.edition_id == edition.id, Event.slug == demo.slug)
        )
    for child in demo.children:
        added += _add_event(edition, child, event, existing)
    return added


# Easy Read versions of two 2027 events (slug: text, picture, alt text), as an organiser
# would write them beside the standard description.
EASY_READ_DEMO = {
    "sharing-power-conference-2027": (
        "This is a meeting on the internet.\n"
        "It is for people who use care and support, carers and staff.\n"
        "We will talk about sharing power.\n"
        "Sharing power means everyone has a say in decisions.\n"
        "You can listen, or you can talk.\n"
        "There are smaller groups called workshops. You choose which ones.\n"
        "Words are shown on the screen. There is a British Sign Language interpreter.\n"
        "There is a break every hour.",
        "/static/img/easy-read/online.svg",
        "A laptop showing four people on a video call",
    ),
    "birmingham-gathering-2027": (
        "This is a day together in Birmingham.\n"
        "It is for groups in the West Midlands who work together on care.\n"
        "You can come to the building, or join on the internet.\n"
        "We will share what works, and what is hard.\n"
        "There is lunch. Tell us if you need special food.\n"
        "The building has no steps. There is a quiet room.",
        "/static/img/easy-read/meeting.svg",
        "Three people talking around a table",
    ),
}


def add_easy_read() -> None:
    """Easy Read text and pictures for the demo's 2027 events, where none is written yet."""
    events = db.session.scalars(
        select(Event).where(Event.slug.in_(EASY_READ_DEMO), Event.easy_read == "")
    )
    for event in events:
        event.easy_read, event.easy_read_image_url, event.easy_read_image_alt = EASY_READ_DEMO[
            event.slug
        ]


def _offer(demo: DemoEvent) -> list[str]:
    """Captions and breaks everywhere; BSL at conferences; step-free, a loop and a quiet room
    wherever people meet in person."""
    offer = set(demo.access_offer)
    if demo.kind == "conference":
        offer |= {"bsl_interpreter", "easy_read"}
    if demo.format != "online":
        offer |= {"step_free", "hearing_loop", "quiet_space", "accessible_toilet"}
    return sorted(offer)


def clock(text: str) -> time:
    return datetime.strptime(text, "%H:%M").time()
