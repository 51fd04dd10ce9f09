"""Resources as organisers draft, edit and find them. (Issue 13: the authoring helper fills in
create/edit; the two finders below are the contract the public pages use.)"""

from __future__ import annotations

from sqlalchemy import select

from cpweek.extensions import db
from cpweek.resources.models import Resource, ResourceStatus


def resource_by_slug(slug: str) -> Resource | None:
    """Any resource, draft or published (organisers' pages)."""
    return db.session.scalar(select(Resource).where(Resource.slug == slug))


def published_resource(slug: str) -> Resource | None:
    """The public's view: a draft is as good as missing (the page 404s)."""
    return db.session.scalar(
        select(Resource).where(
            Resource.slug == slug, Resource.status == ResourceStatus.PUBLISHED.value
        )
    )
