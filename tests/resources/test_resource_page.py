"""A resource's public page: everything it says (kind, summary, date, licence, edition, events,
topics, evidence drawn on, credits, every format with its type and size, links by host, the
accessible formats still to come and why), the transcript page, 404 for drafts, and a query
count that does not grow with formats and credits."""

from __future__ import annotations

from datetime import date

import pytest

from cpweek.resources.models import FormatRole, ResourceKind, ResourceStatus
from cpweek.resources.services import credits as credit_services
from cpweek.resources.services import describing
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item
from tests.factories import make_edition, make_event
from tests.resources.public_factories import (
    add_credit,
    add_file_row,
    add_gap,
    add_link,
    make_resource,
)


@pytest.fixture
def recording():
    hub = make_collection()
    edition = make_edition(2025, theme="Innovation through co-production")
    event = make_event(edition, title="Carer connectivity in Lincolnshire", slug="lincolnshire")
    item = make_item(hub, "Unpaid carers and the arts")
    draft_item = make_item(hub, "A draft item", status="draft")
    resource = make_resource(
        "Carer connectivity: the recording",
        kind=ResourceKind.RECORDING,
        slug="lincolnshire-recording",
        edition=edition,
        events=[event],
        items=[item, draft_item],
        topics=("unpaid-carers",),
        published_on=date(2025, 7, 10),
        summary="The webinar on arts, nature and heritage for unpaid carers.",
        transcript="## Welcome\n\nSarah Grundy: welcome, everyone.",
        duration_seconds=3600,
    )
    add_link(resource, "https://www.youtube.com/watch?v=x", label="Watch the recording")
    add_file_row(
        resource,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        1_300_000,
        role=FormatRole.ALTERNATIVE,
        label="Slides",
        filename="slides.pptx",
    )
    add_file_row(resource, "audio/mpeg", 48_000_000, label="Audio only", filename="audio.mp3")
    add_gap(resource, "captions", "The captioner is booked.", date(2026, 12, 14))
    return resource


def test_the_page_shows_what_a_person_needs(client, recording):
    response = client.get("/resources/lincolnshire-recording")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Carer connectivity: the recording</h1>" in html
    assert "Video or recording" in html
    assert "The webinar on arts, nature and heritage" in html
    assert "Thursday 10 July 2025" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert "Creative Commons Attribution 4.0 (CC BY 4.0)" in html
    assert 'href="/2025/"' in html and "Innovation through co-production" in html
    assert 'href="/2025/events/lincolnshire"' in html
    assert "Unpaid carers" in html and "/resources?topic=unpaid-carers" in html
    assert "Unpaid carers and the arts" in html and "A draft item" not in html
    assert "60 minutes" in html
    # Every format: type in words and size, links by host
    assert "Watch the recording on YouTube" in html
    assert "(PowerPoint slides, 1.2 MB)" in html
    assert "(MP3 audio, 46 MB)" in html
    # The audio plays without JavaScript, with a plain link too
    assert "<audio controls" in html and "download the audio" in html
    # What is still to come, and why; the transcript is there
    assert "Captions</strong> coming by Monday 14 December 2026: The captioner is booked." in html
    assert 'href="/resources/lincolnshire-recording/transcript"' in html
    assert "Made by" not in html  # no credits yet
    assert problems(html) == []


def test_credits_are_shown_when_there_are_some(client, recording, monkeypatch):
    monkeypatch.setattr(
        credit_services,
        "shown_credits",
        lambda ids: {i: [credit_services.ShownCredit("Robert Dean", "Speaker")] for i in ids},
    )
    html = client.get("/resources/lincolnshire-recording").get_data(as_text=True)
    assert "Made by" in html and "Robert Dean, speaker" in html


def test_a_missing_format_without_a_date(client):
    make_collection()
    report = make_resource("A report", kind=ResourceKind.REPORT, slug="a-report")
    add_gap(report, "easy_read", "An Easy Read version is being co-produced.")
    html = client.get("/resources/a-report").get_data(as_text=True)
    assert (
        "Easy Read or plain-English summary</strong> not available yet: "
        "An Easy Read version is being co-produced." in html
    )
    # Once it is there, the gap is no longer said
    report.plain_summary = "In plain words."
    html = client.get("/resources/a-report").get_data(as_text=True)
    assert "still to come" not in html and "Plain-English summary" in html


def test_drafts_and_unknown_slugs_are_404(client):
    make_resource("Secret", status=ResourceStatus.DRAFT.value, slug="secret", transcript="x")
    assert client.get("/resources/secret").status_code == 404
    assert client.get("/resources/secret/transcript").status_code == 404
    assert client.get("/resources/nothing-here").status_code == 404
    assert client.get("/resources/" + "x" * 5000).status_code == 404


def test_the_transcript_page(client, recording):
    html = client.get("/resources/lincolnshire-recording/transcript").get_data(as_text=True)
    assert "<h1>Transcript: Carer connectivity: the recording</h1>" in html
    assert "<h2>Welcome</h2>" in html and "Sarah Grundy: welcome" in html
    assert problems(html) == []
    make_resource("No words", slug="no-words")
    assert client.get("/resources/no-words/transcript").status_code == 404


def test_query_count_does_not_grow_with_formats_and_credits(client, count_queries):
    make_collection()
    resource = make_resource("Many formats", slug="many", topics=("unpaid-carers", "housing"))
    add_file_row(resource, "application/pdf", 10)
    add_credit(resource, "One")
    client.get("/resources/many")
    with count_queries() as few:
        client.get("/resources/many")
    for i in range(30):
        add_file_row(resource, "text/vtt", 10 + i, role=FormatRole.CAPTIONS)
        add_link(resource, f"https://example.org/{i}", role=FormatRole.ALTERNATIVE)
        add_credit(resource, f"Person {i}")
    with count_queries() as many:
        html = client.get("/resources/many").get_data(as_text=True)
    assert html.count("WebVTT captions") == 30
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (None, ""),
        (0, "0 bytes"),
        (1, "1 byte"),
        (900, "900 bytes"),
        (2048, "2 KB"),
        (2_516_582, "2.4 MB"),
        (52_428_800, "50 MB"),
        (3 * 1024**3, "3 GB"),
    ],
)
def test_sizes_in_words(size, words):
    assert describing.size_words(size) == words


@pytest.mark.parametrize(
    ("media_type", "words"),
    [
        ("application/pdf", "PDF"),
        ("text/vtt; charset=utf-8", "WebVTT captions"),
        ("audio/mpeg", "MP3 audio"),
        ("audio/x-unknown", "audio"),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document",
        ),
        ("application/x-something", "file"),
    ],
)
def test_types_in_words(media_type, words):
    assert describing.type_words(media_type) == words


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://www.youtube.com/watch?v=1", "on YouTube"),
        ("https://youtu.be/1", "on YouTube"),
        ("https://player.vimeo.com/1", "on Vimeo"),
        ("https://example.org/a", "on example.org"),
        ("not a url", "on another website"),
    ],
)
def test_hosts_in_words(url, words):
    assert describing.host_words(url) == words
