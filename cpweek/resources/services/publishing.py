"""The accessible-format rule and publishing. (Issue 13: the authoring helper fills in; the
names below are the contract the public pages use.)"""

from __future__ import annotations

from sqlalchemy import select

from cpweek.extensions import db
from cpweek.resources.models import AccessNeed, FormatGap, ResourceKind

# What each kind must offer before it is published (or a recorded reason why not yet).
NEEDS: dict[ResourceKind, tuple[AccessNeed, ...]] = {
    ResourceKind.RECORDING: (AccessNeed.CAPTIONS, AccessNeed.TRANSCRIPT),
    ResourceKind.PODCAST: (AccessNeed.TRANSCRIPT,),
    ResourceKind.REPORT: (AccessNeed.EASY_READ,),
}


def gaps_of(resource_id: int) -> list[FormatGap]:
    """The recorded reasons a published resource still lacks a format, by need."""
    return list(
        db.session.scalars(
            select(FormatGap).where(FormatGap.resource_id == resource_id).order_by(FormatGap.need)
        )
    )
