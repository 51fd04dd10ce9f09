"""Publishing without HTTP: what each kind needs, the reasons that stand in for a missing
format (and their dates), gaps that close when the format arrives, publish and unpublish,
the audit trail and the resource_published signal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from cpweek import signals
from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme.services import today_in
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import AccessNeed, FormatGap, FormatRole, ResourceStatus
from cpweek.resources.services import formats, publishing
from cpweek.resources.services.drafting import published_resource
from cpweek.resources.services.publishing import GapReason, NeedsReason, publish, unpublish
from tests.factories import make_user
from tests.resources.factories import make_link_format, make_resource


@pytest.fixture
def organiser():
    return make_user(roles=(Role.ORGANISER,))


def later(days: int = 30) -> date:
    return today_in() + timedelta(days=days)


def test_a_guide_with_a_link_publishes_and_tells_who_listens(organiser):
    guide = make_resource("guide", slug="guide", published_on=None)
    make_link_format(guide)
    heard = []

    def listener(sender, **kwargs):
        heard.append(sender)

    signals.resource_published.connect(listener)
    try:
        assert publish(guide, organiser) == []
    finally:
        signals.resource_published.disconnect(listener)
    assert heard == [guide]
    assert guide.status == ResourceStatus.PUBLISHED.value
    assert guide.published_at is not None and guide.published_on == today_in()
    assert published_resource("guide") is guide
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resource.publish"))
    assert entry is not None and entry.actor_id == organiser.id


def test_the_date_given_or_on_the_resource_is_kept(organiser):
    one = make_resource("guide", transcript="Words.", published_on=date(2022, 7, 4))
    publish(one, organiser)
    assert one.published_on == date(2022, 7, 4)
    two = make_resource("guide", transcript="Words.")
    publish(two, organiser, published_on=date(2024, 7, 1))
    assert two.published_on == date(2024, 7, 1)


def test_nothing_to_read_watch_or_hear_is_refused(organiser):
    empty = make_resource("guide")
    with pytest.raises(ResourceError, match="Add a file or a link"):
        publish(empty, organiser)
    assert empty.status == ResourceStatus.DRAFT.value


def test_a_recording_needs_captions_and_a_transcript_or_reasons(organiser):
    recording = make_resource("recording")
    make_link_format(recording, url="https://video.example.org/watch/1")
    with pytest.raises(NeedsReason) as refused:
        publish(recording, organiser)
    assert refused.value.missing == [AccessNeed.CAPTIONS, AccessNeed.TRANSCRIPT]
    assert refused.value.field == "reason_captions"
    assert "needs captions and a transcript before" in refused.value.message
    assert recording.status == ResourceStatus.DRAFT.value
    # One reason is not enough: the message names what is still unexplained.
    with pytest.raises(NeedsReason) as refused:
        publish(recording, organiser, reasons={AccessNeed.CAPTIONS: GapReason("Being made")})
    assert refused.value.missing == [AccessNeed.TRANSCRIPT]
    gaps = publish(
        recording,
        organiser,
        reasons={
            AccessNeed.CAPTIONS: GapReason("Being made", later()),
            AccessNeed.TRANSCRIPT: GapReason("Being typed"),
        },
    )
    assert gaps == [AccessNeed.CAPTIONS, AccessNeed.TRANSCRIPT]
    recorded = publishing.gaps_of(recording.id)
    assert [(g.need, g.reason, g.expected_by) for g in recorded] == [
        ("captions", "Being made", later()),
        ("transcript", "Being typed", None),
    ]
    assert recorded[0].recorded_by_id == organiser.id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resource.format_gap"))


def test_captions_by_host_and_transcript_text_meet_a_recordings_needs(organiser):
    recording = make_resource("recording", captions_by_host=True, transcript="Hello.")
    make_link_format(recording)
    assert publish(recording, organiser) == []
    assert publishing.gaps_of(recording.id) == []


def test_a_podcast_needs_a_transcript_and_a_report_an_easy_read_or_summary(organiser):
    podcast = make_resource("podcast")
    make_link_format(podcast)
    assert publishing.missing_needs(podcast) == [AccessNeed.TRANSCRIPT]
    make_link_format(podcast, role=FormatRole.TRANSCRIPT, url="https://example.org/t")
    assert publishing.missing_needs(podcast) == []
    report = make_resource("report")
    make_link_format(report)
    assert publishing.missing_needs(report) == [AccessNeed.EASY_READ]
    report.plain_summary = "In short: it works."
    assert publishing.missing_needs(report) == []
    other = make_resource("report")
    make_link_format(other, role=FormatRole.EASY_READ)
    assert publishing.missing_needs(other) == []
    assert publishing.missing_needs(make_resource("slides")) == []


@pytest.mark.parametrize("days", [0, -1, -400])
def test_a_date_it_is_coming_by_must_be_in_the_future(organiser, days):
    podcast = make_resource("podcast")
    make_link_format(podcast)
    with pytest.raises(ResourceError) as refused:
        publish(
            podcast,
            organiser,
            reasons={AccessNeed.TRANSCRIPT: GapReason("Soon", today_in() + timedelta(days))},
        )
    assert refused.value.field == "expected_by_transcript"
    assert "in the future" in refused.value.message
    assert podcast.status == ResourceStatus.DRAFT.value
    assert db.session.scalars(select(FormatGap)).all() == []


def test_a_reason_too_long_is_refused(organiser):
    podcast = make_resource("podcast", plain_summary="x")
    with pytest.raises(ResourceError) as refused:
        publish(podcast, organiser, reasons={AccessNeed.TRANSCRIPT: GapReason("x" * 2001)})
    assert refused.value.field == "reason_transcript"


def test_a_gap_closes_when_the_format_is_added(organiser):
    podcast = make_resource("podcast")
    make_link_format(podcast)
    publish(podcast, organiser, reasons={AccessNeed.TRANSCRIPT: GapReason("Typing", later())})
    assert len(publishing.gaps_of(podcast.id)) == 1
    formats.add_link(podcast, "transcript", "https://example.org/t.pdf", "", organiser)
    assert publishing.gaps_of(podcast.id) == []
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "resource.format_gap_closed")
    )


def test_a_reason_for_a_need_that_is_met_is_not_kept(organiser):
    podcast = make_resource("podcast", transcript="Words")
    publish(podcast, organiser, reasons={AccessNeed.TRANSCRIPT: GapReason("Typing")})
    assert publishing.gaps_of(podcast.id) == []


def test_unpublish_goes_back_to_a_draft_and_is_audited(organiser):
    guide = make_resource("guide", slug="g", status=ResourceStatus.PUBLISHED, transcript="x")
    unpublish(guide, organiser)
    assert guide.status == ResourceStatus.DRAFT.value and guide.published_at is None
    assert published_resource("g") is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resource.unpublish"))
    with pytest.raises(ResourceError, match="not published"):
        unpublish(guide, organiser)
    publish(guide, organiser)
    with pytest.raises(ResourceError, match="already published"):
        publish(guide, organiser)


def test_the_list_reads_needs_and_gaps_in_one_query_each(organiser, count_queries):
    made = [make_resource("recording") for _ in range(5)]
    make_link_format(made[0], role=FormatRole.CAPTIONS)
    db.session.commit()
    ids = [r.id for r in made]
    _ = [r.captions_by_host for r in made]  # loaded again after the commit, outside the count
    with count_queries() as queries:
        missing = publishing.missing_for(made)
        gaps = publishing.gaps_for(ids)
    assert len(queries) == 2
    assert missing[made[0].id] == [AccessNeed.TRANSCRIPT]
    assert missing[made[1].id] == [AccessNeed.CAPTIONS, AccessNeed.TRANSCRIPT]
    assert gaps[made[0].id] == {}
