"""Drafting resources without HTTP: each rule of the form's details, slugs, topics, events and
evidence, durations, the audit trail, and the finders the public pages use."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.evidence.models import ItemStatus
from cpweek.extensions import db
from cpweek.programme.models import EventStatus
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import (
    ResourceEvent,
    ResourceEvidence,
    ResourceKind,
    ResourceStatus,
    ResourceTerm,
)
from cpweek.resources.services import drafting
from cpweek.resources.services.drafting import (
    ResourceDetails,
    create_resource,
    duration_words,
    parse_duration,
    published_resource,
    resource_by_slug,
    update_resource,
)
from tests.evidence.factories import make_collection, make_item, term
from tests.factories import make_edition, make_event, make_user
from tests.resources.factories import make_link_format, make_resource


@pytest.fixture
def organiser():
    return make_user(roles=(Role.ORGANISER,))


def details(**changes) -> ResourceDetails:
    values = {"title": "Carers' toolkit", "kind": "guide", "summary": "How to start."}
    return ResourceDetails(**{**values, **changes})


def refusal(field: str, organiser, **changes) -> str:
    with pytest.raises(ResourceError) as refused:
        create_resource(details(**changes), organiser)
    assert refused.value.field == field
    return refused.value.message


def test_a_draft_is_missing_to_the_public():
    draft = make_resource(slug="a-draft")
    make_link_format(draft)
    assert resource_by_slug("a-draft") is draft
    assert published_resource("a-draft") is None
    shown = make_resource(slug="shown", status=ResourceStatus.PUBLISHED)
    assert published_resource("shown") is shown
    assert shown.published_at is not None and shown.published_on is not None


def test_a_new_resource_is_a_draft_with_everything_typed(organiser):
    edition = make_edition(2025)
    event = make_event(edition)
    collection = make_collection()
    item = make_item(collection)
    created = create_resource(
        details(
            kind="recording",
            licence="OGL-UK-3.0",
            edition_id=edition.id,
            topic_ids=[term("topic", "unpaid-carers").id],
            event_ids=[event.id],
            evidence=f"#{item.id}",
            published_on=date(2025, 7, 3),
            transcript="Hello everyone.",
            captions_by_host=True,
            duration="52:10",
        ),
        organiser,
    )
    assert created.status == ResourceStatus.DRAFT.value
    assert created.slug == "carers-toolkit"
    assert (created.licence, created.edition_id) == ("OGL-UK-3.0", edition.id)
    assert created.duration_seconds == 52 * 60 + 10 and created.captions_by_host
    assert db.session.scalars(select(ResourceEvent.event_id)).all() == [event.id]
    assert db.session.scalars(select(ResourceEvidence.item_id)).all() == [item.id]
    assert db.session.scalars(select(ResourceTerm.term_id)).all() == [
        term("topic", "unpaid-carers").id
    ]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resource.create"))
    assert entry is not None and entry.actor_id == organiser.id
    assert entry.after["events"] == [event.id]


def test_slugs_are_unique_and_a_drafts_follows_its_title(organiser):
    first = create_resource(details(), organiser)
    second = create_resource(details(), organiser)
    third = create_resource(details(title="Carers’ toolkit!"), organiser)
    assert [first.slug, second.slug, third.slug] == [
        "carers-toolkit",
        "carers-toolkit-2",
        "carers-toolkit-3",
    ]
    update_resource(second, details(title="A new name"), organiser)
    assert second.slug == "a-new-name"
    update_resource(first, details(title="Carers' toolkit"), organiser)
    assert first.slug == "carers-toolkit"  # its own slug is not "taken"


def test_a_published_resource_keeps_its_address(organiser):
    shown = make_resource(title="Old", slug="old", status=ResourceStatus.PUBLISHED)
    update_resource(shown, details(title="A better title"), organiser)
    assert (shown.slug, shown.title) == ("old", "A better title")


def test_a_published_resource_keeps_its_date_when_the_date_is_left_empty(organiser):
    # The library and feeds order public resources by their date, with no place for none.
    shown = make_resource(status=ResourceStatus.PUBLISHED, published_on=date(2025, 7, 10))
    update_resource(shown, details(published_on=None), organiser)
    assert shown.published_on == date(2025, 7, 10)
    update_resource(shown, details(published_on=date(2025, 7, 11)), organiser)
    assert shown.published_on == date(2025, 7, 11)
    draft = make_resource(published_on=date(2025, 7, 10))
    update_resource(draft, details(title="Draft", published_on=None), organiser)
    assert draft.published_on is None  # a draft's date is chosen when it is published


@pytest.mark.parametrize(
    ("field", "changes", "words"),
    [
        ("title", {"title": "   "}, "Enter a title"),
        ("title", {"title": "x" * 301}, "300 characters"),
        ("kind", {"kind": "novel"}, "Choose what kind"),
        ("licence", {"licence": "WTFPL"}, "Choose a licence from the list"),
        ("edition_id", {"edition_id": 999}, "Choose a year"),
        ("edition_id", {"edition_id": 2**40}, "Choose a year"),
        ("topics", {"topic_ids": [123456]}, "Choose topics"),
        ("duration", {"duration": "a while"}, "Like 52 minutes"),
        ("duration", {"duration": "52:75"}, "not a time"),
        ("evidence", {"evidence": "12 and more"}, "not an item number"),
        ("evidence", {"evidence": "99999999999999"}, "not an item number"),
        ("evidence", {"evidence": "4242"}, "No included evidence item has the number 4242"),
        ("summary", {"summary": "x" * 5001}, "5,000 characters"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_saved(organiser, field, changes, words):
    assert words in refusal(field, organiser, **changes)
    assert db.session.scalars(select(drafting.Resource)).all() == []


def test_evidence_must_be_included(organiser):
    collection = make_collection()
    draft = make_item(collection, status=ItemStatus.DRAFT.value)
    assert "No included evidence item" in refusal("evidence", organiser, evidence=str(draft.id))


def test_events_come_from_the_resources_own_year(organiser):
    edition, other = make_edition(2025), make_edition(2024)
    ours, theirs = make_event(edition), make_event(other)
    hidden = make_event(edition, status=EventStatus.DRAFT.value)
    assert "Choose the year" in refusal("edition_id", organiser, event_ids=[ours.id])
    for event in (theirs, hidden):
        message = refusal("events", organiser, edition_id=edition.id, event_ids=[event.id])
        assert "chosen year's programme" in message
    made = create_resource(details(edition_id=edition.id, event_ids=[ours.id]), organiser)
    assert drafting.linked_ids(made)[1] == {ours.id}


def test_editing_replaces_topics_events_and_evidence(organiser):
    collection = make_collection()
    first, second = make_item(collection), make_item(collection)
    made = create_resource(
        details(topic_ids=[term("topic", "housing").id], evidence=f"{first.id}"), organiser
    )
    update_resource(
        made,
        details(topic_ids=[term("topic", "workforce").id], evidence=f"{second.id}, {first.id}"),
        organiser,
    )
    topics, events, items = drafting.linked_ids(made)
    assert topics == {term("topic", "workforce").id}
    assert events == set() and items == sorted([first.id, second.id])
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resource.update"))
    assert entry.before["topics"] == [term("topic", "housing").id]


def test_only_a_podcast_keeps_an_episode_number_and_only_a_recording_host_captions(organiser):
    guide = create_resource(details(episode=4, captions_by_host=True), organiser)
    assert guide.episode is None and not guide.captions_by_host
    podcast = create_resource(details(kind="podcast", episode=4), organiser)
    assert podcast.episode == 4
    assert "episode number" in refusal("episode", organiser, kind="podcast", episode=0)


@pytest.mark.parametrize(
    ("typed", "seconds"),
    [
        ("", None),
        ("52", 52 * 60),
        ("52 minutes", 52 * 60),
        ("52 mins", 52 * 60),
        ("1 hour 5 minutes", 3900),
        ("1 hour, 5 minutes and 10 seconds", 3910),
        ("1h 5m", 3900),
        ("52:10", 3130),
        ("1:02:10", 3730),
        ("90 seconds", 90),
    ],
)
def test_durations_people_type(typed, seconds):
    assert parse_duration(typed) == seconds


def test_durations_in_words():
    assert duration_words(3130) == "52 minutes 10 seconds"
    assert duration_words(3600) == "1 hour"
    assert duration_words(None) == ""


def test_licences_offer_the_six_choices():
    assert list(drafting.LICENCES) == [
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC-BY-NC-4.0",
        "CC-BY-NC-ND-4.0",
        "OGL-UK-3.0",
        "",
    ]
    assert all(
        licence.url.startswith("https://") for licence in drafting.LICENCES.values() if licence.id
    )
    assert drafting.licence_of(make_resource(licence="")).name == "All rights reserved"


def test_kinds_are_the_issues_eight():
    assert {kind.value for kind in ResourceKind} == {
        "report",
        "guide",
        "recording",
        "podcast",
        "slides",
        "blog",
        "template",
        "easy_read",
    }


def test_a_published_resource_keeps_what_its_kind_needs(organiser):
    podcast = make_resource(
        "podcast", title="Episode", status=ResourceStatus.PUBLISHED, transcript="Words"
    )
    make_link_format(podcast)
    with pytest.raises(ResourceError) as refused:
        update_resource(podcast, details(title="Episode 1", kind="podcast"), organiser)
    assert refused.value.field == "transcript"
    assert "needs a transcript" in refused.value.message
    assert (podcast.title, podcast.transcript) == ("Episode", "Words")  # put back at once
    with pytest.raises(ResourceError) as refused:
        update_resource(
            podcast, details(title="Episode", kind="recording", transcript="W"), organiser
        )
    assert refused.value.field == "captions_by_host"
    update_resource(podcast, details(title="Episode 1", kind="podcast", transcript="W"), organiser)
    assert podcast.title == "Episode 1"
