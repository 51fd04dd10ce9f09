"""The demo's resources (issue 13, point 8): what the weeks left behind.

- 2022: SCIE's report "Developing our understanding of the difference co-production makes in
  social care", credited to its authors Sharon Stevens and Patrick Wood by name (no accounts),
  with a plain-English summary; the recording of the webinar they led.
- 2024: the "Co-production impact resource" the week's page promised.
- 2025: a recording and slides for the conference, its six workshops and the Lincolnshire
  webinar; "you said, we did" on two of them.
- Two podcast episodes (2026), credited to two demo contributors as their profiles say.

The titles, authors and events are the weeks' own; every file, transcript, recording and
episode is an ILLUSTRATIVE placeholder, flagged `illustrative` and saying so in its text. Files
are tiny and made in code (`tiny_files` for the PDFs, `cpweek.files.samples` for the audio and
captions) and stored through `cpweek.files.store_bytes`; links go to example.org. Rows are
written directly, published with every format their kind needs, as an organiser's publishing
would leave them: `publishing.publish` would also announce each recording to the people who
came, which history loaded into a demo must not do. Events get their recording's link through
`programme.set_recording_url`, as publishing does.

Idempotent: a resource is matched by slug and added whole (formats, credits, topics, events)
or not at all; follow-ups and recording links are added only where missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial

from sqlalchemy import select

from cpweek.auth.models import User
from cpweek.demo.editions import EDITIONS, DemoEvent
from cpweek.demo.resource_texts import (
    AFTER_2025,
    EPISODES,
    IMPACT_RESOURCE,
    REPORT_2022,
    WEBINAR_2022,
    YOU_SAID_WE_DID,
    transcript,
)
from cpweek.demo.tiny_files import tiny_pdf
from cpweek.evidence.models import EvidenceItem, EvidenceTerm
from cpweek.extensions import db
from cpweek.files import FileKind, samples, store_bytes
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event
from cpweek.resources.models import (
    Credit,
    CreditRole,
    EventFollowUp,
    FormatRole,
    Resource,
    ResourceEvent,
    ResourceEvidence,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
    ResourceTerm,
)
from cpweek.timezones import from_local
from cpweek.urls import absolute_url

EXAMPLE = "https://example.org/co-production-week"
EPISODE_SECONDS = 2  # the demo's episodes are two seconds of silence: placeholders, said so
AUTHORS_CONSENT = "Named as authors of the published report"
HOSTS_CONSENT = "Named as the webinar's hosts on the week's published programme"


@dataclass(frozen=True)
class DemoFile:
    role: FormatRole
    label: str
    filename: str
    kinds: tuple[FileKind, ...]
    make: Callable[[], bytes]


@dataclass(frozen=True)
class DemoLink:
    role: FormatRole
    label: str
    url: str


@dataclass(frozen=True)
class DemoCredit:
    role: CreditRole
    name: str = ""  # someone without an account, credited by name with consent on record
    consent_note: str = ""
    email: str = ""  # a demo account: credited as their contributor profile says


@dataclass(frozen=True)
class DemoResource:
    slug: str
    title: str
    kind: ResourceKind
    year: int
    published_on: date
    summary: str
    plain_summary: str = ""
    transcript: str = ""
    captions_by_host: bool = False
    duration_seconds: int | None = None
    episode: int | None = None
    licence: str = ""
    topics: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()  # evidence items' titles
    files: tuple[DemoFile, ...] = ()
    links: tuple[DemoLink, ...] = ()
    credits: tuple[DemoCredit, ...] = ()


def _pdf(name: str, title: str, paragraphs: Sequence[str], label: str) -> DemoFile:
    return DemoFile(
        FormatRole.MAIN, label, name, (FileKind.DOCUMENT,), partial(tiny_pdf, title, paragraphs)
    )


def _events_by_slug() -> dict[str, DemoEvent]:
    found: dict[str, DemoEvent] = {}
    stack = [event for edition in EDITIONS for event in edition.events]
    while stack:
        event = stack.pop()
        found[event.slug] = event
        stack.extend(event.children)
    return found


def _minutes(event: DemoEvent) -> int:
    start, end = (datetime.strptime(t, "%H:%M") for t in (event.start, event.end))
    return int((end - start).total_seconds() // 60)


def demo_resources() -> Iterator[DemoResource]:
    """Every demo resource, oldest first."""
    yield from _resources_2022()
    yield IMPACT_2024
    yield from _after_2025()
    yield from _episodes()


def _resources_2022() -> Iterator[DemoResource]:
    authors = tuple(
        DemoCredit(CreditRole.CO_AUTHOR, name, AUTHORS_CONSENT)
        for name in ("Sharon Stevens", "Patrick Wood")
    )
    report = REPORT_2022
    yield DemoResource(
        "difference-coproduction-makes-2022",
        report.title,
        ResourceKind.REPORT,
        2022,
        date(2022, 7, 4),
        report.summary,
        plain_summary=report.plain_summary,
        topics=("co-production",),
        events=("impact-of-coproduction-webinar-2022",),
        files=(
            _pdf(
                "difference-coproduction-makes.pdf",
                report.title,
                report.pdf,
                "Full report (a one-page illustrative placeholder)",
            ),
        ),
        links=(
            DemoLink(FormatRole.ALTERNATIVE, "On the publisher's site", f"{EXAMPLE}/2022-report"),
        ),
        credits=authors,
    )
    webinar = _events_by_slug()["impact-of-coproduction-webinar-2022"]
    yield DemoResource(
        "recording-impact-of-coproduction-webinar-2022",
        f"Recording: {webinar.title}",
        ResourceKind.RECORDING,
        2022,
        date(2022, 7, 15),
        WEBINAR_2022.summary,
        transcript=transcript(webinar.title, WEBINAR_2022.said),
        captions_by_host=True,
        duration_seconds=60 * _minutes(webinar),
        licence="CC-BY-4.0",
        topics=("co-production",),
        events=(webinar.slug,),
        links=(
            DemoLink(
                FormatRole.MAIN,
                "Watch on the video host (captioned there)",
                f"{EXAMPLE}/recordings/{webinar.slug}",
            ),
        ),
        credits=tuple(
            DemoCredit(
                CreditRole.SPEAKER,
                credit.name,
                "Named as the webinar's speakers on the week's published programme",
            )
            for credit in authors
        ),
    )


IMPACT_2024 = DemoResource(
    "coproduction-impact-resource-2024",
    IMPACT_RESOURCE.title,
    ResourceKind.GUIDE,
    2024,
    date(2024, 7, 1),
    IMPACT_RESOURCE.summary,
    plain_summary=IMPACT_RESOURCE.plain_summary,
    topics=("co-production",),
    files=(
        _pdf(
            "coproduction-impact-resource.pdf",
            IMPACT_RESOURCE.title,
            IMPACT_RESOURCE.pdf,
            "The resource (a one-page illustrative placeholder)",
        ),
    ),
)


def _after_2025() -> Iterator[DemoResource]:
    """A recording (a captioned link, or captions of its own for the Lincolnshire webinar) and
    slides for each 2025 event in AFTER_2025."""
    events = _events_by_slug()
    for slug, (topics, said) in AFTER_2025.items():
        event = events[slug]
        own_captions = slug == "lincolnshire-carers-webinar-2025"
        files: tuple[DemoFile, ...] = ()
        if own_captions:
            cues = [
                (0.0, 4.0, "Welcome, everyone. Captions are on."),
                (4.0, 9.0, said.split(". ")[0] + "."),
                (9.0, 12.0, "(An illustrative caption file for the demo.)"),
            ]
            files = (
                DemoFile(
                    FormatRole.CAPTIONS,
                    "Captions (WebVTT)",
                    f"{slug}.vtt",
                    (FileKind.CAPTIONS,),
                    partial(samples.webvtt, cues),
                ),
            )
        yield DemoResource(
            f"recording-{slug}",
            f"Recording: {event.title}",
            ResourceKind.RECORDING,
            2025,
            date(2025, 7, 11),
            f"An illustrative recording of “{event.title}” (Co-production Week 2025): "
            f"{event.summary}",
            transcript=transcript(event.title, said),
            captions_by_host=not own_captions,
            duration_seconds=60 * _minutes(event),
            licence="CC-BY-4.0",
            topics=topics,
            events=(slug,),
            files=files,
            links=(
                DemoLink(
                    FormatRole.MAIN, "Watch on the video host", f"{EXAMPLE}/recordings/{slug}"
                ),
            ),
            credits=(
                tuple(
                    DemoCredit(CreditRole.SPEAKER, name, HOSTS_CONSENT)
                    for name in ("Sarah Grundy", "Robert Dean")
                )
                if own_captions
                else ()
            ),
        )
        yield DemoResource(
            f"slides-{slug}",
            f"Slides: {event.title}",
            ResourceKind.SLIDES,
            2025,
            date(2025, 7, 11),
            f"Illustrative slides from “{event.title}” (Co-production Week 2025).",
            licence="CC-BY-4.0",
            topics=topics,
            events=(slug,),
            files=(
                _pdf(
                    f"slides-{slug}.pdf",
                    event.title,
                    [
                        "Illustrative slides made for the cpweek demo: not the slides shown on "
                        "the day.",
                        event.summary,
                        said,
                    ],
                    "Slides (PDF)",
                ),
            ),
        )


def _episodes() -> Iterator[DemoResource]:
    for episode in EPISODES:
        yield DemoResource(
            episode.slug,
            episode.title,
            ResourceKind.PODCAST,
            2026,
            episode.published_on,
            episode.summary,
            transcript=episode.transcript,
            duration_seconds=EPISODE_SECONDS,
            episode=episode.number,
            licence="CC-BY-4.0",
            topics=episode.topics,
            evidence=episode.evidence,
            files=(
                DemoFile(
                    FormatRole.MAIN,
                    "Listen (MP3, an illustrative two seconds of silence)",
                    f"{episode.slug}.mp3",
                    (FileKind.AUDIO,),
                    partial(samples.mp3, EPISODE_SECONDS),
                ),
            ),
            credits=(DemoCredit(CreditRole.SPEAKER, email=episode.speaker_email),),
        )


# --- loading ------------------------------------------------------------------------------------


def add_resources() -> int:
    """Add the demo resources that are missing (and their follow-ups and recording links);
    returns how many resources were added. Flushes, never commits (the caller's unit of work)."""
    people = {u.email: u for u in db.session.scalars(select(User))}
    organiser = people.get("organiser@example.org")
    if organiser is None:
        return 0
    present = set(db.session.scalars(select(Resource.slug)))
    editions = dict(db.session.execute(select(Edition.year, Edition.id)).all())
    events = {e.slug: e for e in db.session.scalars(select(Event))}
    topics = dict(
        db.session.execute(
            select(EvidenceTerm.slug, EvidenceTerm.id).where(EvidenceTerm.vocabulary == "topic")
        ).all()
    )
    items = dict(db.session.execute(select(EvidenceItem.title, EvidenceItem.id)).all())
    added = 0
    for demo in demo_resources():
        if demo.slug in present or demo.year not in editions:
            continue
        resource = _add_resource(demo, editions[demo.year], organiser)
        _link(resource, demo, events, topics, items, people, organiser)
        added += 1
    _add_follow_ups(events, organiser)
    _link_recordings(events)
    db.session.flush()
    return added


def _add_resource(demo: DemoResource, edition_id: int, organiser: User) -> Resource:
    published_at = from_local(datetime.combine(demo.published_on, time(9, 0)))
    resource = Resource(
        slug=demo.slug,
        title=demo.title,
        summary=demo.summary,
        kind=demo.kind.value,
        status=ResourceStatus.PUBLISHED.value,
        licence=demo.licence,
        edition_id=edition_id,
        published_on=demo.published_on,
        published_at=published_at,
        plain_summary=demo.plain_summary,
        transcript=demo.transcript,
        captions_by_host=demo.captions_by_host,
        duration_seconds=demo.duration_seconds,
        episode=demo.episode,
        illustrative=True,
        created_by_id=organiser.id,
        created_at=published_at,
    )
    db.session.add(resource)
    db.session.flush()
    return resource


def _link(resource, demo: DemoResource, events, topics, items, people, organiser) -> None:
    """The resource's formats (files stored now), credits, topics, events and evidence."""
    position = 0
    for file in demo.files:
        stored = store_bytes(
            file.make(), file.filename, file.kinds, folder=f"resources/{resource.id}"
        )
        db.session.add(
            ResourceFormat(
                resource_id=resource.id,
                role=file.role.value,
                label=file.label,
                position=position,
                storage_key=stored.key,
                filename=stored.filename,
                media_type=stored.media_type,
                size_bytes=stored.size,
                created_by_id=organiser.id,
            )
        )
        position += 1
    for link in demo.links:
        db.session.add(
            ResourceFormat(
                resource_id=resource.id,
                role=link.role.value,
                label=link.label,
                position=position,
                url=link.url,
                created_by_id=organiser.id,
            )
        )
        position += 1
    for number, credit in enumerate(demo.credits):
        person = people.get(credit.email) if credit.email else None
        if credit.email and person is None:
            continue  # the account was removed: credit nobody rather than the wrong person
        db.session.add(
            Credit(
                resource_id=resource.id,
                role=credit.role.value,
                person_id=person.id if person else None,
                name=credit.name,
                consent_note=credit.consent_note,
                position=number,
                created_by_id=organiser.id,
            )
        )
    db.session.add_all(
        ResourceTerm(resource_id=resource.id, term_id=topics[slug])
        for slug in demo.topics
        if slug in topics  # an organiser may have edited the vocabulary
    )
    db.session.add_all(
        ResourceEvent(resource_id=resource.id, event_id=events[slug].id)
        for slug in demo.events
        if slug in events
    )
    db.session.add_all(
        ResourceEvidence(resource_id=resource.id, item_id=items[title])
        for title in demo.evidence
        if title in items
    )


def _add_follow_ups(events: dict[str, Event], organiser: User) -> None:
    """ "You said, we did" on the events that have one written, where none is yet."""
    have = set(db.session.scalars(select(EventFollowUp.event_id)))
    for slug, text in YOU_SAID_WE_DID.items():
        event = events.get(slug)
        if event is not None and event.id not in have:
            db.session.add(
                EventFollowUp(event_id=event.id, you_said_we_did=text, updated_by_id=organiser.id)
            )


def _link_recordings(events: dict[str, Event]) -> None:
    """Each event with a published recording points at its page, as publishing one does
    (`programme.set_recording_url`: the calendar's description gains "Watch again", SEQUENCE
    stays). Nobody is emailed: the demo adds history, it does not announce it."""
    rows = db.session.execute(
        select(ResourceEvent.event_id, Resource.slug)
        .join(Resource, Resource.id == ResourceEvent.resource_id)
        .where(
            Resource.kind == ResourceKind.RECORDING.value,
            Resource.status == ResourceStatus.PUBLISHED.value,
        )
        .order_by(Resource.id)
    ).all()
    by_id = {event.id: event for event in events.values()}
    for event_id, slug in rows:
        event = by_id.get(event_id)
        if event is not None and not event.recording_url:
            programme.set_recording_url(event, absolute_url("resources.resource", slug=slug))
