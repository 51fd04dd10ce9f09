"""The library's two feeds: Atom 1.0 of newly published resources (through `cpweek.atom`, the
builder the evidence hub's feed uses), and the podcast: RSS 2.0 with the iTunes tags podcast
apps read and Podcasting 2.0's `podcast:transcript`, each episode's audio as an enclosure with
its stored size and real type.

Both are `FeedFile`s, as the programme's calendars are: the validators (ETag, Last-Modified)
come from one cheap query over the resources' and formats' stamps (counts, newest change,
newest id: no text column), so a 304 never loads a resource nor builds the feed. Every link is
absolute under CPWEEK_BASE_URL (`urls.absolute_url`): feed readers keep them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

from flask import current_app
from sqlalchemy import ColumnElement, func, select, true

from cpweek import atom
from cpweek.extensions import db
from cpweek.resources.models import (
    FormatRole,
    Resource,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
)
from cpweek.resources.services import describing
from cpweek.resources.services.formats import formats_of
from cpweek.urls import absolute_url

FEED_SIZE = 50  # the newest resources in the Atom feed
PODCAST_SIZE = 300  # episodes in the podcast feed (apps show the whole back catalogue)
FEED_VERSION = "1"  # part of every ETag: a change to how feeds are written invalidates copies
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM_NS = atom.ATOM
PODCAST_TITLE = "Co-production Week podcast"
PODCAST_SUMMARY = (
    "Conversations from Co-production Week, the yearly week of co-production in adult social "
    "care: people who draw on care and support, unpaid carers and staff on working as equals. "
    "Every episode has a transcript."
)
PODCAST_CATEGORY = "Society & Culture"


@dataclass(frozen=True)
class FeedFile:
    """A feed whose validators are known before it is built, so a 304 costs one query."""

    etag: str
    last_modified: datetime | None
    build: Callable[[], bytes]


def _published(*criteria: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    return [Resource.status == ResourceStatus.PUBLISHED.value, *criteria]


def _fingerprint(name: str, *criteria: ColumnElement[bool]) -> tuple[str, datetime | None]:
    """The feed's ETag and Last-Modified from one query: the published resources' count, ids
    and newest change, and their formats' count, newest id and newest addition (a format added
    or removed changes the feed), with the settings the feed prints."""
    where = _published(*criteria)
    resources = (
        select(
            func.count().label("n"),
            func.coalesce(func.sum(Resource.id), 0).label("ids"),
            func.max(Resource.updated_at).label("newest"),
        )
        .where(*where)
        .subquery()
    )
    files = (
        select(
            func.count().label("n"),
            func.coalesce(func.sum(ResourceFormat.id), 0).label("ids"),
            func.coalesce(func.sum(ResourceFormat.size_bytes), 0).label("sizes"),
            func.max(ResourceFormat.created_at).label("newest"),
        )
        .join(Resource, Resource.id == ResourceFormat.resource_id)
        .where(*where)
        .subquery()
    )
    row = db.session.execute(
        select(
            resources.c.n,
            resources.c.ids,
            resources.c.newest,
            files.c.n,
            files.c.ids,
            files.c.sizes,
            files.c.newest,
        ).select_from(resources.join(files, true()))
    ).one()
    count, ids, newest, format_count, format_ids, sizes, newest_format = row
    newest = _aware(newest)
    newest_format = _aware(newest_format)
    last = max((moment for moment in (newest, newest_format) if moment), default=None)
    settings = (
        current_app.config.get("CPWEEK_BASE_URL", ""),
        current_app.config.get("CPWEEK_HELP_EMAIL", ""),
    )
    parts = (FEED_VERSION, name, count, ids, newest, format_count, format_ids, sizes, *settings)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32], last


def _aware(moment: datetime | str | None) -> datetime | None:
    # MAX over a subquery loses the column's type on SQLite: it comes back as text.
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _newest_first() -> list[ColumnElement]:
    # Never published here (a row made before this site kept the moment) goes last on both
    # databases: PostgreSQL would put NULLs first in a descending order.
    return [Resource.published_at.is_(None), Resource.published_at.desc(), Resource.id.desc()]


def _authority() -> str:
    return urlsplit(current_app.config.get("CPWEEK_BASE_URL") or "").hostname or "localhost"


def resource_url(resource: Resource) -> str:
    return absolute_url("resources.resource", slug=resource.slug)


def file_url(resource: Resource, fmt: ResourceFormat) -> str:
    return absolute_url(
        "resources.file", slug=resource.slug, format_id=fmt.id, filename=fmt.filename or "file"
    )


def _entry_id(resource: Resource) -> str:
    # Never changes, even if the slug or the site's path does.
    return f"tag:{_authority()},2026:resources/{resource.id}"


def _summary(resource: Resource) -> str:
    if resource.illustrative:
        return f"(An illustrative example, made up for the demonstration.) {resource.summary}"
    return resource.summary


def _published_at(resource: Resource) -> datetime:
    """When the resource was made public; the date its page shows if that is all we have."""
    if resource.published_at is not None:
        return resource.published_at
    if resource.published_on is not None:
        return datetime.combine(resource.published_on, time(), tzinfo=UTC)
    return resource.created_at


# --- Atom ---------------------------------------------------------------------------------------


def newly_published(limit: int = FEED_SIZE) -> list[Resource]:
    return list(
        db.session.scalars(
            select(Resource).where(*_published()).order_by(*_newest_first()).limit(limit)
        )
    )


def build_atom() -> bytes:
    resources = newly_published()
    formats = formats_of([resource.id for resource in resources])
    entries = []
    for resource in resources:
        kind = describing.kind_words(resource.kind)
        entries.append(
            atom.Entry(
                id=_entry_id(resource),
                title=resource.title,
                updated=resource.updated_at or _published_at(resource),
                published=_published_at(resource),
                link=resource_url(resource),
                summary=_summary(resource),
                categories=[kind] if kind else [],
                enclosures=[
                    atom.Enclosure(file_url(resource, fmt), fmt.media_type, fmt.size_bytes)
                    for fmt in formats[resource.id]
                    if fmt.is_file and fmt.role == FormatRole.MAIN.value
                ],
            )
        )
    newest = max((entry.updated for entry in entries), default=datetime(2022, 7, 4, tzinfo=UTC))
    return atom.atom_feed(
        id=f"tag:{_authority()},2026:resources",
        title="Co-production Week: new resources",
        subtitle="Reports, recordings, podcasts, toolkits and more, made with people who draw "
        "on care and support and unpaid carers.",
        updated=newest,
        feed_url=absolute_url("resources.feed"),
        page_url=absolute_url("resources.library"),
        entries=entries,
    )


def atom_file() -> FeedFile:
    etag, last = _fingerprint("atom")
    return FeedFile(etag, last, build_atom)


# --- the podcast --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Episode:
    resource: Resource
    audio: ResourceFormat
    transcripts: list[ResourceFormat]  # stored transcript and caption files


def episodes(limit: int = PODCAST_SIZE) -> list[Episode]:
    """Published podcast episodes with a stored audio file (what an app can play), newest first,
    in two queries."""
    resources = list(
        db.session.scalars(
            select(Resource)
            .where(*_published(Resource.kind == ResourceKind.PODCAST.value))
            .order_by(*_newest_first())
            .limit(limit)
        )
    )
    formats = formats_of([resource.id for resource in resources])
    found = []
    for resource in resources:
        audio = _first_audio(formats[resource.id])
        if audio is None:
            continue
        transcripts = [
            fmt
            for fmt in formats[resource.id]
            if fmt.is_file and fmt.role in (FormatRole.TRANSCRIPT.value, FormatRole.CAPTIONS.value)
        ]
        found.append(Episode(resource, audio, transcripts))
    return found


def _first_audio(formats: Sequence[ResourceFormat]) -> ResourceFormat | None:
    audio = [f for f in formats if f.is_file and f.media_type.startswith("audio/")]
    main = [f for f in audio if f.role == FormatRole.MAIN.value]
    chosen = main or audio
    return chosen[0] if chosen else None


def _duration(seconds: int | None) -> str | None:
    if not seconds or seconds < 0:
        return None
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def build_podcast() -> bytes:
    # Prefixed names written as they are, with their declarations on <rss>: ElementTree's
    # namespace registry is global to the process, and the Atom builder sets its own there.
    def add(parent, tag: str, text: str | None = None, **attributes: str):
        element = ElementTree.SubElement(parent, tag, attributes)
        if text is not None:
            element.text = atom.xml_text(text)
        return element

    found = episodes()
    rss = ElementTree.Element(
        "rss",
        {"version": "2.0", "xmlns:itunes": ITUNES, "xmlns:podcast": PODCAST, "xmlns:atom": ATOM_NS},
    )
    channel = add(rss, "channel")
    library = absolute_url("resources.library", kind="podcast")
    add(channel, "title", PODCAST_TITLE)
    add(channel, "link", library)
    add(channel, "description", PODCAST_SUMMARY)
    add(channel, "language", "en-gb")
    add(
        channel,
        "atom:link",
        href=absolute_url("resources.podcast"),
        rel="self",
        type="application/rss+xml",
    )
    if found:
        add(channel, "lastBuildDate", _rfc822(max(_published_at(e.resource) for e in found)))
    add(channel, "itunes:author", "Co-production Week")
    add(channel, "itunes:summary", PODCAST_SUMMARY)
    add(channel, "itunes:type", "episodic")
    add(channel, "itunes:explicit", "false")
    add(channel, "itunes:category").set("text", PODCAST_CATEGORY)
    owner = add(channel, "itunes:owner")
    add(owner, "itunes:name", "Co-production Week")
    if current_app.config.get("CPWEEK_HELP_EMAIL"):
        add(owner, "itunes:email", current_app.config["CPWEEK_HELP_EMAIL"])
    add(channel, "podcast:locked", "no")
    for episode in found:
        _add_episode(channel, episode, add)
    ElementTree.indent(rss)
    return ElementTree.tostring(rss, encoding="utf-8", xml_declaration=True)


def _add_episode(channel, episode: Episode, add) -> None:
    resource, audio = episode.resource, episode.audio
    item = add(channel, "item")
    add(item, "title", resource.title)
    add(item, "link", resource_url(resource))
    add(item, "description", _summary(resource))
    add(item, "guid", _entry_id(resource), isPermaLink="false")
    add(item, "pubDate", _rfc822(_published_at(resource)))
    add(
        item,
        "enclosure",
        url=file_url(resource, audio),
        length=str(audio.size_bytes or 0),
        type=audio.media_type,
    )
    add(item, "itunes:title", resource.title)
    add(item, "itunes:summary", _summary(resource))
    add(item, "itunes:explicit", "false")
    add(item, "itunes:episodeType", "full")
    duration = _duration(resource.duration_seconds)
    if duration:
        add(item, "itunes:duration", duration)
    if resource.episode:
        add(item, "itunes:episode", str(resource.episode))
    if resource.transcript.strip():
        add(
            item,
            "podcast:transcript",
            url=absolute_url("resources.transcript", slug=resource.slug),
            type="text/html",
            language="en-gb",
        )
    for fmt in episode.transcripts:
        attributes = {"url": file_url(resource, fmt), "type": fmt.media_type, "language": "en-gb"}
        if fmt.role == FormatRole.CAPTIONS.value:
            attributes["rel"] = "captions"
        add(item, "podcast:transcript", **attributes)


def _rfc822(moment: datetime) -> str:
    """ "Wed, 02 Jul 2025 09:30:00 GMT", as RSS 2.0 wants it."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def podcast_file() -> FeedFile:
    etag, last = _fingerprint("podcast", Resource.kind == ResourceKind.PODCAST.value)
    return FeedFile(etag, last, build_podcast)
