"""A published recording reaches calendars: the event's entry gains "Watch again: <link>" in
its DESCRIPTION, a description change (RFC 5545): LAST-MODIFIED moves, SEQUENCE does not, and
feeds get a new ETag so clients holding the old one fetch it. Read back with icalendar and
vobject, as tests/programme/test_calendar*.py do."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
import vobject

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.services import EventInvalid
from cpweek.resources.services import follow_up
from cpweek.resources.services.follow_up import FollowUpInput
from cpweek.timezones import utcnow
from tests.factories import make_user
from tests.resources.follow_up_helpers import LINK, TOLD, audience, ended_event, outbox_to

FEEDS = ("/2025/calendar.ics", "/2025/events/webinar/calendar.ics")


@pytest.fixture
def event():
    found = ended_event()
    found.updated_at = utcnow() - timedelta(hours=1)  # its last change, an hour ago
    db.session.commit()
    return found


def _vevent(client, url: str):
    body = client.get(url).data
    [ours] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    theirs = vobject.readOne(body.decode()).vevent
    return ours, theirs


def _publish_recording(event) -> str:
    organiser = make_user(roles=(Role.ORGANISER,))
    saved = follow_up.save_follow_up(
        event,
        FollowUpInput(recording_url=LINK, captions_by_host=True, transcript="Words."),
        organiser,
    )
    follow_up.publish(saved.recording, organiser)
    db.session.commit()
    return f"http://cpweek.test/resources/{saved.recording.slug}"


def test_publishing_the_recording_adds_watch_again_to_every_feed(client, event):
    before = {url: _vevent(client, url) for url in FEEDS}
    etags = {url: client.get(url).headers["ETag"] for url in FEEDS}
    page = _publish_recording(event)
    for url in FEEDS:
        (old, _), (ours, theirs) = before[url], _vevent(client, url)
        assert f"Watch again: {page}" in str(ours["description"])
        assert f"Watch again: {page}" in theirs.description.value
        assert "Watch again" not in str(old["description"])
        assert ours.decoded("last-modified") > old.decoded("last-modified")
        assert theirs.last_modified.value > old.decoded("last-modified")
        assert int(ours["sequence"]) == int(old["sequence"]) == 0
        assert int(theirs.sequence.value) == 0
        response = client.get(url, headers={"If-None-Match": etags[url]})
        assert response.status_code == 200 and response.headers["ETag"] != etags[url]


def test_nobody_gets_a_new_invitation_only_the_recording_email(client, event):
    audience(event)
    _publish_recording(event)
    assert sorted(outbox_to()) == sorted(TOLD)  # one each, and no METHOD:REQUEST among them


def test_set_recording_url_is_a_description_change(event):
    stamp, sequence = event.updated_at, event.sequence
    assert services.set_recording_url(event, "https://cpweek.test/resources/rec")
    db.session.commit()
    assert event.recording_url == "https://cpweek.test/resources/rec"
    assert event.updated_at > stamp and event.sequence == sequence
    moved = event.updated_at
    assert not services.set_recording_url(event, "https://cpweek.test/resources/rec")
    db.session.commit()
    assert event.updated_at == moved  # the same link again changes nothing


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "/resources/x", "https://" + "a" * 500])
def test_set_recording_url_refuses_what_is_not_a_web_address(event, url):
    with pytest.raises(EventInvalid):
        services.set_recording_url(event, url)
