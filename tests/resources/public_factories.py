"""Builders for the public side's tests: resources written straight to the tables (published or
draft), with topics, events, evidence items, formats (links, rows that name a file, or real
files stored through `cpweek.files`), gaps and credits. Each flushes; the test client's
requests commit first (tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from cpweek.extensions import db
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

_serial = count(1)
_BASE = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)

# The smallest files of each type the files room recognises by content.
MP3 = (
    b"ID3\x03\x00\x00\x00\x00\x00\x0f" + b"\x00" * 20 + b"\xff\xfb\x90\x64" + bytes(range(256)) * 8
)
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello and welcome.\n"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


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
    resource = Resource(
        slug=fields.pop("slug", f"resource-{n}"),
        title=title or f"Resource {n}",
        summary=fields.pop("summary", "A co-produced resource about care."),
        kind=str(kind),
        status=status,
        licence=fields.pop("licence", "CC-BY-4.0"),
        edition_id=edition.id if edition is not None else None,
        published_on=fields.pop("published_on", moment.date() if moment else None),
        published_at=moment,
        **fields,
    )
    db.session.add(resource)
    db.session.flush()
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
    fmt = ResourceFormat(resource_id=resource.id, role=str(role), label=label, url=url)
    db.session.add(fmt)
    db.session.flush()
    return fmt


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
    from cpweek import files

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
