"""Finding things in a collection: a page of results (ranked or by date, highlighted), facet
counts that reflect the other chosen filters, the year range, the Atom feed of newly included
items and exports of the whole filtered list (CSV, RIS, JSON).

Everything starts from `filters.matching_items`, so the list, the counts, the map and the
exports always agree, and only included items are ever shown. A page costs a fixed number of
queries whatever the number of items or chosen filters: the count and year range (1), the page
of items (1), their terms (1), the highlights (1, only when searching), and the facet counts
(1 for every facet without a choice, plus 1 per facet with one).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any
from xml.etree import ElementTree

import rispy
from markupsafe import Markup, escape
from sqlalchemy import Select, and_, case, func, select

from cpweek import search
from cpweek.csvfiles import csv_text
from cpweek.errors import DomainError
from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    ItemStatus,
    Vocabulary,
)
from cpweek.evidence.services.filters import FACETS, Filters, cached, matching_items
from cpweek.extensions import db

PAGE_SIZE = 20
EXPORT_LIMIT = 10_000
FEED_SIZE = 50
SUMMARY_WORDS = 40
_CHUNK = 500  # ids per IN list when reading the terms of a long export

# The hub's types as RIS reference types (what Zotero, EndNote and Mendeley import as).
RIS_TYPES = {
    "research": "RPRT",
    "data": "DATA",
    "case-study": "CASE",
    "analysis": "RPRT",
    "tool": "COMP",
    "policy": "GOVDOC",
}


class PageNotFound(DomainError):
    """A page past the last page of results."""


@dataclass(frozen=True)
class FacetValue:
    term: EvidenceTerm
    count: int
    chosen: bool


@dataclass(frozen=True)
class Facet:
    vocabulary: Vocabulary
    values: list[FacetValue]

    @property
    def label(self) -> str:
        return self.vocabulary.label

    @property
    def chosen(self) -> list[FacetValue]:
        return [value for value in self.values if value.chosen]


@dataclass(frozen=True)
class Result:
    item: EvidenceItem
    title: Markup  # safe HTML, matches marked
    summary: Markup  # safe HTML: the passages around the matches, or the start of the summary
    terms: Mapping[str, list[EvidenceTerm]]  # vocabulary -> the item's terms, in page order

    def labels(self, vocabulary: str) -> list[str]:
        return [term.label for term in self.terms.get(vocabulary, [])]


@dataclass(frozen=True)
class ResultsPage:
    filters: Filters
    results: list[Result]
    total: int
    page: int
    pages: int
    facets: list[Facet]
    years: tuple[int | None, int | None]  # earliest and latest year among the other filters
    chosen_terms: list[tuple[Vocabulary, EvidenceTerm]] = field(default_factory=list)

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)

    @property
    def export_capped(self) -> bool:
        return self.total > EXPORT_LIMIT


# --- queries ------------------------------------------------------------------------------------


def _ordered(
    collection: EvidenceCollection, filters: Filters, known: Mapping[str, list[EvidenceTerm]]
) -> Select:
    """`SELECT evidence_items` matching the filters in the order the person chose."""
    statement = matching_items(collection, filters, known, with_text=False).with_only_columns(
        EvidenceItem
    )
    score = None
    if filters.q:
        statement, score = search.ranked(
            statement, search.EVIDENCE_ITEMS, EvidenceItem.id, filters.q
        )
    # Items without a year go last either way; the id keeps the order stable between pages.
    undated = EvidenceItem.published_year.is_(None)
    if filters.sort == "relevance" and score is not None:
        return statement.order_by(score.desc(), EvidenceItem.id.desc())
    if filters.sort == "oldest":
        return statement.order_by(
            undated, EvidenceItem.published_year, EvidenceItem.published_on, EvidenceItem.id
        )
    return statement.order_by(
        undated,
        EvidenceItem.published_year.desc(),
        EvidenceItem.published_on.is_(None),
        EvidenceItem.published_on.desc(),
        EvidenceItem.id.desc(),
    )


def _count_and_years(
    collection: EvidenceCollection, filters: Filters, known: Mapping[str, list[EvidenceTerm]]
) -> tuple[int, int | None, int | None]:
    """How many items match, and the year range of those matching every filter but the years
    (so the range offered does not shrink to the range chosen) — one query."""
    year = EvidenceItem.published_year
    in_range = and_(
        year >= filters.year_from if filters.year_from else year.is_not(None),
        year <= filters.year_to if filters.year_to else year.is_not(None),
    )
    counted = case((in_range, 1), else_=0) if filters.year_from or filters.year_to else 1
    statement = (
        matching_items(collection, replace(filters, year_from=None, year_to=None), known)
        .with_only_columns(func.coalesce(func.sum(counted), 0), func.min(year), func.max(year))
        .select_from(EvidenceItem)
    )
    total, earliest, latest = db.session.execute(statement).one()
    return int(total or 0), earliest, latest


def _term_counts(statement: Select) -> dict[int, int]:
    return {term_id: int(n) for term_id, n in db.session.execute(statement)}


def facet_counts(
    collection: EvidenceCollection, filters: Filters, known: Mapping[str, list[EvidenceTerm]]
) -> list[Facet]:
    """Every facet's values with counts reflecting the other chosen filters: a facet's counts
    use every filter but its own (choosing more of one facet widens, so its own counts must not
    shrink to the choice). One grouped query for all facets without a choice, one per facet with
    one."""
    link = EvidenceItemTerm
    counts: dict[int, int] = {}
    unchosen = [v.value for v in FACETS if not filters.chosen(v)]
    groups: list[tuple[list[str], Select]] = []
    if unchosen:
        groups.append((unchosen, matching_items(collection, filters, known)))
    for vocabulary in FACETS:
        if filters.chosen(vocabulary):
            groups.append(
                (
                    [vocabulary.value],
                    matching_items(collection, filters, known, except_vocabulary=vocabulary.value),
                )
            )
    for vocabularies, matching in groups:
        statement = (
            select(link.term_id, func.count())
            .where(link.vocabulary.in_(vocabularies), link.item_id.in_(matching))
            .group_by(link.term_id)
        )
        counts.update(
            cached(
                collection,
                "facets",
                (*filters.cache_key(), tuple(vocabularies)),
                partial(_term_counts, statement),
            )
        )
    facets = []
    for vocabulary in FACETS:
        chosen = filters.chosen(vocabulary)
        facets.append(
            Facet(
                vocabulary,
                [
                    FacetValue(term, counts.get(term.id, 0), term.slug in chosen)
                    for term in known.get(vocabulary.value, [])
                ],
            )
        )
    return facets


def _terms_of(
    ids: Sequence[int], known: Mapping[str, list[EvidenceTerm]]
) -> dict[int, dict[str, list[EvidenceTerm]]]:
    """Each item's terms per vocabulary, in the vocabulary's page order."""
    by_id = {term.id: term for terms in known.values() for term in terms}
    order = {term.id: i for terms in known.values() for i, term in enumerate(terms)}
    found: dict[int, dict[str, list[EvidenceTerm]]] = {item_id: {} for item_id in ids}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = db.session.execute(
            select(EvidenceItemTerm.item_id, EvidenceItemTerm.term_id).where(
                EvidenceItemTerm.item_id.in_(chunk)
            )
        )
        for item_id, term_id in rows:
            term = by_id.get(term_id)
            if term is not None:
                found[item_id].setdefault(term.vocabulary, []).append(term)
    for terms in found.values():
        for vocabulary_terms in terms.values():
            vocabulary_terms.sort(key=lambda t: order.get(t.id, 0))
    return found


def shortened(text: str, words: int = SUMMARY_WORDS) -> str:
    parts = (text or "").split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def results_page(
    collection: EvidenceCollection, filters: Filters, known: Mapping[str, list[EvidenceTerm]]
) -> ResultsPage:
    """The page of results the filters ask for, with counts, facets and highlights. Raises
    PageNotFound for a page past the last (page 1 always exists, even when nothing matches)."""
    total, earliest, latest = cached(
        collection,
        "count",
        filters.cache_key(),
        lambda: _count_and_years(collection, filters, known),
    )
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if filters.page > pages:
        raise PageNotFound(f"There is no page {filters.page}: the results have {pages}.")
    ids = cached(
        collection,
        "page",
        filters.cache_key(page=True),
        lambda: list(
            db.session.scalars(
                _ordered(collection, filters, known)
                .with_only_columns(EvidenceItem.id)
                .limit(PAGE_SIZE)
                .offset((filters.page - 1) * PAGE_SIZE)
            )
        ),
    )
    loaded = (
        {
            item.id: item
            for item in db.session.scalars(select(EvidenceItem).where(EvidenceItem.id.in_(ids)))
        }
        if ids
        else {}
    )
    items = [loaded[item_id] for item_id in ids if item_id in loaded]
    terms = _terms_of(ids, known)
    marked = (
        search.highlights(
            search.EVIDENCE_ITEMS, ids, filters.q, whole=["title"], fragments=["summary"]
        )
        if filters.q
        else {}
    )
    results = []
    for item in items:
        shown = marked.get(item.id, {})
        summary = shown.get("summary")
        if not summary or not summary.striptags().strip():
            summary = escape(shortened(item.summary))
        title = shown.get("title") or escape(item.title)
        results.append(Result(item, title, summary, terms[item.id]))
    chosen_terms = [
        (vocabulary, term)
        for vocabulary in FACETS
        for term in known.get(vocabulary.value, [])
        if term.slug in filters.chosen(vocabulary)
    ]
    return ResultsPage(
        filters=filters,
        results=results,
        total=total,
        page=filters.page,
        pages=pages,
        facets=facet_counts(collection, filters, known),
        years=(earliest, latest),
        chosen_terms=chosen_terms,
    )


# --- exports ------------------------------------------------------------------------------------


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
    items = list(db.session.scalars(_ordered(collection, filters, known).limit(EXPORT_LIMIT + 1)))
    total = len(items)
    if total > EXPORT_LIMIT:
        items = items[:EXPORT_LIMIT]
        total, _, _ = _count_and_years(collection, filters, known)
    return Export(items, _terms_of([item.id for item in items], known), total)


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

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


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


def _xml_text(text: str | None) -> str:
    # Characters XML 1.0 cannot hold at all would make the whole feed unreadable.
    return _NOT_XML.sub("", text or "")


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def atom_feed(
    collection: EvidenceCollection,
    items: Iterable[EvidenceItem],
    *,
    authority: str,
    feed_url: str,
    page_url: str,
    item_url: Callable[[EvidenceItem], str],
) -> bytes:
    """Atom 1.0 of the items given (newly included ones). Ids are tag: URIs that never change
    (`authority` is the site's host name); `updated` is when an item was included."""
    items = list(items)
    ElementTree.register_namespace("", ATOM)

    def add(parent, tag: str, text: str | None = None, **attributes: str):
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = _xml_text(text)
        return element

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    add(feed, "id", f"tag:{authority},2024:evidence/{collection.id}")
    add(feed, "title", f"{collection.title}: newly included evidence")
    if collection.theme:
        add(feed, "subtitle", collection.theme)
    newest = (
        next((item.included_at for item in items if item.included_at), None)
        or collection.updated_at
        or collection.created_at
    )
    add(feed, "updated", _stamp(newest))
    add(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    add(feed, "link", rel="alternate", href=page_url, type="text/html")
    author = add(feed, "author")
    add(author, "name", "Co-production Week")
    for item in items:
        if item.included_at is None:  # not included (yet), so not news
            continue
        entry = add(feed, "entry")
        add(entry, "id", f"tag:{authority},2024:evidence/item/{item.id}")
        add(entry, "title", item.title)
        add(entry, "updated", _stamp(item.included_at))
        add(entry, "published", _stamp(item.included_at))
        add(entry, "link", rel="alternate", href=item_url(item), type="text/html")
        for name in _authors(item):
            add(add(entry, "author"), "name", name)
        summary = item.summary
        if item.illustrative:
            summary = f"(An illustrative example, not a real publication.) {summary}"
        add(entry, "summary", summary, type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
