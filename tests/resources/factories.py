"""Builders for the resources room's tests: a resource written straight to its table (each test
decides what it goes through), and a format of it. They flush; the test client commits before
each request (tests/conftest.py IsolatedClient), so pages see them."""

from __future__ import annotations

from datetime import date
from itertools import count

from cpweek.extensions import db
from cpweek.programme.models import Edition
from cpweek.resources.models import (
    FormatRole,
    Resource,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
)
from cpweek.timezones import utcnow

_serial = count(1)


def make_resource(
    kind: ResourceKind | str = ResourceKind.GUIDE,
    status: ResourceStatus | str = ResourceStatus.DRAFT,
    title: str | None = None,
    slug: str | None = None,
    edition: Edition | None = None,
    **fields,
) -> Resource:
    """A resource of `kind`; a published one has `published_at` now and `published_on` today
    unless given. Other columns (summary, licence, transcript, ...) go through `fields`."""
    number = next(_serial)
    status = ResourceStatus(status)
    published = status == ResourceStatus.PUBLISHED
    resource = Resource(
        title=title or f"Resource {number}",
        slug=slug or f"resource-{number}",
        kind=ResourceKind(kind).value,
        status=status.value,
        edition_id=edition.id if edition is not None else None,
        summary=fields.pop("summary", "An illustrative summary."),
        published_at=fields.pop("published_at", utcnow() if published else None),
        published_on=fields.pop("published_on", date.today() if published else None),
        **fields,
    )
    db.session.add(resource)
    db.session.flush()
    return resource


def make_link_format(
    resource: Resource,
    role: FormatRole | str = FormatRole.MAIN,
    url: str = "https://example.org/resource",
    label: str = "",
    position: int = 0,
) -> ResourceFormat:
    """A format that is a link (no file in the storage)."""
    row = ResourceFormat(
        resource_id=resource.id,
        role=FormatRole(role).value,
        url=url,
        label=label,
        position=position,
    )
    db.session.add(row)
    db.session.flush()
    return row
