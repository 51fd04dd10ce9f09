"""Collections and items: creating, editing, finding one, and what a public page may show."""

from __future__ import annotations

from sqlalchemy import select

from cpweek.evidence.models import EvidenceCollection
from cpweek.extensions import db


def collections() -> list[EvidenceCollection]:
    return list(db.session.scalars(select(EvidenceCollection).order_by(EvidenceCollection.title)))


def collection_by_slug(slug: str) -> EvidenceCollection | None:
    return db.session.scalar(select(EvidenceCollection).where(EvidenceCollection.slug == slug))
