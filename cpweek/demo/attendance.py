"""The demo's past registrations: the people who came to the 2025 and 2026 events that have
ended, so the impact report counts registrations, check-ins, places online, waiting lists and
access needs met, beside the feedback those people gave (`impact.RESPONSES`).

About two and a half people registered for each one who answered the feedback, within the
event's capacity; some cancelled; at a full event some waited, and some of those were given a
place. About one in seven asked for something (ticked needs, a few in words only), and the
organiser marked most of those after the event: met, partly met, not met, with a note where it
was not met in full. In-person places were checked in at the door (a few did not come); online
places are counted as online, as the app counts them.

Illustrative people: made-up names, no accounts, no email (registered without one, as an
organiser registers someone who phoned), drawn from a `random.Random` seeded per event, so every
run gives the same rows. Idempotent: an event that has any registration gets none added. Bulk
inserts keep `make run` fast.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import insert, select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme.models import (
    HOLDING_A_PLACE,
    AccessNeed,
    Event,
    EventFormat,
    EventStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from cpweek.reports.impact_models import AccessMet, MetOutcome
from cpweek.timezones import utcnow

REGISTERED_PER_ANSWER = 2.5
# Two events more people wanted than there were places for: their waiting lists.
DEMAND = {"embracing-change-report-launch-2025": 95, "ethnicity-and-care-2026": 92}
T = TypeVar("T")
CANCELLED_SHARE = 0.08
ASKED_SHARE = 0.14
MARKED_SHARE = 0.85

FIRST = (
    "Aisha", "Ben", "Chloe", "Dev", "Eleni", "Femi", "Grace", "Hamza", "Isla", "Jamal", "Kasia",
    "Leon", "Maya", "Nia", "Owen", "Priya", "Rhys", "Sana", "Tom", "Uma", "Wei", "Yusuf", "Zara",
)  # fmt: skip
LAST = (
    "Ahmed", "Brown", "Campbell", "Das", "Evans", "Fraser", "Green", "Hussain", "Iqbal", "Jones",
    "Khan", "Lewis", "Mensah", "Nowak", "Okafor", "Patel", "Quinn", "Roberts", "Singh", "Taylor",
    "Walker", "Young",
)  # fmt: skip

# What people ask for at online events most (captions, breaks, materials in advance, Easy
# Read, digital support), and in a room (step-free, toilets, hearing loop, seats at the front).
ONLINE_NEEDS = (
    (AccessNeed.LIVE_CAPTIONS, 30),
    (AccessNeed.BREAKS, 18),
    (AccessNeed.MATERIALS_IN_ADVANCE, 16),
    (AccessNeed.EASY_READ, 10),
    (AccessNeed.DIGITAL_SUPPORT, 10),
    (AccessNeed.BSL_INTERPRETER, 6),
    (AccessNeed.LARGE_PRINT, 5),
    (AccessNeed.OTHER_LANGUAGE, 5),
)
ROOM_NEEDS = (
    (AccessNeed.STEP_FREE, 24),
    (AccessNeed.ACCESSIBLE_TOILET, 16),
    (AccessNeed.HEARING_LOOP, 12),
    (AccessNeed.SEATING_NEAR_FRONT, 12),
    (AccessNeed.QUIET_SPACE, 10),
    (AccessNeed.DIETARY, 10),
    (AccessNeed.BSL_INTERPRETER, 8),
    (AccessNeed.PERSONAL_ASSISTANT, 8),
)
WRITTEN_NEEDS = (
    "I may need to keep my camera off and type my questions.",
    "Please send the slides the day before so my screen reader can read them first.",
    "I use a wheelchair and will need a space at the end of a row.",
)
NOT_FULLY = (
    "The captioner joined ten minutes late.",
    "Slides came on the morning, not the day before.",
    "The quiet room was booked for another meeting.",
)
OUTCOMES = ((MetOutcome.MET, 80), (MetOutcome.PARTLY, 14), (MetOutcome.NOT_MET, 6))


def _pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    return rng.choices([item for item, _ in weighted], [weight for _, weight in weighted])[0]


def _needs(rng: random.Random, online: bool) -> tuple[list[str], str]:
    """Ticked needs and words: one or two needs, or (now and then) words only."""
    if rng.random() < 0.12:
        return [], rng.choice(WRITTEN_NEEDS)
    weighted = ONLINE_NEEDS if online else ROOM_NEEDS
    codes = {_pick(rng, weighted).value for _ in range(1 if rng.random() < 0.7 else 2)}
    return sorted(codes), ""


def _registrations(event: Event, answered: int) -> list[dict[str, Any]]:
    rng = random.Random(f"attendance {event.slug}")  # noqa: S311 - made-up demo data
    online = event.format == EventFormat.ONLINE.value
    wanted = DEMAND.get(event.slug, round(answered * REGISTERED_PER_ANSWER))
    places = min(wanted, event.capacity) if event.capacity else wanted
    full = event.capacity is not None and wanted >= event.capacity
    rows = []
    for number in range(
        places + round(places * CANCELLED_SHARE) + (wanted - places if full else 0)
    ):
        queued = event.starts_at - timedelta(days=rng.randint(2, 45), minutes=rng.randint(0, 600))
        row: dict[str, Any] = {
            "event_id": event.id,
            "person_id": None,
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "source": RegistrationSource.ASSISTED.value,
            "queued_at": queued,
            "created_at": queued,
            "updated_at": event.ends_at,
            "confirmed_at": queued,
            "consent_to_contact": rng.random() < 0.6,
            "easy_read": rng.random() < 0.05,
            "access_needs": [],
            "access_notes": "",
            "attendance": "",
            "checked_in_at": None,
            "cancelled_at": None,
        }
        if number < places:
            if full and rng.random() < 0.06:  # waited, then given a place someone gave up
                row["confirmed_at"] = queued + timedelta(days=rng.randint(1, 5))
            came = online or rng.random() < 0.88
            row["status"] = (
                RegistrationStatus.CONFIRMED.value
                if online or not came
                else RegistrationStatus.ATTENDED.value
            )
            if not online and came:
                row["checked_in_at"] = event.starts_at - timedelta(minutes=rng.randint(0, 25))
            if rng.random() < ASKED_SHARE:
                row["access_needs"], row["access_notes"] = _needs(rng, online)
        elif number < places + round(places * CANCELLED_SHARE):
            row["status"] = RegistrationStatus.CANCELLED.value
            row["cancelled_at"] = queued + timedelta(days=1)
        else:  # the event was full: still waiting when it began
            row["status"] = RegistrationStatus.WAITLISTED.value
            row["confirmed_at"] = None
        rows.append(row)
    return rows


def _marks(
    rng: random.Random, asked: list[tuple[int, datetime]], organiser_id: int | None
) -> list[dict[str, Any]]:
    marks = []
    for registration_id, ended in asked:
        if rng.random() >= MARKED_SHARE:
            continue  # not marked yet: the report says so
        outcome = _pick(rng, OUTCOMES)
        marks.append(
            {
                "registration_id": registration_id,
                "outcome": outcome.value,
                "note": "" if outcome == MetOutcome.MET else rng.choice(NOT_FULLY),
                "marked_by_id": organiser_id,
                "marked_at": ended + timedelta(days=rng.randint(1, 6)),
            }
        )
    return marks


def add_attendance(responses: dict[int, dict[str, int]], organiser_email: str) -> int:
    """Registrations for every ended, published event named in `responses` that has none;
    how many were added."""
    slugs = [slug for per_event in responses.values() for slug in per_event]
    answered = {slug: n for per_event in responses.values() for slug, n in per_event.items()}
    events = db.session.scalars(
        select(Event)
        .where(
            Event.slug.in_(slugs),
            Event.status == EventStatus.PUBLISHED.value,
            Event.ends_at <= utcnow(),
            ~select(Registration.id).where(Registration.event_id == Event.id).exists(),
        )
        .order_by(Event.id)
    ).all()
    organiser_id = db.session.scalar(select(User.id).where(User.email == organiser_email))
    added = 0
    for event in events:
        rows = _registrations(event, answered[event.slug])
        if not rows:
            continue
        ids = db.session.scalars(
            insert(Registration).returning(Registration.id, sort_by_parameter_order=True), rows
        ).all()
        asked = [
            (registration_id, event.ends_at)
            for registration_id, row in zip(ids, rows, strict=True)
            if row["status"] in HOLDING_A_PLACE and (row["access_needs"] or row["access_notes"])
        ]
        marks = _marks(random.Random(f"marks {event.slug}"), asked, organiser_id)  # noqa: S311
        if marks:
            db.session.execute(insert(AccessMet), marks)
        added += len(rows)
    return added
