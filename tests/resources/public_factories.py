"""Builders for the public side's tests, on top of the room's own (tests/resources/factories.py):
published resources by default, at distinct moments so their order is known, with topics,
events, evidence items, formats (links, rows that name a file, or real files stored through
`cpweek.files`), gaps and credits. Each flushes; the test client's requests commit first
(tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from cpweek import files
from cpweek.extensions import db
from cpweek.files import samples
from cpweek.resources.models import (
    Credit,
    FormatGap,
    FormatRole,
    Resource,
    ResourceEvent,
    ResourceEvidence,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
    ResourceTerm,
)
from tests.evidence.factories import term
from tests.resources import factories as room_factories

_serial = count(1)
_BASE = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

# Tiny real files (cpweek/files/samples.py), which pass the files room's content checks.
MP3 = samples.mp3(0.5)
VTT = samples.webvtt([(0.0, 2.0, "Hello and welcome.")])
PDF = samples.pdf("A co-produced report")


def make_resource(
    title: str | None = None,
    *,
    kind: ResourceKind | str = ResourceKind.REPORT,
    status: str = ResourceStatus.PUBLISHED.value,
    edition=None,
    topics: tuple[str, ...] = (),
    events=(),
    items=(),
    **fields,
) -> Resource:
    """A resource; `topics` are topic slugs of the evidence hub's vocabulary (installed by
    tests.evidence.factories.make_collection)."""
    n = next(_serial)
    published = status == ResourceStatus.PUBLISHED.value
    moment = fields.pop("published_at", _BASE + timedelta(minutes=n) if published else None)
    resource = room_factories.make_resource(
        kind,
        status,
        title=title or f"Resource {n}",
        slug=fields.pop("slug", f"public-resource-{n}"),
        edition=edition,
        summary=fields.pop("summary", "A co-produced resource about care."),
        licence=fields.pop("licence", "CC-BY-4.0"),
        published_on=fields.pop("published_on", moment.date() if moment else None),
        published_at=moment,
        **fields,
    )
    for slug in topics:
        db.session.add(ResourceTerm(resource_id=resource.id, term_id=term("topic", slug).id))
    for event in events:
        db.session.add(ResourceEvent(resource_id=resource.id, event_id=event.id))
    for item in items:
        db.session.add(ResourceEvidence(resource_id=resource.id, item_id=item.id))
    db.session.flush()
    return resource


def add_link(
    resource: Resource, url: str, *, role=FormatRole.MAIN, label: str = ""
) -> ResourceFormat:
    return room_factories.make_link_format(resource, role, url=url, label=label)


def add_file_row(
    resource: Resource,
    media_type: str,
    size: int,
    *,
    role=FormatRole.MAIN,
    label: str = "",
    filename: str = "file.bin",
) -> ResourceFormat:
    """A format naming a file that is not in the storage (pages that only list it)."""
    fmt = ResourceFormat(
        resource_id=resource.id,
        role=str(role),
        label=label,
        storage_key=f"test/{next(_serial)}",
        filename=filename,
        media_type=media_type,
        size_bytes=size,
    )
    db.session.add(fmt)
    db.session.flush()
    return fmt


def add_file(
    resource: Resource, data: bytes, filename: str, *, role=FormatRole.MAIN, label: str = ""
) -> ResourceFormat:
    """A real file, stored through the files room (its type read from the content)."""
    stored = files.store_bytes(
        data, filename, list(files.FileKind), folder=f"resources/{resource.id}"
    )
    fmt = ResourceFormat(
        resource_id=resource.id,
        role=str(role),
        label=label,
        storage_key=stored.key,
        filename=stored.filename,
        media_type=stored.media_type,
        size_bytes=stored.size,
    )
    db.session.add(fmt)
    db.session.flush()
    return fmt


def add_gap(
    resource: Resource, need: str, reason: str, expected_by: date | None = None
) -> FormatGap:
    gap = FormatGap(resource_id=resource.id, need=need, reason=reason, expected_by=expected_by)
    db.session.add(gap)
    db.session.flush()
    return gap


def add_credit(resource: Resource, name: str, role: str = "co_author") -> Credit:
    credit = Credit(resource_id=resource.id, role=role, name=name, consent_note="Agreed by email")
    db.session.add(credit)
    db.session.flush()
    return credit
