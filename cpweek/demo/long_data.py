"""The longest data the demo holds (issue 11): what a phone must fit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from cpweek.auth.models import User
from cpweek.demo.ledger import entry_made
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import Activity


def add_long_data() -> int:
    """What a phone must fit: the 60-character name (a contributor with involvement logged,
    approved and waiting, and places at two 2027 events, so the name reaches the ledger, the
    certificate and the lists of who is coming), and a personal calendar feed address on Sam's
    calendar page. The 12-column table is the evidence hub's gap map."""
    people = {u.email: u for u in db.session.scalars(select(User))}
    ama, organiser, sam = (
        people.get("ama@example.org"),
        people.get("organiser@example.org"),
        people.get("attendee@example.org"),
    )
    added = 0
    if sam is not None and sam.calendar_token is None:
        programme.calendar_token_for(sam)
        added += 1
    if ama is None or organiser is None:
        return added
    events = {e.slug: e for e in db.session.scalars(select(Event))}
    for slug, attendance in (
        ("sharing-power-conference-2027", ""),
        ("birmingham-gathering-2027", "in_person"),
    ):
        event = events.get(slug)
        if (
            event is None
            or programme.registrations_of(ama, [event.id])
            or programme.registration_closed_reason(event) is not None
        ):
            continue
        programme.register(
            event,
            programme.Applicant(
                name=ama.name,
                email=None,
                access_needs=("bsl_interpreter", "breaks"),
                attendance=attendance,
            ),
            person=ama,
        )
        added += 1
    activities = {a.name: a.id for a in db.session.scalars(select(Activity))}
    wanted = ("Co-facilitating a workshop", "Attending a meeting", "Preparation time")
    if ledger.get_profile(ama.id) is not None or not set(wanted) <= set(activities):
        return added
    ledger.save_profile(
        ama,
        ledger.ProfileDetails(
            preferred_name=ama.name, contact_email=ama.email, payee_reference="SUP-10777"
        ),
        organiser,
    )
    rural = events.get("rural-carers-2026")
    logged = []
    for activity, day, minutes, event in (
        (wanted[0], date(2026, 6, 30), 90, rural),
        (wanted[1], date(2026, 9, 15), 120, None),
        (wanted[2], date(2026, 10, 20), 60, None),
    ):
        involvement = ledger.log_involvement(
            ama,
            ledger.InvolvementDetails(
                activity_id=activities[activity],
                activity_on=day,
                minutes=minutes,
                choice="fee",
                event_id=event.id if event else None,
            ),
            ama,
        )
        logged.append(entry_made(ledger.entry_for_involvement(involvement.id)))
    for entry in logged[:2]:  # the preparation time still waits for approval
        ledger.approve(entry, organiser, warnings_acknowledged=True)
    return added + 1 + len(logged)
