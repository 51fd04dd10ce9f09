"""After an event, with files: a recording, captions, a transcript and slides uploaded on the
"After the event" page, each checked by its content (cpweek.files); a refused file is named at
its box and nothing of the submission is saved or left in the store."""

from __future__ import annotations

import io
import os

import pytest
from flask import current_app
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.files import samples
from cpweek.resources.models import FormatRole, Resource, ResourceFormat
from cpweek.resources.services import follow_up
from cpweek.resources.services.follow_up import FollowUpInput, FollowUpRefused
from tests.factories import PASSWORD, make_user
from tests.resources.follow_up_helpers import LINK, TOLD, audience, ended_event, outbox_to

URL = "/manage/events/{}/after"
VTT = samples.webvtt([(0.0, 2.0, "Welcome, everyone.")])


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _stored_files() -> list[str]:
    root = current_app.config["CPWEEK_FILES_DIR"]
    return [os.path.join(d, f) for d, _, files in os.walk(root) for f in files]


def _upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def organiser(browser):
    make_user(email="organiser@example.org", roles=(Role.ORGANISER,))
    browser.sign_in("organiser@example.org", PASSWORD)
    return browser


def test_files_become_formats_of_the_recording_and_the_slides():
    event = ended_event()
    actor = make_user(roles=(Role.ORGANISER,))
    saved = follow_up.save_follow_up(
        event,
        FollowUpInput(
            files={
                "recording_file": _upload(samples.mp3(1.0), "talk.mp3"),
                "captions_file": _upload(VTT, "talk.vtt"),
                "transcript_file": _upload(samples.pdf("What was said"), "words.pdf"),
                "slides_file": _upload(samples.pdf("Slide 1"), "deck.pdf"),
            }
        ),
        actor,
    )
    db.session.commit()
    rows = {(r.resource_id, r.role): r for r in db.session.scalars(select(ResourceFormat))}
    recording, slides = saved.recording.id, saved.slides.id
    assert rows[(recording, "main")].media_type == "audio/mpeg"
    assert rows[(recording, "captions")].media_type.startswith("text/vtt")
    assert rows[(recording, "transcript")].filename == "words.pdf"
    assert rows[(slides, "main")].media_type == "application/pdf"
    assert all(r.size_bytes and r.storage_key for r in rows.values())


def test_a_new_file_replaces_the_one_in_the_same_box():
    event = ended_event()
    actor = make_user(roles=(Role.ORGANISER,))
    first = {"slides_file": _upload(samples.pdf("One"), "one.pdf")}
    follow_up.save_follow_up(event, FollowUpInput(files=first), actor)
    db.session.commit()
    second = {"slides_file": _upload(samples.pdf("Two"), "two.pdf")}
    follow_up.save_follow_up(event, FollowUpInput(files=second), actor)
    db.session.commit()
    assert list(db.session.scalars(select(ResourceFormat.filename))) == ["two.pdf"]


def test_a_recording_with_captions_and_transcript_files_may_be_published(mailbox):
    event = ended_event()
    audience(event)
    actor = make_user(roles=(Role.ORGANISER,))
    saved = follow_up.save_follow_up(
        event,
        FollowUpInput(
            recording_url=LINK,
            files={
                "captions_file": _upload(VTT, "talk.vtt"),
                "transcript_file": _upload(samples.docx("Words"), "words.docx"),
            },
        ),
        actor,
    )
    assert follow_up.publish(saved.recording, actor) == 2
    db.session.commit()
    assert sorted(outbox_to()) == sorted(TOLD)
    [message] = mailbox.to("came@example.org")
    transcript = db.session.scalar(
        select(ResourceFormat).where(ResourceFormat.role == FormatRole.TRANSCRIPT.value)
    )
    assert f"/files/{transcript.id}/words.docx" in mailbox.text(message)


def test_a_file_that_is_not_what_its_name_says_is_refused_at_its_box():
    event = ended_event()
    actor = make_user(roles=(Role.ORGANISER,))
    with pytest.raises(FollowUpRefused) as refused:
        follow_up.save_follow_up(
            event,
            FollowUpInput(
                recording_url=LINK,
                files={
                    "captions_file": _upload(b"1\n00:00:00,000 --> 00:00:02,000\nHi\n", "a.vtt")
                },
            ),
            actor,
        )
    assert refused.value.field == "captions_file"
    db.session.rollback()
    assert _count(Resource) == _count(ResourceFormat) == 0


def test_the_page_takes_files_and_a_refused_one_saves_nothing(organiser):
    event = ended_event()
    before = _stored_files()
    response = organiser.submit(
        URL.format(event.id),
        {
            "recording_url": LINK,
            "slides_file": (io.BytesIO(samples.pdf("Deck")), "deck.pdf"),
            "recording_file": (io.BytesIO(samples.png()), "talk.mp3"),  # a picture, renamed
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="recording_file-error"' in page
    assert "There is a problem" in page
    assert _count(Resource) == _count(ResourceFormat) == 0
    assert _stored_files() == before  # the slides stored before the refusal went again
    response = organiser.submit(
        URL.format(event.id),
        {"slides_file": (io.BytesIO(samples.pdf("Deck")), "deck.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Slides file: deck.pdf" in page
    assert len(_stored_files()) == len(before) + 1
