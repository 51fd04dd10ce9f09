"""After an event, links to the public pages of its resources (for the event page, the
email and the calendar)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from werkzeug.routing import BuildError

from cpweek.resources.models import FormatRole, Resource, ResourceFormat
from cpweek.resources.services.formats import formats_of
from cpweek.urls import absolute_url


@dataclass(frozen=True)
class PublicLinks:
    page: str  # the resource's public page
    transcript: str  # its transcript page or file, "" when it has none


def _public_url(endpoint: str, path: str, **values: object) -> str:
    """`absolute_url(endpoint)`, or the same address written out while that route is not
    registered. LEAD: the public branch registers `resources.resource`, `.transcript` and
    `.file`; once merged, drop the fallback (and BuildError) and call absolute_url."""
    try:
        return absolute_url(endpoint, **values)
    except BuildError:
        return current_app.config["CPWEEK_BASE_URL"].rstrip("/") + path


def public_links(resource: Resource, formats: list[ResourceFormat] | None = None) -> PublicLinks:
    slug = resource.slug
    page = _public_url("resources.resource", f"/resources/{slug}", slug=slug)
    if resource.transcript.strip():
        transcript = _public_url("resources.transcript", f"/resources/{slug}/transcript", slug=slug)
    else:
        transcript = next(
            (
                _file_url(resource, row)
                for row in (
                    formats if formats is not None else formats_of([resource.id])[resource.id]
                )
                if row.role == FormatRole.TRANSCRIPT.value
            ),
            "",
        )
    return PublicLinks(page=page, transcript=transcript)


def _file_url(resource: Resource, row: ResourceFormat) -> str:
    if row.url:
        return row.url
    path = f"/resources/{resource.slug}/files/{row.id}/{row.filename}"
    return _public_url(
        "resources.file", path, slug=resource.slug, format_id=row.id, filename=row.filename
    )
