"""After an event, through the pages: the organisers' "After the event" page (who may use it,
events it refuses, bad input shown at its field with nothing saved, publishing) and an ended
event's public page (standard and Easy Read): "Watch again / Slides / Transcript" instead of
registering, "you said, we did", its other resources, in the same number of queries however
many it has. An event still to come keeps its page as it was."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme.models import EventStatus
from cpweek.resources.models import EventFollowUp, FormatRole, Resource, ResourceFormat
from cpweek.resources.services import follow_up
from cpweek.resources.services.follow_up import FollowUpInput
from tests.a11y import problems
from tests.factories import PASSWORD, make_user
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

URL = "/manage/events/{}/after"


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def organiser(browser):
    make_user(email="organiser@example.org", roles=(Role.ORGANISER,))
    browser.sign_in("organiser@example.org", PASSWORD)
    return browser  # signed in as an organiser


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the organisers' page -----------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client):
    event = ended_event()
    response = client.get(URL.format(event.id))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.ATTENDEE, Role.CONTRIBUTOR, Role.CO_PRODUCER, Role.ADMIN])
def test_other_roles_get_403(browser, role):
    event = ended_event()
    make_user(email="someone@example.org", roles=(role,))
    browser.sign_in("someone@example.org")
    assert browser.get(URL.format(event.id)).status_code == 403
    assert browser.submit(URL.format(event.id), {}, form_url="/").status_code == 403


def test_an_unknown_event_is_404(organiser):
    assert organiser.get(URL.format(999)).status_code == 404
    assert organiser.get(URL.format(2**40)).status_code == 404


def test_the_page_for_an_ended_event_has_the_form(organiser):
    event = ended_event()
    page = _page(organiser.get(URL.format(event.id)))
    assert f"<h1>{TITLE}</h1>" in page and problems(page) == []
    for label in ("Link to the recording", "Transcript", "Link to the slides", "You said, we did"):
        assert label in page
    assert "Publish the" not in page  # nothing to publish yet


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (future_event, "has not ended yet"),
        (lambda: ended_event(status=EventStatus.CANCELLED.value), "was cancelled"),
    ],
)
def test_an_event_to_come_or_cancelled_is_refused_clearly(organiser, make, words):
    event = make()
    response = organiser.get(URL.format(event.id))
    page = _page(response)
    assert response.status_code == 200 and words in page and problems(page) == []
    assert "Link to the recording" not in page
    open_page = URL.format(ended_event(slug="open").id)  # a page with a token on it
    posted = organiser.submit(URL.format(event.id), {"recording_url": LINK}, form_url=open_page)
    assert posted.status_code == 409 and words in _page(posted)
    assert _count(Resource) == 0


def _error_page(organiser, event, data) -> str:
    response = organiser.submit(URL.format(event.id), data)
    assert response.status_code == 200
    page = _page(response)
    assert "There is a problem" in page and problems(page) == []
    return page


def test_a_link_that_is_not_https_is_shown_at_its_field_and_kept(organiser):
    event = ended_event()
    page = _error_page(organiser, event, {"recording_url": "http://video.example.org/1"})
    assert 'id="recording_url-error"' in page and "starting with https://" in page
    assert 'value="http://video.example.org/1"' in page
    assert _count(Resource) == _count(ResourceFormat) == 0


def test_an_empty_form_says_what_to_add(organiser):
    page = _error_page(organiser, ended_event(), {})
    assert "Add a recording (a link or a file), slides, a transcript" in page
    assert _count(Resource) == _count(EventFollowUp) == 0


def test_100_kb_of_you_said_we_did_is_refused_and_nothing_is_saved(organiser):
    event = ended_event()
    page = _error_page(
        organiser,
        event,
        {"you_said_we_did": "x" * 100_000, "recording_url": LINK, "transcript": "Words"},
    )
    assert 'id="you_said_we_did-error"' in page and "20,000 characters or fewer" in page
    assert _count(Resource) == _count(EventFollowUp) == _count(ResourceFormat) == 0


def test_saving_then_publishing_the_recording(organiser):
    event = ended_event()
    audience(event)
    response = organiser.submit(
        URL.format(event.id),
        {
            "recording_url": LINK,
            "captions_by_host": "y",
            "transcript": "Sarah: Welcome.",
            "slides_url": SLIDES,
            "you_said_we_did": "You said **more breaks**.",
        },
    )
    assert response.status_code == 302
    page = _page(organiser.get(response.headers["Location"]))
    assert "Saved." in page and problems(page) == []
    assert f'value="{LINK}"' in page and "Sarah: Welcome.</textarea>" in page
    assert "2 people who had a place and agreed to hear from us will be emailed" in page
    assert "Publish the recording" in page and "Publish the slides" in page
    published = organiser.submit(URL.format(event.id), {"publish": "recording"})
    assert published.status_code == 302
    page = _page(organiser.get(published.headers["Location"]))
    assert "is published. 2 people who had a place were emailed" in page
    assert "Sent on" in page and "Publish the recording" not in page
    assert sorted(outbox_to()) == sorted(TOLD)


def test_publishing_a_recording_without_captions_says_what_is_missing(organiser):
    event = ended_event()
    organiser.submit(URL.format(event.id), {"recording_url": LINK})
    response = organiser.submit(URL.format(event.id), {"publish": "recording"})
    page = _page(organiser.get(response.headers["Location"]))
    assert "needs captions and a transcript before it is published" in page
    assert db.session.scalar(select(Resource.status)) == "draft" and outbox_to() == []


def test_publishing_something_that_is_not_there_is_404_or_ignored(organiser):
    event = ended_event()
    assert organiser.submit(URL.format(event.id), {"publish": "slides"}).status_code == 404
    response = organiser.submit(URL.format(event.id), {"publish": "everything"})
    assert response.status_code == 302 and _count(Resource) == 0


# --- the public event page ----------------------------------------------------------------------

EVENT_PAGE = "/2025/events/webinar"


def _with_everything(event) -> Resource:
    recording = linked_resource(event, "recording", "The recording")
    recording.transcript = "Sarah: Welcome."
    linked_resource(event, "slides", "The slides")
    linked_resource(event, "report", "The report")
    linked_resource(event, "guide", "A draft guide", published=False)
    db.session.add(EventFollowUp(event_id=event.id, you_said_we_did="You said **breaks**."))
    db.session.commit()
    return recording


def test_an_ended_events_page_offers_watch_again_instead_of_registering(client):
    event = ended_event()
    _with_everything(event)
    page = _page(client.get(EVENT_PAGE))
    assert problems(page) == []
    assert 'name="email"' not in page and "<h2>Register</h2>" not in page
    assert "places left" not in page and "Add it to your calendar" not in page
    assert 'href="http://cpweek.test/resources/recording-the-recording">Watch again' in page
    assert 'href="http://cpweek.test/resources/slides-the-slides">Slides' in page
    transcript = "http://cpweek.test/resources/recording-the-recording/transcript"
    assert f'href="{transcript}">Transcript' in page
    assert "You said <strong>breaks</strong>." in page
    assert "The report</a> (Report)" in page and "A draft guide" not in page


def test_only_the_links_that_exist_are_shown(client):
    event = ended_event()
    linked_resource(event, "slides", "The slides")
    page = _page(client.get(EVENT_PAGE))
    assert ">Slides<" in page and "Watch again" not in page and ">Transcript<" not in page


def test_a_transcript_file_is_linked_when_there_is_no_typed_one(client):
    event = ended_event()
    recording = linked_resource(event, "recording", "Rec")
    db.session.add(
        ResourceFormat(
            resource_id=recording.id,
            role=FormatRole.TRANSCRIPT.value,
            storage_key="resources/1/abc",
            filename="transcript.pdf",
            media_type="application/pdf",
            size_bytes=10,
        )
    )
    db.session.commit()
    page = _page(client.get(EVENT_PAGE))
    link = r'href="http://cpweek.test/resources/recording-rec/files/\d+/transcript.pdf"'
    assert re.search(link, page)


def test_an_ended_event_with_nothing_yet_says_it_is_coming(client):
    ended_event()
    page = _page(client.get(EVENT_PAGE))
    assert "The recording and slides will be here when they are ready." in page
    assert 'name="email"' not in page and problems(page) == []


def test_the_summary_is_sanitised(client):
    event = ended_event()
    db.session.add(
        EventFollowUp(
            event_id=event.id,
            you_said_we_did="<script>alert(1)</script>[x](javascript:alert(1)) ok",
        )
    )
    db.session.commit()
    page = _page(client.get(EVENT_PAGE))
    assert "<script>alert" not in page and "javascript:" not in page and "ok" in page


def test_the_easy_read_page_of_an_ended_event(client):
    event = ended_event()
    _with_everything(event)
    page = _page(client.get(EVENT_PAGE + "?version=easy"))
    assert problems(page) == []
    assert "<dt>Watch again</dt>" in page and "This event has finished." in page
    assert "Watch or listen again" in page and "Read what people said" in page
    assert 'name="email"' not in page


def test_an_event_still_to_come_keeps_its_page(client):
    event = future_event()
    linked_resource(event, "report", "Pre-reading")
    page = _page(client.get("/2099/events/webinar"))
    assert "<h2>Register</h2>" in page and 'name="email"' in page and "places left" in page
    assert "After the event" not in page and "Pre-reading" not in page


def test_a_cancelled_ended_event_keeps_its_page(client):
    ended_event(status=EventStatus.CANCELLED.value)
    page = _page(client.get(EVENT_PAGE))
    assert "This event has been cancelled" in page and "After the event" not in page


def test_the_event_pages_queries_do_not_grow_with_its_resources(client, count_queries):
    event = ended_event()

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(EVENT_PAGE).status_code == 200
        return len(statements)

    linked_resource(event, "recording", "Only one")
    one = queries()
    for number in range(6):
        resource = linked_resource(event, "report", f"Report {number}")
        db.session.add(ResourceFormat(resource_id=resource.id, url=f"https://example.org/{number}"))
    db.session.add(EventFollowUp(event_id=event.id, you_said_we_did="Words"))
    db.session.commit()
    assert queries() == one  # nothing per resource, format or summary


def test_the_follow_up_service_reads_the_page_in_two_queries(count_queries):
    # The event's published resources with their formats (linked.for_event, one query) and
    # its follow-up row: however many resources there are.
    event = ended_event()
    for number in range(5):
        linked_resource(event, "report", f"Report {number}")
    db.session.refresh(event)
    with count_queries() as statements:
        after = follow_up.after_event(event)
    assert len(statements) == 2 and len(after.others) == 5


def test_saving_through_the_service_then_the_page_shows_it(client):
    event = ended_event()
    organiser = make_user(roles=(Role.ORGANISER,))
    saved = follow_up.save_follow_up(
        event,
        FollowUpInput(recording_url=LINK, captions_by_host=True, transcript="T"),
        organiser,
    )
    follow_up.publish(saved.recording, organiser)
    db.session.commit()
    page = _page(client.get(EVENT_PAGE))
    assert "Watch again" in page and ">Transcript<" in page


def test_the_events_edit_page_links_to_after_the_event(organiser):
    event = ended_event()
    page = _page(organiser.get(f"/manage/events/{event.id}/edit"))
    assert f'href="/manage/events/{event.id}/after"' in page
