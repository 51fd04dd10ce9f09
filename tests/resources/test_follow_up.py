"""After an event, the rules without HTTP: which events may have a follow-up, what saving
makes (draft resources linked to the event, the summary), bad input saving nothing, the
accessible-format rule on publishing, and the "recording is ready" email, once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from cpweek import signals
from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.mail import OutboxMessage
from cpweek.programme.models import EventStatus
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import (
    AccessNeed,
    EventFollowUp,
    FormatGap,
    FormatRole,
    Resource,
    ResourceEvent,
    ResourceFormat,
    ResourceStatus,
)
from cpweek.resources.services import follow_up
from cpweek.resources.services.follow_up import FollowUpInput, FollowUpRefused
from cpweek.resources.services.publishing import gaps_of
from cpweek.uow import unit_of_work
from tests.factories import make_user
from tests.resources.follow_up_helpers import (
    LINK,
    SLIDES,
    TITLE,
    TOLD,
    audience,
    ended_event,
    future_event,
    linked_resource,
    outbox_to,
)


@pytest.fixture
def organiser():
    return make_user(email="organiser@example.org", roles=(Role.ORGANISER,))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _ready(event, organiser, **extra):
    """A recording with a link, captions from the host and a typed transcript."""
    given = FollowUpInput(
        recording_url=LINK, captions_by_host=True, transcript="Sarah: Welcome.", **extra
    )
    return follow_up.save_follow_up(event, given, organiser)


# --- which events -------------------------------------------------------------------------------


def test_an_event_still_to_come_is_refused_with_a_reason(organiser):
    event = future_event()
    assert "has not ended yet" in follow_up.refusal(event)
    with pytest.raises(FollowUpRefused, match="has not ended yet"):
        follow_up.save_follow_up(event, FollowUpInput(recording_url=LINK), organiser)
    assert _count(Resource) == 0


def test_a_cancelled_or_unpublished_event_is_refused(organiser):
    cancelled = ended_event(status=EventStatus.CANCELLED.value)
    assert "was cancelled" in follow_up.refusal(cancelled)
    draft = ended_event(slug="draft", status=EventStatus.DRAFT.value)
    assert "never published" in follow_up.refusal(draft)
    for event in (cancelled, draft):
        with pytest.raises(FollowUpRefused):
            follow_up.save_follow_up(event, FollowUpInput(you_said_we_did="Hi"), organiser)
    assert _count(EventFollowUp) == 0


def test_an_ended_event_may_have_one(organiser):
    assert follow_up.refusal(ended_event()) is None


# --- saving -------------------------------------------------------------------------------------


def test_a_recording_and_slides_become_draft_resources_of_the_event(organiser):
    event = ended_event()
    saved = _ready(event, organiser, slides_url=SLIDES, you_said_we_did="- You said: more breaks")
    db.session.commit()
    recording, slides = saved.recording, saved.slides
    assert recording.title == f"Recording: {TITLE}" and recording.kind == "recording"
    assert slides.title == f"Slides: {TITLE}" and slides.kind == "slides"
    for resource in (recording, slides):
        assert resource.status == ResourceStatus.DRAFT.value
        assert resource.edition_id == event.edition_id
        assert db.session.get(ResourceEvent, (resource.id, event.id)) is not None
    assert recording.transcript == "Sarah: Welcome." and recording.captions_by_host
    links = {r.resource_id: r.url for r in db.session.scalars(select(ResourceFormat))}
    assert links == {recording.id: LINK, slides.id: SLIDES}
    assert db.session.get(EventFollowUp, event.id).you_said_we_did == "- You said: more breaks"


def test_saving_again_replaces_the_link_and_keeps_one_recording(organiser):
    event = ended_event()
    _ready(event, organiser)
    db.session.commit()
    again = follow_up.save_follow_up(
        event, FollowUpInput(recording_url=LINK + "?v=2", transcript="Again."), organiser
    )
    db.session.commit()
    assert _count(Resource) == 1 and _count(ResourceFormat) == 1
    assert again.link_of(again.recording) == LINK + "?v=2"
    assert again.recording.transcript == "Again."
    assert not again.recording.captions_by_host  # the box was unticked


def test_two_events_with_the_same_slug_get_different_resource_slugs(organiser):
    first = ended_event()
    _ready(first, organiser)
    db.session.commit()
    from tests.factories import make_edition, make_event

    other = make_event(make_edition(2024), slug="webinar", title=TITLE)
    _ready(other, organiser)
    db.session.commit()
    slugs = set(db.session.scalars(select(Resource.slug)))
    assert len(slugs) == 2


@pytest.mark.parametrize(
    ("given", "field", "words"),
    [
        (FollowUpInput(recording_url="http://video.example.org/1"), "recording_url", "https://"),
        (FollowUpInput(recording_url="javascript:alert(1)"), "recording_url", "https://"),
        (FollowUpInput(slides_url="www.example.org/deck"), "slides_url", "https://"),
        (FollowUpInput(slides_url="https://me:pw@example.org/"), "slides_url", "user name"),
        (FollowUpInput(recording_url="https://" + "a" * 2000), "recording_url", "2,000"),
        (FollowUpInput(you_said_we_did="x" * 100_000), "you_said_we_did", "20,000 characters"),
        (FollowUpInput(transcript="x" * 400_001), "transcript", "upload a longer one"),
        (FollowUpInput(), None, "Add a recording (a link or a file)"),
        (
            FollowUpInput(transcript="  ", you_said_we_did="\n"),
            None,
            "Add a recording (a link or a file)",
        ),
    ],
)
def test_bad_input_is_refused_with_its_field_and_saves_nothing(organiser, given, field, words):
    event = ended_event()
    with pytest.raises(FollowUpRefused) as refused:
        follow_up.save_follow_up(event, given, organiser)
    assert refused.value.field == field and words in refused.value.message
    db.session.rollback()
    assert _count(Resource) == _count(EventFollowUp) == _count(ResourceFormat) == 0


def test_a_typed_transcript_of_100_kb_is_kept(organiser):
    event = ended_event()
    saved = follow_up.save_follow_up(event, FollowUpInput(transcript="word " * 20_000), organiser)
    assert len(saved.recording.transcript) == 99_999  # stripped of its last space


def test_emptied_boxes_clear_what_was_typed(organiser):
    event = ended_event()
    _ready(event, organiser, you_said_we_did="We heard you.")
    db.session.commit()
    follow_up.save_follow_up(event, FollowUpInput(), organiser)  # allowed: there is something
    db.session.commit()
    state = follow_up.follow_up_of(event)
    assert state.recording.transcript == "" and state.summary.you_said_we_did == ""
    assert state.link_of(state.recording) == LINK  # links stay until removed on their page


def test_a_published_recording_keeps_its_transcript_and_captions(organiser):
    # As on the resource's own page: emptying the box would leave it without what it needs.
    event = ended_event()
    recording = _ready(event, organiser).recording
    follow_up.publish(recording, organiser)
    db.session.commit()
    for given in (
        FollowUpInput(recording_url=LINK, captions_by_host=True),
        FollowUpInput(recording_url=LINK, transcript="Sarah: Welcome."),
    ):
        with pytest.raises(ResourceError, match="This published video or recording needs"):
            follow_up.save_follow_up(event, given, organiser)
        db.session.rollback()
        assert recording.transcript == "Sarah: Welcome." and recording.captions_by_host


def test_a_transcript_added_after_the_event_ends_the_coming_by_notice(organiser):
    event = ended_event()
    recording = follow_up.save_follow_up(
        event, FollowUpInput(recording_url=LINK, captions_by_host=True), organiser
    ).recording
    db.session.add(
        FormatGap(
            resource_id=recording.id,
            need=AccessNeed.TRANSCRIPT.value,
            reason="Being typed.",
            expected_by=date(2099, 1, 1),
            recorded_by_id=organiser.id,
        )
    )
    db.session.commit()
    _ready(event, organiser)
    db.session.commit()
    assert gaps_of(recording.id) == []


# --- publishing and the email -------------------------------------------------------------------


def test_a_recording_without_captions_or_transcript_is_not_published(organiser):
    event = ended_event()
    saved = follow_up.save_follow_up(event, FollowUpInput(recording_url=LINK), organiser)
    with pytest.raises(FollowUpRefused, match="needs captions and a transcript"):
        follow_up.publish(saved.recording, organiser)
    assert not saved.recording.is_published and event.recording_url == ""


def test_publishing_the_recording_tells_each_person_who_came_and_agreed_once(organiser):
    event = ended_event()
    audience(event)
    saved = _ready(event, organiser)
    told = follow_up.publish(saved.recording, organiser)
    db.session.commit()
    assert told == 2
    assert sorted(outbox_to()) == sorted(TOLD)
    assert saved.recording.is_published and saved.recording.published_on is not None
    assert event.recording_url == f"http://cpweek.test/resources/{saved.recording.slug}"
    assert db.session.get(EventFollowUp, event.id).recording_announced_at is not None


def test_the_email_has_the_links_and_how_to_stop_hearing(organiser, mailbox):
    event = ended_event()
    audience(event)
    saved = _ready(event, organiser)
    follow_up.publish(saved.recording, organiser)
    [message] = mailbox.to("came@example.org")
    assert message["Subject"] == f"The recording of {TITLE} is ready"
    slug = saved.recording.slug
    for body in (mailbox.text(message), mailbox.html(message)):
        assert f"http://cpweek.test/resources/{slug}" in body
        assert f"http://cpweek.test/resources/{slug}/transcript" in body
        assert "To stop hearing from Co-production Week" in body
        assert "http://cpweek.test/2025/events/webinar" in body
    assert len(mailbox.messages) == 2


def test_publishing_again_or_a_second_recording_sends_nothing_more(organiser):
    event = ended_event()
    audience(event)
    saved = _ready(event, organiser)
    follow_up.publish(saved.recording, organiser)
    db.session.commit()
    saved.recording.status = ResourceStatus.DRAFT.value  # unpublished, then published again
    db.session.commit()
    assert follow_up.publish(saved.recording, organiser) is None
    second = linked_resource(event, "recording", "Second take", published=False)
    second.captions_by_host, second.transcript = True, "Words."
    db.session.add(ResourceFormat(resource_id=second.id, role=FormatRole.MAIN.value, url=LINK))
    db.session.commit()
    assert follow_up.publish(second, organiser) is None
    db.session.commit()
    assert sorted(outbox_to()) == sorted(TOLD)
    assert event.recording_url.endswith(second.slug)  # the newest recording's page


def test_the_signal_from_any_publisher_announces_a_recording(organiser):
    """The authoring pages' `publishing.publish` sends the signal: the receiver answers it."""
    event = ended_event()
    audience(event)
    recording = linked_resource(event, "recording", "Recorded")
    signals.resource_published.send(recording)
    signals.resource_published.send(recording)
    db.session.commit()
    assert sorted(outbox_to()) == sorted(TOLD)
    assert event.recording_url == "http://cpweek.test/resources/recording-recorded"


def test_slides_or_a_recording_of_an_event_still_to_come_announce_nothing(organiser):
    ended, coming = ended_event(), future_event()
    audience(ended)
    signals.resource_published.send(linked_resource(ended, "slides", "Deck"))
    signals.resource_published.send(linked_resource(coming, "recording", "Early"))
    db.session.commit()
    assert outbox_to() == [] and ended.recording_url == "" and coming.recording_url == ""


def test_two_publications_at_once_send_one_email_each(app, organiser):
    """Two organisers publish two recordings of one event at the same moment, each in its own
    unit of work: the follow-up row's lock lets one tell people, the other sees it done."""
    event = ended_event()
    audience(event)
    ids = []
    for title in ("Take one", "Take two"):
        resource = linked_resource(event, "recording", title)
        ids.append(resource.id)
    db.session.commit()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def announce(resource_id: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                with unit_of_work():
                    resource = db.session.get_one(Resource, resource_id)
                    signals.resource_published.send(resource)
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=announce, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    assert sorted(outbox_to()) == sorted(TOLD)
    assert _count(OutboxMessage) == 2


def test_people_to_tell_are_those_with_a_place_who_agreed():
    event = ended_event()
    audience(event)
    assert {p.email for p in follow_up.people_to_tell(event)} == TOLD
