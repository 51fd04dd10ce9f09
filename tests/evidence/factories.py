"""Builders for the evidence room's tests: the default vocabularies, a collection, items with
their terms written straight to the tables (each test decides what it goes through)."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from sqlalchemy import select

from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    ItemStatus,
)
from cpweek.evidence.services.vocabularies import install_default_vocabularies
from cpweek.extensions import db

_serial = count(1)


def make_collection(slug: str = "care-equity", title: str = "Care Equity Evidence Hub", **extra):
    install_default_vocabularies()
    collection = EvidenceCollection(
        slug=slug,
        title=title,
        theme=extra.pop("theme", "Care equity"),
        introduction=extra.pop("introduction", "Evidence on **inequities** in social care."),
        criteria=extra.pop("criteria", "An equity focus; robust methods."),
        **extra,
    )
    db.session.add(collection)
    db.session.flush()
    return collection


def term(vocabulary: str, slug: str) -> EvidenceTerm:
    found = db.session.scalar(
        select(EvidenceTerm).where(EvidenceTerm.vocabulary == vocabulary, EvidenceTerm.slug == slug)
    )
    assert found is not None, f"no {vocabulary} term {slug!r}"
    return found


def make_item(
    collection: EvidenceCollection,
    title: str | None = None,
    *,
    summary: str = "An illustrative summary.",
    status: str = ItemStatus.INCLUDED.value,
    year: int | None = 2024,
    terms: dict[str, list[str]] | None = None,
    **extra,
) -> EvidenceItem:
    """`terms` maps a vocabulary to slugs, e.g. {"topic": ["unpaid-carers"]}."""
    item = EvidenceItem(
        collection_id=collection.id,
        title=title or f"Illustrative item {next(_serial)}",
        summary=summary,
        published_year=year,
        status=status,
        included_at=datetime.now(UTC) if status == ItemStatus.INCLUDED.value else None,
        **extra,
    )
    db.session.add(item)
    db.session.flush()
    for vocabulary, slugs in (terms or {}).items():
        for slug in slugs:
            db.session.add(
                EvidenceItemTerm(
                    item_id=item.id, term_id=term(vocabulary, slug).id, vocabulary=vocabulary
                )
            )
    db.session.flush()
    return item
