"""A resource's formats: stored files and links. (Issue 13: the authoring helper fills in
adding and removing; `formats_of` is the contract the public pages use.)"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from cpweek.extensions import db
from cpweek.resources.models import ResourceFormat


def formats_of(resource_ids: Collection[int]) -> dict[int, list[ResourceFormat]]:
    """Each resource's formats in their order, in one query."""
    found: dict[int, list[ResourceFormat]] = {resource_id: [] for resource_id in resource_ids}
    if not found:
        return found
    for row in db.session.scalars(
        select(ResourceFormat)
        .where(ResourceFormat.resource_id.in_(list(found)))
        .order_by(ResourceFormat.resource_id, ResourceFormat.position, ResourceFormat.id)
    ):
        found[row.resource_id].append(row)
    return found
