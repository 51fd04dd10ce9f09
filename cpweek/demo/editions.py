"""The demo's programme as data: four past editions of Co-production Week (2022, and 2024 to 2026)
and a draft 2027.

Content follows the public programmes described in shared DOMAIN.md. `events.py` loads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from cpweek.programme.models import EditionStatus, EventStatus

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


E2022_WEBINAR = date(2022, 7, 6)  # illustrative: the week's page gives no day or time
E2024_CONF = date(2024, 7, 3)
E2025_CONF = date(2025, 7, 1)
E2026_CONF = date(2026, 6, 30)
E2027_CONF = date(2027, 6, 29)

EDITIONS = [
    DemoEdition(
        2022,
        "The impact of co-production",
        date(2022, 7, 4),
        date(2022, 7, 9),
        EditionStatus.PUBLISHED.value,
        "The seventh Co-production Week looked at the impact of co-production: the difference it "
        'makes in social care. The week published the report "Developing our understanding of '
        'the difference co-production makes in social care", with a webinar on the impact of '
        'co-production led by its authors. It also brought an updated guide, "Co-production: '
        'what it is and how to do it", updated "Examples of co-production in social care", '
        'two podcasts, "What is co-production and how do you do it? Views from Suffolk and '
        'South Wales", blogs, and an introductory film by John Evans.',
        [
            DemoEvent(
                "impact-of-coproduction-webinar-2022",
                "Webinar: the impact of co-production",
                "webinar",
                "online",
                E2022_WEBINAR,
                "13:00",
                "14:00",
                'Sharon Stevens and Patrick Wood, the authors of the report "Developing our '
                'understanding of the difference co-production makes in social care", talk '
                "about the impact of co-production.",
                "Sharon Stevens and Patrick Wood, the report's authors",
                description=(
                    'The 2022 week published the report "Developing our understanding of the '
                    'difference co-production makes in social care". Its authors, Sharon '
                    "Stevens and Patrick Wood, led this webinar on the impact of co-production: "
                    "the difference it makes in social care. A recording of the webinar was "
                    "published after the week.\n\n"
                    "In this demo the day and time of the webinar are illustrative."
                ),
            ),
        ],
    ),
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
                "Sarah Grundy (Lincolnshire County Council), local carers and Robert Dean "
                "(University of Lincoln)",
                description=(
                    "Unpaid carers can feel alone and unconnected, with nobody to talk to about "
                    "their feelings or what they find hard. Hear how Lincolnshire County Council "
                    "improved local support for unpaid carers, helping them meet others and look "
                    "after their wellbeing and resilience.\n\n"
                    "Innovation Lincolnshire worked with a wide partnership of community "
                    "organisations to co-design arts and nature sessions with unpaid carers. The "
                    "sessions come with respite care, so carers can take part, and a social impact "
                    "evaluation measures what they change."
                ),
                capacity=250,
            ),
            DemoEvent(
                "embracing-change-report-launch-2025",
                "Report launch: Embracing change: scaling innovation in care in practice",
                "launch",
                "in_person",
                date(2025, 7, 2),
                "10:00",
                "12:00",
                "SCIE launches its report on scaling innovation in adult social care, drawn from "
                "its support to councils' Accelerating Reform Fund projects, in person at "
                "Westminster.",
                "SCIE, with councils and carers from Accelerating Reform Fund projects",
                description=(
                    "The Accelerating Reform Fund has supported more than 120 projects in adult "
                    "social care, each asked to co-produce from the start and most of them for "
                    "unpaid carers. The report sets out what it takes to scale innovation up, "
                    "and what people with lived experience want from co-production: a voice from "
                    "the planning stage on, and to see what changed because of it.\n\n"
                    "In this demo the day and time of the launch are illustrative."
                ),
                capacity=80,
                venue="Westminster, London",
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
