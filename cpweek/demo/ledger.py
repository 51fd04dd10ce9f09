"""The demo's ledger: example rates, and the contributors' 2026 to 2027 tax year from logging to
paid."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme.models import Event, EventHost
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import Activity, LedgerEntry, Rate

# Examples only (shared DOMAIN.md: no national rate; NIHR's rates rose 10% from 16 December 2025;
# the NHS England figures are an unverified recollection). Each shows "example: confirm".
NIHR_SOURCE = "Example after NIHR payment guidance (v1.4); not verified: confirm before use"
NIHR_RISE_SOURCE = (
    "Example after NIHR payment guidance, 10% rise from 16 December 2025; not verified: "
    "confirm before use"
)
NHSE_SOURCE = (
    "Example after NHS England involvement payments (about £150 a day, £75 a half day); "
    "unverified: confirm before use"
)
DEMO_RATES = [
    # activity, for hosting, unit, pence, starts, source
    ("Attending a meeting", False, "hour", 2500, date(2024, 4, 6), NIHR_SOURCE),
    ("Attending a meeting", False, "hour", 2750, date(2025, 12, 16), NIHR_RISE_SOURCE),
    ("Reviewing proposals", False, "hour", 2500, date(2024, 4, 6), NIHR_SOURCE),
    ("Reviewing proposals", False, "hour", 2750, date(2025, 12, 16), NIHR_RISE_SOURCE),
    ("Preparation time", False, "hour", 2500, date(2024, 4, 6), NIHR_SOURCE),
    ("Preparation time", False, "hour", 2750, date(2025, 12, 16), NIHR_RISE_SOURCE),
    ("Co-facilitating a workshop", True, "half_day", 7500, date(2024, 4, 6), NHSE_SOURCE),
    ("Speaking at an event", True, "fixed", 7500, date(2024, 4, 6), NHSE_SOURCE),
    ("Steering group day", False, "day", 15000, date(2024, 4, 6), NHSE_SOURCE),
]


def entry_made(entry: LedgerEntry | None) -> LedgerEntry:
    """The entry that logging a fee or claiming an expense made (declining a fee makes none)."""
    if entry is None:
        raise LookupError("The demo expected a ledger entry here")
    return entry


def add_ledger() -> int:
    """Example rates, and the demo contributors' 2026 to 2027 tax year: entries waiting,
    queried, approved and paid, an expense with a receipt, a declined fee, recognition. Loaded
    through the ledger's own services, so it follows every rule (and is in the audit log)."""
    if db.session.scalar(select(Activity.id).limit(1)) is not None:
        return 0
    people = {u.email: u for u in db.session.scalars(select(User))}
    organiser = people.get("organiser@example.org")
    priya = people.get("contributor@example.org")
    marcus = people.get("coproducer@example.org")
    events = {e.slug: e for e in db.session.scalars(select(Event))}
    if not (organiser and priya and marcus and "gap-map-2026" in events):
        return 0

    activities: dict[str, int] = {}
    for name, for_hosting, unit, pence, starts, source in DEMO_RATES:
        if name not in activities:
            activities[name] = ledger.add_activity(name, organiser, for_hosting=for_hosting).id
        ledger.add_rate(
            ledger.RateDetails(activities[name], unit, pence, starts, source), organiser
        )
    for rate in db.session.scalars(select(Rate)):
        rate.is_example = True
    # Priya co-hosted two 2026 workshops: one she has logged, one still offered to confirm.
    for slug in ("gap-map-2026", "ethnicity-and-care-2026"):
        db.session.add(
            EventHost(
                event_id=events[slug].id,
                position=9,
                name=priya.name,
                email=priya.email,
                person_id=priya.id,
            )
        )
    db.session.commit()

    ledger.save_profile(
        priya,
        ledger.ProfileDetails(
            preferred_name="Priya Shah",
            contact_email=priya.email,
            contact_phone="07700 900123",
            benefits_guidance=True,
            payee_reference="SUP-10442",
        ),
        organiser,
    )
    ledger.save_profile(
        marcus,
        ledger.ProfileDetails(
            preferred_name="Marcus Bell",
            contact_email=marcus.email,
            public_credit="pseudonym",
            pseudonym="M. B.",
            payee_reference="SUP-10518",
        ),
        organiser,
    )

    def log(person, activity, day, minutes, choice="fee", units=1, event=None, **extra):
        involvement = ledger.log_involvement(
            person,
            ledger.InvolvementDetails(
                activity_id=activities[activity],
                activity_on=day,
                minutes=minutes,
                choice=choice,
                units=units,
                event_id=events[event].id if event else None,
                **extra,
            ),
            person,
        )
        return ledger.entry_for_involvement(involvement.id)

    reviewing = log(priya, "Reviewing proposals", date(2026, 5, 12), 180)
    workshop = log(priya, "Co-facilitating a workshop", date(2026, 6, 30), 90, event="gap-map-2026")
    travel = ledger.claim_expense(
        priya,
        ledger.ExpenseDetails(
            "travel",
            date(2026, 6, 30),
            1840,
            "Return train to the venue",
            event_id=events["gap-map-2026"].id,
        ),
        ledger.Upload("train-ticket.pdf", b"%PDF-1.4\n% demo receipt\n%%EOF\n"),
        priya,
    )
    travel_entry = entry_made(ledger.entry_for_expense(travel.id))
    log(priya, "Attending a meeting", date(2026, 8, 10), 60, choice="decline")
    meeting = log(priya, "Attending a meeting", date(2026, 9, 15), 120)
    log(priya, "Preparation time", date(2026, 10, 20), 90, choice="time_credits")
    marcus_review = log(marcus, "Reviewing proposals", date(2026, 5, 14), 240)
    log(marcus, "Steering group day", date(2026, 10, 6), 420, choice="vouchers")

    for entry in (reviewing, workshop, travel_entry, meeting):
        ledger.approve(entry, organiser, warnings_acknowledged=True)
    ledger.record_payment_run(
        [reviewing.id, workshop.id, travel_entry.id],
        ledger.PaymentDetails(date(2026, 7, 10), "bank_transfer", "BACS-2026-07-10"),
        organiser,
    )
    ledger.query_entry(
        marcus_review, "Did the four hours include the panel call on 14 May?", organiser
    )
    ledger.issue_recognition(
        priya,
        ledger.RecognitionDetails(
            "credit",
            "Co-facilitated “Mapping the gaps in care equity evidence”",
            "You said the gap map left out unpaid carers from rural areas; the 2027 call now "
            "asks for evidence from them.",
            events["gap-map-2026"].id,
        ),
        organiser,
    )
    return db.session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
