"""Demo data: three past editions of Co-production Week, a draft 2027, one account per role.

Content follows the public programmes described in shared DOMAIN.md. Loading is idempotent:
editions are matched by year, events by slug, accounts by email, so a second run adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from cpweek.auth.models import Role, RoleGrant, User
from cpweek.auth.services import hash_password
from cpweek.extensions import db
from cpweek.programme.models import Edition, EditionStatus, Event, EventStatus
from cpweek.reciprocity.models import LedgerEntry
from cpweek.timezones import from_local

DEMO_PASSWORD = "kettle river lamp"

# The longest name the demo holds (60 characters, one word of 35 letters), so every page that
# shows a name is seen fitting a phone with it (issue 11).
LONG_NAME = "Ama Efua Venkataraghavan-Wolfeschlegelsteinhausenbergerdorff"

DEMO_ACCOUNTS = [
    # email, name, granted roles
    ("attendee@example.org", "Sam Taylor", ()),
    ("contributor@example.org", "Priya Shah", (Role.CONTRIBUTOR,)),
    ("coproducer@example.org", "Marcus Bell", (Role.CO_PRODUCER, Role.CONTRIBUTOR)),
    ("organiser@example.org", "Helen Okafor", (Role.ORGANISER,)),
    ("admin@example.org", "Jo Whitfield", (Role.ADMIN,)),
    ("ama@example.org", LONG_NAME, (Role.CONTRIBUTOR,)),
]

ONLINE_PLATFORM = "Zoom"


@dataclass
class DemoEvent:
    slug: str
    title: str
    kind: str
    format: str
    day: date
    start: str
    end: str
    summary: str
    hosted_by: str = "SCIE"
    description: str = ""
    capacity: int | None = None
    venue: str = ""
    parent: str | None = None
    status: str = EventStatus.PUBLISHED.value
    registration_opens: datetime | None = None
    children: list[DemoEvent] = field(default_factory=list)
    access_offer: list[str] = field(default_factory=lambda: ["live_captions", "breaks"])


@dataclass
class DemoEdition:
    year: int
    theme: str
    starts_on: date
    ends_on: date
    status: str
    summary: str
    events: list[DemoEvent]


def _workshop(slug, title, start, end, day, summary, hosted_by, capacity=80):
    return DemoEvent(
        slug, title, "workshop", "online", day, start, end, summary, hosted_by, capacity=capacity
    )


E2024_CONF = date(2024, 7, 3)
E2025_CONF = date(2025, 7, 1)
E2026_CONF = date(2026, 6, 30)
E2027_CONF = date(2027, 6, 29)

EDITIONS = [
    DemoEdition(
        2024,
        "Co-production: What's Missing?",
        date(2024, 7, 1),
        date(2024, 7, 5),
        EditionStatus.PUBLISHED.value,
        "In 2024 the week asked what is still missing from co-production in social care. "
        "People who draw on care and support, unpaid carers and practitioners named four gaps: "
        "equity and diversity, demonstrating impact, training and development, and clearer "
        "definitions. The online conference on 3 July sold out and places were re-released.",
        [
            DemoEvent(
                "whats-missing-opening-webinar",
                "What's missing? Opening the week together",
                "webinar",
                "online",
                date(2024, 7, 1),
                "12:30",
                "13:30",
                "A conversation between co-production partners about the gaps they see most often, "
                "and what the week will do about them.",
                "SCIE and members of its Co-production Steering Group",
                capacity=300,
            ),
            DemoEvent(
                "demonstrating-impact-webinar",
                "Demonstrating the impact of co-production",
                "webinar",
                "online",
                date(2024, 7, 2),
                "13:00",
                "14:00",
                "How local authorities and providers are showing what changed because people with "
                "lived experience were involved, and which measures people themselves chose.",
                "SCIE",
                capacity=300,
            ),
            DemoEvent(
                "whats-missing-conference",
                "Co-production Week 2024 online conference: What's Missing?",
                "conference",
                "online",
                E2024_CONF,
                "10:00",
                "16:00",
                "A full day online with keynote conversations and four workshops, one for each of "
                "the missing areas. Live captions throughout; BSL interpretation in the main room.",
                "SCIE with people who draw on care and support and unpaid carers",
                capacity=500,
                children=[
                    _workshop(
                        "equity-and-diversity-2024",
                        "Equity and diversity: who is not in the room?",
                        "11:15",
                        "12:30",
                        E2024_CONF,
                        "Reaching people whose voices are seldom heard in co-production, and "
                        "changing how we meet rather than asking people to fit in.",
                        "Co-production partners from Black and minority ethnic carers' groups",
                    ),
                    _workshop(
                        "training-and-development-2024",
                        "Training and development for everyone involved",
                        "11:15",
                        "12:30",
                        E2024_CONF,
                        "What staff and people with lived experience need to learn together, "
                        "and how to fund it.",
                        "SCIE learning team and co-trainers",
                    ),
                    _workshop(
                        "clearer-definitions-2024",
                        "Clearer definitions: what co-production is and is not",
                        "13:30",
                        "14:45",
                        E2024_CONF,
                        "Consultation, engagement, involvement and co-production: telling them "
                        "apart so that people know what they are being offered.",
                        "Members of the Co-production Steering Group",
                    ),
                    _workshop(
                        "measuring-what-matters-2024",
                        "Measuring what matters",
                        "13:30",
                        "14:45",
                        E2024_CONF,
                        "Outcome measures chosen with people with lived experience, and "
                        "evaluating outcomes, not only process.",
                        "SCIE research team",
                    ),
                ],
            ),
            DemoEvent(
                "training-q-and-a-2024",
                "Online Q&A: getting started with co-production training",
                "q_and_a",
                "online",
                date(2024, 7, 4),
                "14:00",
                "15:00",
                "Bring your questions about training for staff and for people with lived "
                "experience: what exists, what it costs and what works.",
                "SCIE",
                capacity=150,
            ),
            DemoEvent(
                "week-review-2024",
                "Looking back on the week: what we heard",
                "launch",
                "online",
                date(2024, 7, 5),
                "11:00",
                "12:00",
                "A short session sharing what people told us during the week and what SCIE and its "
                "partners will do next.",
                "SCIE",
                capacity=300,
            ),
        ],
    ),
    DemoEdition(
        2025,
        "Innovation through co-production",
        date(2025, 6, 30),
        date(2025, 7, 4),
        EditionStatus.PUBLISHED.value,
        "The tenth Co-production Week looked at innovation that comes from sharing power: new "
        "support for unpaid carers funded by the Accelerating Reform Fund (122 projects, all of "
        "them required to co-produce), new ways of commissioning, lived-experience roles, and tools "
        "that show the difference co-production makes.",
        [
            DemoEvent(
                "innovation-conference-2025",
                "Innovation through co-production: online conference",
                "conference",
                "online",
                E2025_CONF,
                "10:00",
                "16:00",
                "A full day online. Morning and afternoon keynotes with six parallel workshops. "
                "Live captions in every room, BSL interpretation in the main room, and breaks "
                "every hour.",
                "SCIE with the Co-production Steering Group (people who draw on care and support, "
                "carers and staff, who plan the week together)",
                capacity=500,
                children=[
                    _workshop(
                        "arf-unpaid-carers-2025",
                        "Accelerating Reform Fund: innovative projects with unpaid carers",
                        "11:00",
                        "12:15",
                        E2025_CONF,
                        "About 70% of the 122 ARF projects support unpaid carers and 73 are "
                        "wholly about them. Three projects share what carers changed.",
                        "ARF project leads and carers from three local authorities",
                    ),
                    _workshop(
                        "commissioning-innovation-2025",
                        "Innovations in commissioning",
                        "11:00",
                        "12:15",
                        E2025_CONF,
                        "Commissioners and people who draw on care writing service "
                        "specifications together, and what happened next.",
                        "Local authority commissioners with people who draw on care",
                    ),
                    _workshop(
                        "lived-experience-roles-2025",
                        "Lived-experience roles that last",
                        "11:00",
                        "12:15",
                        E2025_CONF,
                        "Paid lived-experience roles in councils and providers: recruitment, "
                        "support, pay and what makes them more than a token.",
                        "People in lived-experience roles and their managers",
                    ),
                    _workshop(
                        "edi-in-coproduction-2025",
                        "Equity, diversity and inclusion in co-production",
                        "13:30",
                        "14:45",
                        E2025_CONF,
                        "Practical ways to make co-production groups reflect the communities "
                        "they serve.",
                        "Community organisations and SCIE",
                    ),
                    _workshop(
                        "impact-tools-local-authority-2025",
                        "Tools that show the impact of co-production in a local authority",
                        "13:30",
                        "14:45",
                        E2025_CONF,
                        "A council and its co-production group show the measures they built "
                        "together and how they report them.",
                        "A local authority co-production group",
                    ),
                    _workshop(
                        "digital-innovation-2025",
                        "Digital innovation people actually want",
                        "13:30",
                        "14:45",
                        E2025_CONF,
                        "Designing technology-enabled care with the people who will use it, "
                        "including people who prefer not to go online.",
                        "Digital inclusion partners and people who draw on care",
                    ),
                ],
            ),
            DemoEvent(
                "coproduction-q-and-a-2025",
                "Online Q&A: your questions about co-production",
                "q_and_a",
                "online",
                date(2025, 7, 2),
                "14:00",
                "15:00",
                "Put your questions to a panel of co-production partners and SCIE staff. Questions "
                "can be sent in advance by email or phone.",
                "SCIE and co-production partners",
                capacity=200,
            ),
            DemoEvent(
                "lincolnshire-carers-webinar-2025",
                "Using arts, nature and heritage to improve carer connectivity in Lincolnshire",
                "webinar",
                "online",
                date(2025, 7, 3),
                "10:30",
                "11:30",
                "How carers, the county council and the university co-designed creative and "
                "outdoor activities that help unpaid carers feel less alone.",
                "Lincolnshire County Council, local carers and the University of Lincoln",
                capacity=250,
            ),
            DemoEvent(
                "ten-years-report-launch-2025",
                "Report launch: ten years of Co-production Week",
                "launch",
                "online",
                date(2025, 7, 4),
                "11:00",
                "12:00",
                "The launch of a report on what ten years of the week have changed, written with "
                "the people who took part.",
                "SCIE",
                capacity=300,
            ),
        ],
    ),
    DemoEdition(
        2026,
        "Care equity",
        date(2026, 6, 29),
        date(2026, 7, 3),
        EditionStatus.PUBLISHED.value,
        "The 2026 week was about care equity: no unfair, avoidable or remediable differences in "
        "access to care, experience of care or outcomes between groups of people. It launched the "
        "Care Equity Evidence Hub, a reviewed collection of research, data and case studies.",
        [
            DemoEvent(
                "evidence-hub-launch-2026",
                "Launch of the Care Equity Evidence Hub",
                "launch",
                "online",
                date(2026, 6, 29),
                "11:00",
                "12:00",
                "A tour of the Care Equity Evidence Hub: what it holds, how items are reviewed, "
                "and how to suggest evidence or point out a gap.",
                "SCIE evidence team",
                capacity=400,
            ),
            DemoEvent(
                "care-equity-conference-2026",
                "Care equity: fair access, experience and outcomes",
                "conference",
                "online",
                E2026_CONF,
                "10:00",
                "16:00",
                "A full day online on inequities in social care and what co-production can do "
                "about them.",
                "SCIE with people who draw on care and support",
                capacity=500,
                children=[
                    _workshop(
                        "ethnicity-and-care-2026",
                        "Ethnicity and access to care",
                        "11:00",
                        "12:15",
                        E2026_CONF,
                        "What the evidence says about who gets support, and what communities "
                        "say would change it.",
                        "Community researchers and SCIE",
                    ),
                    _workshop(
                        "rural-carers-2026",
                        "Rural and coastal carers",
                        "11:00",
                        "12:15",
                        E2026_CONF,
                        "Distance, transport and digital access: unpaid carers in rural and "
                        "coastal areas share what works.",
                        "Carers' organisations",
                    ),
                    _workshop(
                        "gap-map-2026",
                        "Reading an evidence and gap map",
                        "13:30",
                        "14:45",
                        E2026_CONF,
                        "How to use the Hub's gap map, and why no evidence is not evidence of "
                        "no effect.",
                        "SCIE evidence team",
                    ),
                ],
            ),
            DemoEvent(
                "digital-access-webinar-2026",
                "Digital access and care equity",
                "webinar",
                "online",
                date(2026, 7, 2),
                "10:30",
                "11:30",
                "Who is left out when care moves online, and how to co-design services that "
                "work on the phone and in person too.",
                "Digital inclusion partners",
                capacity=250,
            ),
        ],
    ),
    DemoEdition(
        2027,
        "Sharing power in everyday practice",
        date(2027, 6, 28),
        date(2027, 7, 2),
        EditionStatus.DRAFT.value,
        "The 2027 programme is being co-produced now. These first events are confirmed; "
        "more will be added as the sessions people suggested are chosen by a panel of people "
        "who draw on care and support, carers and staff.",
        [
            DemoEvent(
                "sharing-power-conference-2027",
                "Sharing power in everyday practice: online conference",
                "conference",
                "online",
                E2027_CONF,
                "10:00",
                "16:00",
                "A full day online with workshops chosen by the co-production panel. Live captions "
                "and BSL interpretation in the main room; breaks every hour.",
                "SCIE with the Co-production Steering Group (people who draw on care and support, "
                "carers and staff, who plan the week together)",
                capacity=500,
                registration_opens=datetime(2026, 11, 1, 9, 0),
            ),
            DemoEvent(
                "birmingham-gathering-2027",
                "In-person gathering: co-production in the West Midlands",
                "other",
                "hybrid",
                date(2027, 6, 30),
                "10:30",
                "15:00",
                "A day together in Birmingham for co-production groups from the region, also "
                "streamed online. Step-free venue with a hearing loop and a quiet room.",
                "West Midlands co-production network",
                capacity=60,
                venue="Birmingham Council House, Victoria Square, Birmingham B1 1BB",
                registration_opens=datetime(2026, 11, 1, 9, 0),
            ),
            DemoEvent(
                "carers-voices-webinar-2027",
                "Carers' voices in commissioning decisions",
                "webinar",
                "online",
                date(2027, 7, 1),
                "10:30",
                "11:30",
                "Unpaid carers who sit on commissioning panels talk about what sharing power has "
                "meant in practice.",
                "Carers' organisations and commissioners",
                capacity=10,
                registration_opens=datetime(2026, 11, 1, 9, 0),
            ),
            DemoEvent(
                "week-review-2027",
                "What we learned: closing conversation",
                "launch",
                "online",
                date(2027, 7, 2),
                "11:00",
                "12:00",
                "Still being planned with the people who draw on care and support and the carers "
                "who plan the week with us.",
                "SCIE",
                status=EventStatus.DRAFT.value,
            ),
        ],
    ),
]


@dataclass
class SeedResult:
    editions: int = 0
    events: int = 0
    accounts: int = 0
    ledger_entries: int = 0
    proposals: int = 0
    evidence_items: int = 0
    suggestions: int = 0
    releases: int = 0
    long_data: int = 0

    @property
    def added_anything(self) -> bool:
        return bool(
            self.editions
            or self.events
            or self.accounts
            or self.ledger_entries
            or self.proposals
            or self.evidence_items
            or self.suggestions
            or self.releases
            or self.long_data
        )


def database_is_empty() -> bool:
    return db.session.scalar(select(Edition.id).limit(1)) is None and (
        db.session.scalar(select(User.id).limit(1)) is None
    )


def seed_demo() -> SeedResult:
    """Load whatever of the demo data is missing, in one transaction."""
    result = SeedResult()
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
            result.editions += 1
        existing = set(db.session.scalars(select(Event.slug).where(Event.edition_id == edition.id)))
        for demo_event in demo.events:
            result.events += _add_event(edition, demo_event, None, existing)
    result.accounts = _add_accounts()
    _add_easy_read()
    db.session.commit()
    result.ledger_entries = _add_reciprocity()
    result.proposals = _add_call()
    from cpweek.evidence.demo import seed_evidence

    evidence = seed_evidence()  # the Care Equity Evidence Hub, its items and suggestions
    result.evidence_items, result.suggestions = evidence.items, evidence.suggestions
    result.releases = _add_first_release()
    result.long_data = _add_long_data()
    return result


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
            starts_at=from_local(datetime.combine(demo.day, _hm(demo.start)), zone),
            ends_at=from_local(datetime.combine(demo.day, _hm(demo.end)), zone),
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


def _add_easy_read() -> None:
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


def _hm(text: str):
    return datetime.strptime(text, "%H:%M").time()


def _add_accounts() -> int:
    added = 0
    for email, name, roles in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        user = User(email=email, name=name, password_hash=hash_password(DEMO_PASSWORD))
        user.grants = [RoleGrant(role=role.value) for role in roles]
        db.session.add(user)
        added += 1
    return added


# --- reciprocity: example rates, and a contributor's year from logging to paid ---------------

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


def _add_reciprocity() -> int:
    """Example rates, and the demo contributors' 2026 to 2027 tax year: entries waiting,
    queried, approved and paid, an expense with a receipt, a declined fee, recognition. Loaded
    through the ledger's own services, so it follows every rule (and is in the audit log)."""
    from cpweek.programme.models import EventHost
    from cpweek.reciprocity import services as ledger
    from cpweek.reciprocity.models import Activity, Rate

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
    travel_entry = ledger.entry_for_expense(travel.id)
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
    return db.session.scalar(select(func.count()).select_from(LedgerEntry))


# --- co-production: the 2027 call, open now, in review, with a decision waiting ---------------

DEMO_PROPOSALS = [
    # proposer email, title, kind, length, lived experience, summary, involvement
    (
        "contributor@example.org",
        "Carers' own evidence: what counts?",
        "workshop",
        90,
        "yes",
        "A workshop on the evidence unpaid carers collect themselves, and how commissioners can "
        "use it.",
        "Designed and led by three unpaid carers from the Care Equity Evidence Hub.",
    ),
    (
        "attendee@example.org",
        "Commissioning with lived experience: year two",
        "webinar",
        60,
        "no",
        "A council and its lived-experience partners report on a second year of co-commissioning.",
        "Co-presented with two partners who draw on care and support.",
    ),
    (
        "contributor@example.org",
        "Easy Read, done together",
        "workshop",
        120,
        "yes",
        "Making Easy Read materials with the people who use them.",
        "Co-facilitated by self-advocates with learning disabilities.",
    ),
    (
        "attendee@example.org",
        "A data dashboard for co-production",
        "webinar",
        45,
        "prefer_not",
        "Showing the impact of co-production with routine data.",
        "Reviewed by the council's lived-experience panel before release.",
    ),
]


def _add_call() -> int:
    """The 2027 call, dated around today so a demo can go from proposal to decision: open,
    with reviewing and deciding under way, four proposals, reviews from a co-producer and an
    organiser, and one decision waiting for a co-producer's agreement."""
    from datetime import timedelta

    from cpweek.coproduction import services as coproduction
    from cpweek.coproduction.models import Call
    from cpweek.programme.services import today_in
    from cpweek.timezones import utcnow

    edition = db.session.scalar(select(Edition).where(Edition.year == 2027))
    if edition is None or db.session.scalar(select(Call.id).limit(1)) is not None:
        return 0
    people = {u.email: u for u in db.session.scalars(select(User))}
    organiser, marcus = people["organiser@example.org"], people["coproducer@example.org"]
    today, now = today_in(), utcnow()
    call = coproduction.save_call(
        edition,
        coproduction.CallDetails(
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(days=30),
            reviewing_starts_on=today - timedelta(days=10),
            reviewing_ends_on=today + timedelta(days=40),
            deciding_starts_on=today - timedelta(days=2),
            deciding_ends_on=today + timedelta(days=60),
            guidance="We are looking for sessions **co-produced** with people who draw on care "
            "and support and unpaid carers, on the 2027 theme. Sessions can be online, in "
            "person or both, from 15 minutes to a day.",
        ),
        organiser,
    )
    for name, weight, description in [
        ("Co-produced with lived experience", 3, "Shared power, not consultation"),
        ("Fits the theme", 2, ""),
        ("Accessible to everyone", 2, "Plain language, captions, breaks"),
    ]:
        coproduction.add_criterion(call, name, description, weight, organiser)
    criteria = coproduction.criteria_of(call)
    proposals = []
    for email, title, kind, minutes, lived, summary, involvement in DEMO_PROPOSALS:
        proposals.append(
            coproduction.submit_proposal(
                call,
                people[email],
                coproduction.ProposalDetails(
                    title=title,
                    summary=summary,
                    kind=kind,
                    format="online",
                    length_minutes=minutes,
                    lived_experience_involvement=involvement,
                    lived_experience=lived,
                ),
            )
        )
    for proposal, marks in zip(proposals[:3], ([5, 4, 5], [3, 4, 3], [5, 5, 4]), strict=True):
        for reviewer, shift in ((marcus, 0), (organiser, -1)):
            coproduction.submit_review(
                proposal,
                reviewer,
                {c.id: max(1, mark + shift) for c, mark in zip(criteria, marks, strict=True)},
                "Clear and well co-produced."
                if marks[0] == 5
                else "Needs more lived experience in the delivery.",
            )
    coproduction.propose_decision(
        proposals[0],
        "accept",
        "Led by carers, on the theme, and the panel scored it highest.",
        organiser,
    )
    # Sam has a place at a 2027 webinar, so a release that moves it reaches someone.
    from cpweek.programme import services as programme

    webinar = db.session.scalar(
        select(Event)
        .where(
            Event.edition_id == edition.id,
            Event.kind == "webinar",
            Event.status == EventStatus.PUBLISHED.value,
        )
        .order_by(Event.starts_at)
    )
    if webinar is not None and programme.registration_closed_reason(webinar) is None:
        sam = people["attendee@example.org"]
        programme.register(webinar, programme.Applicant(name=sam.name, email=None), person=sam)
    return len(proposals)


# --- the 2027 programme's first release (issue 11) ---------------------------------------------

RELEASED_PROPOSAL = "Easy Read, done together"


def _add_first_release() -> int:
    """The 2027 programme's first published release, so /2027/changes and its feed show one.

    Made the way people make it in the app: a co-producer agrees to the organiser's decision to
    accept "Easy Read, done together", so the decision stands and a draft event is made from the
    proposal; the organiser finishes its details and places it in the schedule draft; the release
    is prepared, and signed off by the organiser and the co-producer, which publishes it. The
    decision on "Carers' own evidence" still waits for a co-producer, and the draft closing
    conversation is still there to place, for whoever tries the demo."""
    from dataclasses import replace

    from cpweek.coproduction import schedule
    from cpweek.coproduction import services as coproduction
    from cpweek.coproduction.models import Proposal, Release
    from cpweek.programme import services as programme

    edition = db.session.scalar(select(Edition).where(Edition.year == 2027))
    if edition is None or db.session.scalar(
        select(Release.id).where(Release.edition_id == edition.id).limit(1)
    ):
        return 0
    proposal = db.session.scalar(select(Proposal).where(Proposal.title == RELEASED_PROPOSAL))
    people = {u.email: u for u in db.session.scalars(select(User))}
    organiser, marcus = people.get("organiser@example.org"), people.get("coproducer@example.org")
    if proposal is None or organiser is None or marcus is None:
        return 0
    if proposal.event_id is None:
        decision = coproduction.propose_decision(
            proposal,
            "accept",
            "Made with the people who use Easy Read, and the panel scored it among the highest.",
            organiser,
        )
        coproduction.agree(decision, marcus)
    event = db.session.get(Event, proposal.event_id)
    details = programme.EventDetails(
        **{name: getattr(event, name) for name in programme.SIMPLE_FIELDS},
        hosts=[programme.HostLine(h.name, h.email) for h in programme.event_hosts(event)],
        capacity=event.capacity,
        online_capacity=event.online_capacity,
    )
    zone = edition.timezone
    programme.update_event(
        event,
        replace(
            details,
            online_platform=ONLINE_PLATFORM,
            capacity=80,
            registration_opens_at=from_local(datetime(2026, 11, 1, 9, 0), zone),
            access_offer=["breaks", "easy_read", "live_captions"],
        ),
        organiser,
    )
    day = date(2027, 7, 1)
    schedule.place(
        event,
        from_local(datetime.combine(day, _hm("14:00")), zone),
        from_local(datetime.combine(day, _hm("16:00")), zone),
        "",
        organiser,
    )
    release = schedule.prepare_release(edition, organiser)
    schedule.sign_off(release, organiser)
    schedule.sign_off(release, marcus)
    return 1


# --- the longest data the demo holds (issue 11) ------------------------------------------------


def _add_long_data() -> int:
    """What a phone must fit: the 60-character name (a contributor with involvement logged,
    approved and waiting, and places at two 2027 events, so the name reaches the ledger, the
    certificate and the lists of who is coming), and a personal calendar feed address on Sam's
    calendar page. The 12-column table is the evidence hub's gap map."""
    from cpweek.programme import services as programme
    from cpweek.reciprocity import services as ledger
    from cpweek.reciprocity.models import Activity

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
        logged.append(ledger.entry_for_involvement(involvement.id))
    for entry in logged[:2]:  # the preparation time still waits for approval
        ledger.approve(entry, organiser, warnings_acknowledged=True)
    return added + 1 + len(logged)
