"""The library's feeds read back with feedparser (what feed readers and podcast apps use):
the Atom feed of new resources and the podcast (RSS 2.0, iTunes tags, Podcasting 2.0
transcripts). Every enclosure answers GET and HEAD with the stated length and type, and a range
request with 206; both feeds answer 304 from one cheap query; drafts never appear."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree

import feedparser
import pytest

from cpweek.auth.models import Role
from cpweek.resources.models import FormatRole, ResourceKind, ResourceStatus
from cpweek.resources.services import feeds
from cpweek.resources.services.formats import formats_of, move_format
from tests.factories import make_user
from tests.resources.public_factories import (
    MP3,
    PDF,
    VTT,
    add_file,
    add_file_row,
    add_link,
    make_resource,
)

BASE = "http://cpweek.test"


@pytest.fixture
def published():
    report = make_resource("A report", kind=ResourceKind.REPORT, slug="a-report")
    add_file(report, PDF, "The report.pdf", label="Full report")
    add_link(report, "https://example.org/report", role=FormatRole.ALTERNATIVE)
    episodes = []
    for n in (1, 2):
        episode = make_resource(
            f"Episode {n}: co-production in practice",
            kind=ResourceKind.PODCAST,
            slug=f"episode-{n}",
            episode=n,
            duration_seconds=1800 + n,
            transcript=f"Transcript of episode {n}.",
            summary=f"Episode {n} summary.",
        )
        add_file(episode, MP3, f"episode-{n}.mp3", label="Listen")
        add_file(episode, VTT, f"episode-{n}.vtt", role=FormatRole.CAPTIONS)
        episodes.append(episode)
    linked_only = make_resource("An episode on another site", kind=ResourceKind.PODCAST)
    add_link(linked_only, "https://example.org/listen")
    draft = make_resource(
        "Draft episode", kind=ResourceKind.PODCAST, status=ResourceStatus.DRAFT.value
    )
    add_file(draft, MP3, "draft.mp3")
    return {"report": report, "episodes": episodes}


def _path(url: str) -> str:
    assert url.startswith(BASE + "/"), url
    return url.removeprefix(BASE)


def _check_enclosure(client, enclosure) -> None:
    """The enclosure answers GET and HEAD with its stated length and type, and ranges."""
    path, length, media_type = _path(enclosure["href"]), int(enclosure["length"]), enclosure["type"]
    got = client.get(path)
    assert got.status_code == 200, path
    assert len(got.data) == length
    assert got.headers["Content-Length"] == str(length)
    assert got.mimetype == media_type
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    head = client.head(path)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(length)
    assert head.mimetype == media_type and head.data == b""
    ranged = client.get(path, headers={"Range": "bytes=0-9"})
    assert ranged.status_code == 206
    assert ranged.headers["Content-Range"] == f"bytes 0-9/{length}"
    assert ranged.data == got.data[:10]


def test_the_atom_feed_reads_back(client, published):
    response = client.get("/resources/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Co-production Week: new resources"
    titles = [entry.title for entry in parsed.entries]
    assert "Draft episode" not in titles
    assert titles[:3] == [
        "An episode on another site",
        "Episode 2: co-production in practice",
        "Episode 1: co-production in practice",
    ]
    report = next(entry for entry in parsed.entries if entry.title == "A report")
    assert report.link == f"{BASE}/resources/a-report"
    assert report.id.startswith("tag:cpweek.test,2026:resources/")
    assert report.published_parsed is not None
    assert [e["type"] for e in report.enclosures] == ["application/pdf"]
    for entry in parsed.entries:
        for enclosure in entry.enclosures:
            _check_enclosure(client, enclosure)


def test_the_podcast_feed_reads_back(client, published):
    response = client.get("/resources/podcast.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/rss+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Co-production Week podcast"
    # Apple's words are "true" and "false"; feedparser reads only "yes" as explicit.
    assert b"<itunes:explicit>false</itunes:explicit>" in response.data
    assert not parsed.feed.itunes_explicit
    assert parsed.feed.podcast_locked == "no"
    assert parsed.feed.tags[0]["term"] == "Society & Culture"
    # Only published episodes with audio an app can play, newest first
    assert [entry.title for entry in parsed.entries] == [
        "Episode 2: co-production in practice",
        "Episode 1: co-production in practice",
    ]
    entry = parsed.entries[1]
    assert entry.id.startswith("tag:cpweek.test,2026:resources/") and entry.guidislink is False
    assert entry.published == "Wed, 01 Jul 2026 09:03:00 GMT" or entry.published_parsed
    assert entry.itunes_duration == "30:01"
    assert entry.itunes_episode == "1"
    assert entry.link == f"{BASE}/resources/episode-1"
    (enclosure,) = entry.enclosures
    assert enclosure["type"] == "audio/mpeg" and int(enclosure["length"]) == len(MP3)
    for item in parsed.entries:
        for enclosure in item.enclosures:
            _check_enclosure(client, enclosure)


def test_podcast_transcripts_are_linked(client, published):
    root = ElementTree.fromstring(client.get("/resources/podcast.xml").data)  # noqa: S314 - our own feed
    item = root.find("channel/item")
    assert item is not None
    transcripts = item.findall(f"{{{feeds.PODCAST}}}transcript")
    kinds = {(t.get("type"), t.get("rel")) for t in transcripts}
    assert kinds == {("text/html", None), ("text/vtt", "captions")}
    for transcript in transcripts:
        answer = client.get(_path(transcript.get("url")))
        assert answer.status_code == 200
        assert answer.mimetype == transcript.get("type")
    html = client.get(_path(transcripts[0].get("url"))).get_data(as_text=True)
    assert "Transcript of episode 2." in html


def test_files_are_served_only_for_their_published_resource(client, published):
    report, episode = published["report"], published["episodes"][0]
    page = client.get("/resources/a-report").get_data(as_text=True)
    pdf = next(f for f in feeds.formats_of([report.id])[report.id] if f.is_file)
    url = f"/resources/a-report/files/{pdf.id}/{quote(pdf.filename)}"
    assert url in page
    answer = client.get(url)
    assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith("inline")
    # Another resource's format, a link, an unknown or huge id: 404
    audio = next(f for f in feeds.formats_of([episode.id])[episode.id] if f.is_file)
    assert client.get(f"/resources/a-report/files/{audio.id}/x.mp3").status_code == 404
    link = next(f for f in feeds.formats_of([report.id])[report.id] if not f.is_file)
    assert client.get(f"/resources/a-report/files/{link.id}/x").status_code == 404
    assert client.get("/resources/a-report/files/99999999999/x").status_code == 404
    # A wrong file name goes to the right one
    moved = client.get(f"/resources/a-report/files/{pdf.id}/old-name.pdf")
    assert moved.status_code == 308 and moved.headers["Location"].endswith(url)
    # A draft's file is not there, even with its id
    report.status = ResourceStatus.DRAFT.value
    assert client.get(url).status_code == 404


def test_documents_are_downloaded_not_shown(client):
    resource = make_resource("Notes", slug="notes")
    fmt = add_file_row(
        resource,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        10,
        filename="notes.docx",
    )
    from cpweek.resources.services.describing import shown_inline

    assert not shown_inline(fmt.media_type)
    assert (
        shown_inline("audio/mpeg") and shown_inline("text/vtt") and shown_inline("application/pdf")
    )


@pytest.mark.parametrize("path", ["/resources/feed.atom", "/resources/podcast.xml"])
def test_feeds_answer_304_from_one_query(client, published, count_queries, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]
    with count_queries() as queries:
        again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert len(queries) == 1
    since = client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    # A new episode changes the feed
    episode = make_resource("Episode 3", kind=ResourceKind.PODCAST, slug="episode-3", episode=3)
    add_file(episode, MP3, "episode-3.mp3")
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b"Episode 3" in changed.data


def test_moving_a_format_changes_the_feeds(client, published):
    # The podcast's audio is the episode's first audio file: a new order is a new feed.
    path = "/resources/podcast.xml"
    etag = client.get(path).headers["ETag"]
    episode = published["episodes"][0]
    captions = formats_of([episode.id])[episode.id][-1]
    assert move_format(episode, captions, True, make_user(roles=(Role.ORGANISER,)))
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag


def test_empty_feeds_are_still_feeds(client):
    for path in ("/resources/feed.atom", "/resources/podcast.xml"):
        parsed = feedparser.parse(client.get(path).data)
        assert not parsed.bozo and parsed.entries == []
