"""The demo's evidence room: the Care Equity Evidence Hub of the 2026 edition.

Every item is an ILLUSTRATIVE example, marked `illustrative`, titled "Illustrative example: ...",
with a summary that says so, an example.org link, no DOI and an invented example publisher:
nothing here may pass for a real citation. The items are spread over topics and equity
dimensions so the gap map has dense cells (unpaid carers x ethnicity, access x deprivation) and
real gaps. Inclusion follows the real rule: an organiser's include decision, agreed by the
organiser and a co-producer (`cpweek.perspectives`), so it stands.

Called from `cpweek.demo.seed.seed_demo` in the same unit of work; idempotent (the hub is matched by
slug, items by title, suggestions by title and citations by their pair), so a second run adds
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from cpweek.auth.models import User
from cpweek.evidence.models import (
    EventCitation,
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    InclusionAgreement,
    InclusionDecision,
    ItemSource,
    ItemStatus,
    Suggestion,
    SuggestionKind,
)
from cpweek.evidence.services.vocabularies import install_default_vocabularies
from cpweek.extensions import db
from cpweek.perspectives import CO_PRODUCER, ORGANISER
from cpweek.programme.models import Edition, Event
from cpweek.timezones import utcnow

HUB_SLUG = "care-equity-evidence-hub"
HUB_PATH = f"/evidence/{HUB_SLUG}/"
PREFIX = "Illustrative example: "

INTRODUCTION = f"""The Care Equity Evidence Hub gathers research, data, case studies and analysis
about **inequities in adult social care**: differences in access to care, experience of care or
outcomes between groups of people that are unfair, avoidable or could be put right. It was
launched in Co-production Week 2026, and a panel of people with lived experience and staff
reviews every item before it appears here.

**The items in this demonstration are illustrative examples, not real studies.** Their links go
to example.org.

## How to use it

- Search for words in titles, summaries, authors and publishers, then narrow the list with the
  filters: type, topic, equity dimension, where, care setting, and whether an item is about
  access, experience or outcomes.
- Open the [evidence and gap map]({HUB_PATH}map) to see how many items there are for each
  topic and equity dimension. An empty cell is a gap: no evidence is not evidence of no effect.
- Each item has a plain summary, an Easy Read summary where there is one, and how to cite it.

## Suggest evidence or point out a gap

Anyone can [suggest evidence, point out a gap, tell us how evidence was used, or give feedback
on the hub]({HUB_PATH}suggest), signed in or not. From the map, "tell us about evidence for
this" fills in the topic and dimension for you. Nothing is published until the panel has looked
at it, and if you leave an email address we will tell you what happened.
"""

CRITERIA = """An item is included when a co-producer and an organiser on the hub's panel both
agree that it meets both criteria:

1. **An equity focus.** It looks at unfair, avoidable or remediable differences in access to
   care, experience of care or outcomes between groups of people defined socially, economically,
   demographically or geographically, or by sex, gender, ethnicity, disability or sexual
   orientation (adapted from the World Health Organization's definition of equity).
2. **Robust methods.** It says how it was done, and the way it was done fits its question:
   research and evaluations of any design, good-quality data and analysis, case studies that
   show what happened and how people were involved, and enquiries led by people with lived
   experience.

An item can be excluded, with the reason recorded.
"""


@dataclass(frozen=True)
class DemoItem:
    title: str  # after "Illustrative example: "
    topics: tuple[str, ...]
    dimensions: tuple[str, ...]
    year: int
    type: str
    settings: tuple[str, ...]
    geography: tuple[str, ...]
    focus: str
    design: str
    easy_read: bool = False


def _item(title, topics, dimensions, year, kind, settings, geography, focus, design, easy=False):
    as_tuple = lambda value: (value,) if isinstance(value, str) else tuple(value)  # noqa: E731
    return DemoItem(
        title,
        as_tuple(topics),
        as_tuple(dimensions),
        year,
        kind,
        as_tuple(settings),
        as_tuple(geography),
        focus,
        design,
        easy,
    )


UC, ACC = "unpaid-carers", "access-to-care"
# fmt: off
DEMO_ITEMS = [
    _item("unpaid carers from minoritised ethnic groups and access to breaks", UC, "ethnicity",
          2023, "research", "informal-care", "england", "access", "qualitative", True),
    _item("carers' assessments and ethnicity in two local authorities", (UC, ACC), "ethnicity",
          2021, "analysis", "informal-care", "west-midlands", "access", "secondary-data"),
    _item("South Asian carers' experiences of support", UC, ("ethnicity", "language"), 2019,
          "research", "informal-care", "yorkshire-humber", "experience", "qualitative", True),
    _item("Black carers and the outcomes of carer support", UC, "ethnicity", 2025, "research",
          "community", "london", "outcomes", "mixed-methods"),
    _item("a trial of culturally adapted support for carers", UC, "ethnicity", 2026, "research",
          "community", "london", "outcomes", "trial"),
    _item("rural carers and respite: distance and transport", UC, "rurality", 2020, "research",
          "informal-care", "south-west", "access", "survey"),
    _item("coastal and rural carers' wellbeing over five years", (UC, "mental-health"), "rurality",
          2024, "data", "informal-care", "east-of-england", "outcomes", "cohort"),
    _item("online carer support groups in rural areas", (UC, "digital"),
          ("rurality", "digital-access"), 2022, "case-study", "community", "north-east",
          "experience", "evaluation"),
    _item("care home places in deprived neighbourhoods", ACC, "deprivation", 2018, "data",
          "residential", "north-west", "access", "secondary-data"),
    _item("home care hours and area deprivation", ACC, "deprivation", 2022, "analysis",
          "home-care", "england", "access", "secondary-data"),
    _item("unmet need for care, deprivation and age", ACC, ("deprivation", "age"), 2024,
          "research", "home-care", "england", "access", "survey", True),
    _item("charging for care and households on low incomes", ("funding", ACC), "deprivation", 2017,
          "policy", "home-care", "england", "access", "other"),
    _item("hospital discharge delays and deprivation", ACC, "deprivation", 2019, "data",
          "hospital-discharge", "england", "outcomes", "secondary-data"),
    _item("waiting times for housing adaptations by deprivation", ("housing", ACC), "deprivation",
          2025, "data", "home-care", "england", "access", "secondary-data"),
    _item("direct payments and ethnicity", ACC, "ethnicity", 2020, "data", "direct-payments",
          "england", "access", "secondary-data"),
    _item("interpreters in needs assessments", ACC, "language", 2016, "case-study", "community",
          "london", "experience", "qualitative", True),
    _item("a review of ethnic inequalities in adult social care", ACC, "ethnicity", 2023,
          "research", ("home-care", "residential"), "uk", "access", "systematic-review"),
    _item("trans people's experiences of social care", ACC, "sex-gender", 2022, "research",
          "community", "uk", "experience", "lived-experience"),
    _item("care assessments online and digital exclusion", ("digital", ACC),
          ("digital-access", "age"), 2021, "research", "community", "england", "access",
          "mixed-methods"),
    _item("disabled people's experience of care at home", "housing", "disability", 2021,
          "research", "home-care", "wales", "experience", "lived-experience", True),
    _item("accessible housing and independent living", "housing", "disability", 2023, "analysis",
          "community", "scotland", "outcomes", "mixed-methods"),
    _item("older LGBT+ people living in care homes", "mental-health",
          ("sexual-orientation", "age"), 2019, "research", "residential", "england", "experience",
          "qualitative"),
    _item("young carers' mental health into adulthood", ("mental-health", UC), "age", 2017,
          "research", "informal-care", "england", "outcomes", "cohort"),
    _item("mental health support for carers from minoritised communities", "mental-health",
          "ethnicity", 2026, "research", "community", "london", "access", "mixed-methods"),
    _item("loneliness among older people in rural areas", "mental-health", ("rurality", "age"),
          2015, "data", "community", "south-west", "outcomes", "survey"),
    _item("care workers recruited from overseas and language support", "workforce",
          ("ethnicity", "language"), 2024, "research", "residential", "england", "experience",
          "survey"),
    _item("pay of home care workers in the most deprived areas", "workforce", "deprivation", 2021,
          "data", "home-care", "england", "outcomes", "secondary-data"),
    _item("rural home care workforce shortages", "workforce", "rurality", 2025, "analysis",
          "home-care", "east-midlands", "access", "mixed-methods"),
    _item("commissioning for equity: a local toolkit", "commissioning",
          ("ethnicity", "disability"), 2023, "tool", "community", "england", "access", "other"),
    _item("equality impact assessments in commissioning", "commissioning", "disability", 2019,
          "analysis", "community", "england", "outcomes", "evaluation"),
    _item("commissioning culturally appropriate day services", "commissioning", "ethnicity", 2020,
          "case-study", "community", "west-midlands", "experience", "evaluation"),
    _item("co-producing services with Gypsy, Roma and Traveller communities", "co-production",
          "ethnicity", 2022, "case-study", "community", "south-east", "experience",
          "lived-experience", True),
    _item("involving people with learning disabilities as equals", "co-production", "disability",
          2018, "research", "community", "england", "experience", "qualitative", True),
    _item("paying people for involvement: who takes part", "co-production",
          ("deprivation", "disability"), 2024, "research", "community", "uk", "access", "survey"),
    _item("technology-enabled care in deprived areas", "digital",
          ("deprivation", "digital-access"), 2023, "research", "home-care", "north-west",
          "outcomes", "trial"),
    _item("remote monitoring and disabled people's choice", "digital", "disability", 2025,
          "case-study", "home-care", "northern-ireland", "experience", "qualitative"),
    _item("safeguarding concerns and ethnicity", "safeguarding", "ethnicity", 2020, "data",
          "residential", "england", "outcomes", "secondary-data"),
    _item("safeguarding disabled adults living at home", "safeguarding", "disability", 2016,
          "research", "home-care", "wales", "outcomes", "systematic-review"),
    _item("unpaid carers' say in hospital discharge", UC, "carer-status", 2022, "research",
          "hospital-discharge", "yorkshire-humber", "experience", "qualitative"),
    _item("recording carer status in GP practices", UC, "carer-status", 2015, "data",
          "informal-care", "england", "access", "secondary-data"),
    _item("women's unpaid care and paid work", UC, ("sex-gender", "carer-status"), 2018, "data",
          "informal-care", "uk", "outcomes", "secondary-data"),
    _item("men as unpaid carers: hidden and unsupported?", UC, "sex-gender", 2020, "research",
          "informal-care", "north-west", "experience", "qualitative"),
    _item("personal budgets and people with sensory impairments", "funding", "disability", 2018,
          "research", "direct-payments", "east-midlands", "experience", "survey"),
    _item("funding formulas and rural councils", "funding", "rurality", 2021, "analysis",
          "community", "england", "access", "secondary-data"),
]
# fmt: on

# Waiting for a co-producer's agreement: an organiser proposed to include it.
WAITING_ITEM = _item(
    "breaks for carers in rural minoritised communities",
    UC,
    ("ethnicity", "rurality"),
    2026,
    "research",
    "informal-care",
    "north-west",
    "access",
    "qualitative",
)
PUBLISHERS = [
    "Example Research Centre",
    "Example Institute for Care Equity",
    "Example University Social Care Unit",
    "Example Carers' Network",
    "Example Council Insight Team",
]
AUTHORS = [
    ["Example, A.", "Sample, B."],
    ["Illustrative Research Team"],
    ["Placeholder, C.", "Example, D.", "Sample, E."],
    ["Example Community Researchers"],
]
# (event slug, the items it cites by title, what to add to its description)
CITING_EVENTS = {
    "evidence-hub-launch-2026": (
        [
            "unpaid carers from minoritised ethnic groups and access to breaks",
            "unmet need for care, deprivation and age",
            "a review of ethnic inequalities in adult social care",
        ],
        f"Explore the [Care Equity Evidence Hub]({HUB_PATH}) before the session, and bring "
        f"your questions about [suggesting evidence or pointing out a gap]({HUB_PATH}suggest).",
    ),
    "gap-map-2026": (
        [
            "unpaid carers from minoritised ethnic groups and access to breaks",
            "care home places in deprived neighbourhoods",
            "rural carers and respite: distance and transport",
        ],
        f"We will read the hub's [evidence and gap map]({HUB_PATH}map) together: where the "
        "evidence is dense, where the gaps are, and how to tell us about evidence for an "
        "empty cell.",
    ),
}


@dataclass
class EvidenceSeedResult:
    items: int = 0
    suggestions: int = 0


def seed_evidence() -> EvidenceSeedResult:
    """Add whatever of the hub is missing; flushes, never commits (the caller's unit of work)."""
    result = EvidenceSeedResult()
    install_default_vocabularies()
    people = {u.email: u for u in db.session.scalars(select(User))}
    organiser = people.get("organiser@example.org")
    co_producer = people.get("coproducer@example.org")
    if organiser is None or co_producer is None:
        return result
    hub = db.session.scalar(select(EvidenceCollection).where(EvidenceCollection.slug == HUB_SLUG))
    if hub is None:
        edition = db.session.scalar(select(Edition).where(Edition.year == 2026))
        hub = EvidenceCollection(
            slug=HUB_SLUG,
            title="Care Equity Evidence Hub",
            theme="Care equity",
            introduction=INTRODUCTION,
            criteria=CRITERIA,
            edition_id=edition.id if edition else None,
        )
        db.session.add(hub)
        db.session.flush()
    terms = {(t.vocabulary, t.slug): t for t in db.session.scalars(select(EvidenceTerm))}
    existing = {
        title: item
        for title, item in db.session.execute(
            select(EvidenceItem.title, EvidenceItem).where(EvidenceItem.collection_id == hub.id)
        )
    }
    now = utcnow()
    for number, demo in enumerate(DEMO_ITEMS):
        if PREFIX + demo.title in existing:
            continue
        reviewed = now - timedelta(days=200 - 4 * number)
        item = _add_item(hub, demo, number, terms, organiser, ItemStatus.INCLUDED, reviewed)
        _decide(
            item,
            "An equity focus, and methods that fit the question.",
            [
                (organiser, ORGANISER, reviewed - timedelta(days=3)),
                (co_producer, CO_PRODUCER, reviewed),
            ],
            stands_at=reviewed,
        )
        existing[item.title] = item
        result.items += 1
    if PREFIX + WAITING_ITEM.title not in existing:
        item = _add_item(
            hub, WAITING_ITEM, len(DEMO_ITEMS), terms, organiser, ItemStatus.DRAFT, None
        )
        _decide(
            item,
            "A clear equity focus; a small but careful qualitative study.",
            [(organiser, ORGANISER, now - timedelta(days=2))],  # waiting for a co-producer
        )
        existing[item.title] = item
        result.items += 1
    result.suggestions = _add_suggestions(hub, terms, people)
    _cite_from_events(hub, existing)
    db.session.flush()
    return result


def _decide(item, reason: str, agreed: list, stands_at=None) -> None:
    """An include decision proposed by the first person in `agreed` ((person, perspective,
    when) each), standing at `stands_at` if given: the rows the inclusion rule writes."""
    decision = InclusionDecision(
        item_id=item.id,
        outcome="include",
        reason=reason,
        proposed_by_id=agreed[0][0].id,
        proposed_at=agreed[0][2],
        stands_at=stands_at,
    )
    db.session.add(decision)
    db.session.flush()
    db.session.add_all(
        InclusionAgreement(
            decision_id=decision.id, user_id=person.id, perspective=perspective, agreed_at=at
        )
        for person, perspective, at in agreed
    )


def _add_item(hub, demo: DemoItem, number: int, terms, organiser, status, reviewed):
    included = status == ItemStatus.INCLUDED
    slug = demo.title.lower().replace("'", "").replace(":", "").replace(",", "")
    slug = "-".join(slug.replace("?", "").replace("+", "").split())[:80]
    summary = (
        f"This is an illustrative example, not a real study. It shows how the hub would "
        f"describe {_summary_subject(demo)}: what was looked at, with whom, and what it found, "
        f"in plain words. A real item's summary would say who took part, how the "
        f"{'work' if demo.type in ('tool', 'policy') else 'study'} was done and what it means "
        f"for people who draw on care and support and unpaid carers."
    )
    item = EvidenceItem(
        collection_id=hub.id,
        title=PREFIX + demo.title,
        summary=summary,
        easy_read=(
            "This is an example. It is not a real study.\n\n"
            f"It is about {_summary_subject(demo)}.\n\n"
            "A real Easy Read summary would say what people found, in short sentences."
            if demo.easy_read
            else ""
        ),
        publisher=PUBLISHERS[number % len(PUBLISHERS)],
        authors="\n".join(AUTHORS[number % len(AUTHORS)]),
        url=f"https://example.org/evidence/{slug}",
        doi="",
        published_year=demo.year,
        status=status.value,
        source=ItemSource.ORGANISER.value,
        illustrative=True,
        created_by_id=organiser.id,
        included_at=reviewed if included else None,
        reviewed_at=reviewed if included else None,
    )
    db.session.add(item)
    db.session.flush()
    wanted = [
        ("type", demo.type),
        *(("topic", slug) for slug in demo.topics),
        *(("dimension", slug) for slug in demo.dimensions),
        *(("setting", slug) for slug in demo.settings),
        *(("geography", slug) for slug in demo.geography),
        ("focus", demo.focus),
        ("design", demo.design),
    ]
    db.session.add_all(
        EvidenceItemTerm(item_id=item.id, term_id=terms[key].id, vocabulary=key[0])
        for key in dict.fromkeys(wanted)
        if key in terms  # an organiser may have edited the vocabularies
    )
    return item


def _summary_subject(demo: DemoItem) -> str:
    return demo.title.rstrip("?")


def _add_suggestions(hub, terms, people) -> int:
    added = 0
    present = set(
        db.session.scalars(select(Suggestion.title).where(Suggestion.collection_id == hub.id))
    )
    priya = people.get("contributor@example.org")
    gap_title = "Safeguarding LGBT+ adults who draw on care"
    if gap_title not in present:
        topic = terms.get(("topic", "safeguarding"))
        dimension = terms.get(("dimension", "sexual-orientation"))
        db.session.add(
            Suggestion(
                collection_id=hub.id,
                kind=SuggestionKind.GAP.value,
                title=gap_title,
                text="The map shows nothing on safeguarding and sexual orientation. People in "
                "our group have told us about care workers who did not take their concerns "
                "seriously. Is there any evidence about this?",
                topic_id=topic.id if topic else None,
                dimension_id=dimension.id if dimension else None,
                name=priya.name if priya else "",
                email=priya.email if priya else "",
                user_id=priya.id if priya else None,
            )
        )
        added += 1
    evidence_title = "Illustrative example: a community report on Deaf people's access to care"
    if evidence_title not in present:
        db.session.add(
            Suggestion(
                collection_id=hub.id,
                kind=SuggestionKind.NEW_EVIDENCE.value,
                title=evidence_title,
                text="An example suggestion from someone who did not sign in or leave their "
                "name: a report written with Deaf people about getting an assessment with a "
                "BSL interpreter.",
                link="https://example.org/community-report-deaf-access",
            )
        )
        added += 1
    return added


def _cite_from_events(hub, items_by_title: dict[str, EvidenceItem]) -> None:
    """The 2026 launch and gap-map workshop cite items, and their descriptions link into the
    hub (once: a description already holding the link is left alone)."""
    edition_id = hub.edition_id
    if edition_id is None:
        return
    events = {
        e.slug: e
        for e in db.session.scalars(
            select(Event).where(Event.edition_id == edition_id, Event.slug.in_(CITING_EVENTS))
        )
    }
    cited = {
        (event_id, item_id)
        for event_id, item_id in db.session.execute(
            select(EventCitation.event_id, EventCitation.item_id).where(
                EventCitation.event_id.in_([e.id for e in events.values()])
            )
        )
    }
    for slug, (titles, more) in CITING_EVENTS.items():
        event = events.get(slug)
        if event is None:
            continue
        for title in titles:
            item = items_by_title.get(PREFIX + title)
            if item is not None and (event.id, item.id) not in cited:
                db.session.add(EventCitation(event_id=event.id, item_id=item.id))
        if HUB_PATH not in (event.description or ""):
            event.description = f"{event.description or event.summary}\n\n{more}"
