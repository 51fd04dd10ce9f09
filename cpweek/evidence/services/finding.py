"""Finding things in a collection: a page of results (ranked or by date, highlighted), facet
counts that reflect the other chosen filters, the year range. The exports of the whole
filtered list and the Atom feed are in `exports`, which starts from this module's query.

Everything starts from `filters.matching_items`, so the list, the counts, the map and the
exports always agree, and only included items are ever shown. A page costs a fixed number of
queries whatever the number of items or chosen filters: the count and year range (1), the page
of items (1), their terms (1), the highlights (1, only when searching), and the facet counts
(1 for every facet without a choice, plus 1 per facet with one).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from markupsafe import Markup, escape
from sqlalchemy import Select, and_, case, func, select

from cpweek import search
from cpweek.errors import DomainError
from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    Vocabulary,
)
from cpweek.evidence.services.filters import FACETS, Filters, cached, matching_items
from cpweek.extensions import db

PAGE_SIZE = 20
EXPORT_LIMIT = 10_000  # the most items a download holds (exports.py); the page says so
SUMMARY_WORDS = 40
_CHUNK = 500  # ids per IN list when reading the terms of a long export


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


def ordered_items(
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


def count_and_years(
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


def terms_of(
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
        lambda: count_and_years(collection, filters, known),
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
                ordered_items(collection, filters, known)
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
    terms = terms_of(ids, known)
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
