"""A collection's exports of the whole filtered list (JSON, CSV, RIS) and its Atom feed of
newly included items.

The exports start from the results page's own query (`finding.ordered_items`), so a download
holds what the list shows, in the list's order, up to `finding.EXPORT_LIMIT` (the page says so
when the list is longer)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rispy
from sqlalchemy import select

from cpweek import atom
from cpweek.csvfiles import csv_text
from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceTerm,
    ItemStatus,
    Vocabulary,
)
from cpweek.evidence.services import finding
from cpweek.evidence.services.filters import Filters
from cpweek.extensions import db

FEED_SIZE = 50

# The hub's types as RIS reference types (what Zotero, EndNote and Mendeley import as).
RIS_TYPES = {
    "research": "RPRT",
    "data": "DATA",
    "case-study": "CASE",
    "analysis": "RPRT",
    "tool": "COMP",
    "policy": "GOVDOC",
}


@dataclass(frozen=True)
class Export:
    items: list[EvidenceItem]
    terms: Mapping[int, Mapping[str, list[EvidenceTerm]]]
    total: int  # how many matched; more than len(items) when capped

    @property
    def capped(self) -> bool:
        return self.total > len(self.items)


def export_items(
    collection: EvidenceCollection, filters: Filters, known: Mapping[str, list[EvidenceTerm]]
) -> Export:
    """Every item matching the filters (not just one page), in the list's order, up to
    EXPORT_LIMIT."""
    # The results page tells people this limit, so it lives in `finding`.
    limit = finding.EXPORT_LIMIT
    ordered = finding.ordered_items(collection, filters, known)
    items = list(db.session.scalars(ordered.limit(limit + 1)))
    total = len(items)
    if total > limit:
        items = items[:limit]
        total, _, _ = finding.count_and_years(collection, filters, known)
    return Export(items, finding.terms_of([item.id for item in items], known), total)


def _labels(terms: Mapping[str, list[EvidenceTerm]], vocabulary: Vocabulary) -> list[str]:
    return [term.label for term in terms.get(vocabulary.value, [])]


def _authors(item: EvidenceItem) -> list[str]:
    return [line.strip() for line in (item.authors or "").splitlines() if line.strip()]


def as_records(export: Export, page_url: Callable[[EvidenceItem], str]) -> list[dict[str, Any]]:
    """The JSON export: a list of objects, one per item, with these keys:

    id (number), title, summary, easy_read (text, may be empty), types, topics,
    equity_dimensions, settings, geography, focus, study_designs (lists of labels), authors
    (list of names), publisher, year (number or null), published_on ("YYYY-MM-DD" or null),
    doi, url (the item's own link, may be empty), page (its page on the hub), illustrative
    (true for demo examples), included_at (ISO 8601, UTC)."""
    records = []
    for item in export.items:
        terms = export.terms.get(item.id, {})
        records.append(
            {
                "id": item.id,
                "title": item.title,
                "summary": item.summary,
                "easy_read": item.easy_read,
                "types": _labels(terms, Vocabulary.TYPE),
                "topics": _labels(terms, Vocabulary.TOPIC),
                "equity_dimensions": _labels(terms, Vocabulary.DIMENSION),
                "settings": _labels(terms, Vocabulary.SETTING),
                "geography": _labels(terms, Vocabulary.GEOGRAPHY),
                "focus": _labels(terms, Vocabulary.FOCUS),
                "study_designs": _labels(terms, Vocabulary.DESIGN),
                "authors": _authors(item),
                "publisher": item.publisher,
                "year": item.published_year,
                "published_on": item.published_on.isoformat() if item.published_on else None,
                "doi": item.doi,
                "url": item.url,
                "page": page_url(item),
                "illustrative": item.illustrative,
                "included_at": item.included_at.isoformat() if item.included_at else None,
            }
        )
    return records


def as_json(export: Export, page_url: Callable[[EvidenceItem], str]) -> str:
    return json.dumps(as_records(export, page_url), ensure_ascii=False, indent=1)


CSV_HEADER = [
    "Title", "Type", "Year", "Date", "Authors", "Publisher", "DOI", "Link", "Summary", "Topics",
    "Equity dimensions", "Care settings", "Where", "Access, experience or outcomes",
    "Study design", "Illustrative example", "Page on the hub",
]  # fmt: skip


def as_csv(export: Export, page_url: Callable[[EvidenceItem], str]) -> str:
    """Formula-safe CSV (cpweek.csvfiles): several values in one cell are separated by "; "."""
    rows: list[Sequence[object]] = [CSV_HEADER]
    for record in as_records(export, page_url):
        rows.append(
            [
                record["title"],
                "; ".join(record["types"]),
                record["year"] or "",
                record["published_on"] or "",
                "; ".join(record["authors"]),
                record["publisher"],
                record["doi"],
                record["url"],
                record["summary"],
                "; ".join(record["topics"]),
                "; ".join(record["equity_dimensions"]),
                "; ".join(record["settings"]),
                "; ".join(record["geography"]),
                "; ".join(record["focus"]),
                "; ".join(record["study_designs"]),
                "yes" if record["illustrative"] else "no",
                record["page"],
            ]
        )
    return csv_text(rows)


def ris_type(terms: Mapping[str, list[EvidenceTerm]]) -> str:
    for term in terms.get(Vocabulary.TYPE.value, []):
        if term.slug in RIS_TYPES:
            return RIS_TYPES[term.slug]
    return "GEN"


def _one_line(text: str) -> str:
    # An RIS field is one line: a line break would start what readers take for a new tag.
    return " ".join((text or "").split())


def as_ris(export: Export, page_url: Callable[[EvidenceItem], str]) -> str:
    """RIS (what Zotero, EndNote and Mendeley import), written by rispy: TY, TI, AU (one per
    author), PY, DA, PB, DO, UR (the item's link, then its page on the hub), AB, KW (topics and
    equity dimensions), N1 for illustrative examples, ID the hub's id."""
    entries = []
    for item in export.items:
        terms = export.terms.get(item.id, {})
        entry: dict[str, Any] = {
            "type_of_reference": ris_type(terms),
            "id": str(item.id),
            "title": _one_line(item.title),
        }
        if _authors(item):
            entry["authors"] = [_one_line(a) for a in _authors(item)]
        if item.published_year:
            entry["year"] = str(item.published_year)
        if item.published_on:
            entry["date"] = item.published_on.strftime("%Y/%m/%d")
        elif item.published_year:
            entry["date"] = f"{item.published_year}///"
        if item.publisher:
            entry["publisher"] = _one_line(item.publisher)
        if item.doi:
            entry["doi"] = _one_line(item.doi)
        entry["urls"] = [u for u in (_one_line(item.url), page_url(item)) if u]
        if item.summary:
            entry["abstract"] = _one_line(item.summary)
        keywords = _labels(terms, Vocabulary.TOPIC) + _labels(terms, Vocabulary.DIMENSION)
        if keywords:
            entry["keywords"] = keywords
        if item.illustrative:
            entry["notes"] = ["An illustrative example, not a real publication."]
        entries.append(entry)
    return rispy.dumps(entries)


# --- the Atom feed ------------------------------------------------------------------------------


def newly_included(collection: EvidenceCollection, limit: int = FEED_SIZE) -> list[EvidenceItem]:
    return list(
        db.session.scalars(
            select(EvidenceItem)
            .where(
                EvidenceItem.collection_id == collection.id,
                EvidenceItem.status == ItemStatus.INCLUDED.value,
                EvidenceItem.included_at.is_not(None),
            )
            .order_by(EvidenceItem.included_at.desc(), EvidenceItem.id.desc())
            .limit(limit)
        )
    )


def atom_feed(
    collection: EvidenceCollection,
    items: Iterable[EvidenceItem],
    *,
    authority: str,
    feed_url: str,
    page_url: str,
    item_url: Callable[[EvidenceItem], str],
) -> bytes:
    """Atom 1.0 of the items given (newly included ones), through `cpweek.atom`. Ids are tag:
    URIs that never change (`authority` is the site's host name); `updated` is when an item was
    included."""
    items = [item for item in items if item.included_at is not None]  # else not news (yet)
    newest = (
        next((item.included_at for item in items if item.included_at), None)
        or collection.updated_at
        or collection.created_at
    )
    entries = []
    for item in items:
        assert item.included_at is not None
        summary = item.summary
        if item.illustrative:
            summary = f"(An illustrative example, not a real publication.) {summary}"
        entries.append(
            atom.Entry(
                id=f"tag:{authority},2024:evidence/item/{item.id}",
                title=item.title,
                updated=item.included_at,
                published=item.included_at,
                link=item_url(item),
                summary=summary,
                authors=_authors(item),
            )
        )
    return atom.atom_feed(
        id=f"tag:{authority},2024:evidence/{collection.id}",
        title=f"{collection.title}: newly included evidence",
        subtitle=collection.theme,
        updated=newest,
        feed_url=feed_url,
        page_url=page_url,
        entries=entries,
    )
