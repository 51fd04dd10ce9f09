"""After an event, links to the public pages of its resources (for the event page, the
email and the calendar)."""

from __future__ import annotations

from dataclasses import dataclass

from cpweek.resources.models import FormatRole, Resource, ResourceFormat
from cpweek.resources.services.formats import formats_of
from cpweek.urls import absolute_url


@dataclass(frozen=True)
class PublicLinks:
    page: str  # the resource's public page
    transcript: str  # its transcript page or file, "" when it has none


def public_links(resource: Resource, formats: list[ResourceFormat] | None = None) -> PublicLinks:
    """The resource's public page, and its transcript (the page of the typed one, else a
    TRANSCRIPT format's file or link) read from `formats` when the caller has them."""
    slug = resource.slug
    page = absolute_url("resources.resource", slug=slug)
    if resource.transcript.strip():
        transcript = absolute_url("resources.transcript", slug=slug)
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
    return absolute_url(
        "resources.file", slug=resource.slug, format_id=row.id, filename=row.filename
    )
