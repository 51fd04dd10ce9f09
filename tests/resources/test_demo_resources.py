"""The demo's resources (issue 13, point 8): the 2022 report and webinar recording, the 2024
impact resource, recordings and slides of 2025's conference, workshops and Lincolnshire webinar,
two podcast episodes; every file stored, tiny and of its real type; loading twice adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.files import stored_size
from cpweek.programme.models import Edition, Event
from cpweek.resources.models import (
    Credit,
    EventFollowUp,
    FormatGap,
    FormatRole,
    Resource,
    ResourceEvent,
    ResourceEvidence,
    ResourceFormat,
    ResourceTerm,
)
from cpweek.resources.services import credits, drafting, publishing

# The demo is loaded once for the module (`demo_world`); each test loses what it adds.
pytestmark = pytest.mark.usefixtures("demo_world")

AFTER_2025 = [
    "innovation-conference-2025",
    "arf-unpaid-carers-2025",
    "commissioning-innovation-2025",
    "lived-experience-roles-2025",
    "edi-in-coproduction-2025",
    "impact-tools-local-authority-2025",
    "digital-innovation-2025",
    "lincolnshire-carers-webinar-2025",
]


def _resource(slug: str) -> Resource:
    resource = db.session.scalar(select(Resource).where(Resource.slug == slug))
    assert resource is not None, slug
    return resource


def _formats(resource: Resource) -> list[ResourceFormat]:
    return list(
        db.session.scalars(
            select(ResourceFormat)
            .where(ResourceFormat.resource_id == resource.id)
            .order_by(ResourceFormat.position)
        )
    )


def _credits(resource: Resource) -> list[Credit]:
    return list(
        db.session.scalars(
            select(Credit).where(Credit.resource_id == resource.id).order_by(Credit.position)
        )
    )


def _event_slugs(resource: Resource) -> set[str]:
    return set(
        db.session.scalars(
            select(Event.slug)
            .join(ResourceEvent, ResourceEvent.event_id == Event.id)
            .where(ResourceEvent.resource_id == resource.id)
        )
    )


def _year(resource: Resource) -> int:
    return db.session.scalar(select(Edition.year).where(Edition.id == resource.edition_id))


def _has_topics(resource: Resource) -> bool:
    return bool(
        db.session.scalar(select(func.count()).where(ResourceTerm.resource_id == resource.id))
    )


def test_the_archive_has_its_resources():
    everything = list(db.session.scalars(select(Resource)))
    assert len(everything) == 21
    assert all(r.is_published and r.illustrative and r.published_at for r in everything)
    assert all(_has_topics(r) for r in everything)

    report = _resource("difference-coproduction-makes-2022")
    assert report.title == (
        "Developing our understanding of the difference co-production makes in social care"
    )
    assert report.kind == "report" and _year(report) == 2022 and report.plain_summary
    assert _event_slugs(report) == {"impact-of-coproduction-webinar-2022"}
    assert [(c.name, c.role, c.person_id, c.consent_note) for c in _credits(report)] == [
        ("Sharon Stevens", "co_author", None, "Named as authors of the published report"),
        ("Patrick Wood", "co_author", None, "Named as authors of the published report"),
    ]
    assert [f.media_type for f in _formats(report) if f.is_file] == ["application/pdf"]

    webinar = _resource("recording-impact-of-coproduction-webinar-2022")
    assert webinar.kind == "recording" and webinar.captions_by_host and webinar.transcript
    assert _event_slugs(webinar) == {"impact-of-coproduction-webinar-2022"}
    main = [f for f in _formats(webinar) if f.role == FormatRole.MAIN.value]
    assert main and main[0].url.startswith("https://example.org/")

    impact = _resource("coproduction-impact-resource-2024")
    assert impact.title == "Co-production impact resource"
    assert impact.kind == "guide" and _year(impact) == 2024 and impact.plain_summary
    assert [f.media_type for f in _formats(impact)] == ["application/pdf"]

    events = {e.slug: e for e in db.session.scalars(select(Event))}
    for slug in AFTER_2025:
        recording, slides = _resource(f"recording-{slug}"), _resource(f"slides-{slug}")
        assert _event_slugs(recording) == _event_slugs(slides) == {slug}
        assert recording.kind == "recording" and recording.transcript
        roles = {f.role for f in _formats(recording)}
        assert recording.captions_by_host or FormatRole.CAPTIONS.value in roles
        assert slides.kind == "slides"
        assert [f.media_type for f in _formats(slides)] == ["application/pdf"]
        assert events[slug].recording_url.endswith(f"/resources/recording-{slug}")
    lincolnshire = _resource("recording-lincolnshire-carers-webinar-2025")
    assert "text/vtt" in [f.media_type for f in _formats(lincolnshire)]
    assert {c.name for c in _credits(lincolnshire)} == {"Sarah Grundy", "Robert Dean"}
    said = set(db.session.scalars(select(EventFollowUp.event_id)))
    assert {events["innovation-conference-2025"].id, events[AFTER_2025[-1]].id} <= said

    episodes = list(db.session.scalars(select(Resource).where(Resource.kind == "podcast")))
    assert sorted(e.episode for e in episodes) == [1, 2]
    for episode in episodes:
        assert episode.transcript and episode.duration_seconds == 2
        assert [f.media_type for f in _formats(episode)] == ["audio/mpeg"]
        credits = _credits(episode)
        assert len(credits) == 1 and credits[0].person_id is not None
    assert db.session.scalar(select(func.count()).select_from(ResourceEvidence)) == 2


def test_the_demo_keeps_the_rules_of_publishing_and_credits():
    """Written as rows, the demo still keeps what the services ask: each kind's accessible
    formats without a recorded reason (issue 13 point 2), licences from the list, and credits
    shown as the contributors' profiles say (Marcus by his pseudonym), on their portfolios."""
    resources = list(db.session.scalars(select(Resource)))
    assert all(publishing.missing_needs(r) == [] for r in resources)
    assert all(publishing.has_content(r) for r in resources)
    assert not db.session.scalar(select(func.count()).select_from(FormatGap))
    assert all(r.licence in drafting.LICENCES for r in resources)
    episodes = {r.episode: r for r in resources if r.kind == "podcast"}
    shown = credits.shown_credits([episodes[1].id, episodes[2].id])
    assert shown[episodes[1].id] == [credits.ShownCredit("Priya Shah", "Speaker")]
    assert shown[episodes[2].id] == [credits.ShownCredit("M. B.", "Speaker")]
    people = {u.email: u for u in db.session.scalars(select(User))}
    for email, number in (("contributor@example.org", 1), ("coproducer@example.org", 2)):
        works = credits.published_credits_of(people[email].id)
        assert [resource.slug for _credit, resource in works] == [episodes[number].slug]


def test_every_demo_file_is_stored_and_small():
    files = list(db.session.scalars(select(ResourceFormat).where(ResourceFormat.storage_key != "")))
    assert len(files) == 1 + 1 + 8 + 1 + 2  # report, impact, 8 slides, the captions, 2 episodes
    for row in files:
        assert row.filename and row.media_type
        assert stored_size(row.storage_key) == row.size_bytes < 50_000, row.filename
    links = db.session.scalars(select(ResourceFormat.url).where(ResourceFormat.url != ""))
    assert all(url.startswith("https://example.org/") for url in links)


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (
            Resource,
            ResourceFormat,
            Credit,
            ResourceTerm,
            ResourceEvent,
            ResourceEvidence,
            EventFollowUp,
        )
    )


def test_seed_demo_twice_adds_no_resource(runner):
    counts = _counts()
    recording_urls = set(db.session.scalars(select(Event.recording_url)))
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "nothing added" in second.output
    assert _counts() == counts
    assert set(db.session.scalars(select(Event.recording_url))) == recording_urls
