"""What a person chose on a collection's page, as a plain, shareable URL: words to search,
facet values (several in one facet widen, facets together narrow), a year range, the sort and
the page. Values that do not exist are set aside with a message, never an error.

`matching_items` is the one query every view of a collection starts from (the list, the facet
counts, the gap map, the exports), so they always agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlalchemy import Select, exists, select

from cpweek import search
from cpweek.cache import VersionedCache
from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    ItemStatus,
    Vocabulary,
)
from cpweek.evidence.services.fields import EARLIEST_YEAR, LATEST_YEAR

T = TypeVar("T")

FACETS: tuple[Vocabulary, ...] = (
    Vocabulary.TYPE,
    Vocabulary.TOPIC,
    Vocabulary.DIMENSION,
    Vocabulary.GEOGRAPHY,
    Vocabulary.SETTING,
    Vocabulary.FOCUS,
    Vocabulary.DESIGN,
)
SORTS = {"relevance": "Best match", "newest": "Newest first", "oldest": "Oldest first"}
MAX_QUERY_CHARACTERS = 500  # longer text is cut, and the person told
MAX_PAGE = 10_000


# Counts, the ids of a page, the map's cells and related items, per collection version and
# filters (cpweek/cache.py): the landing page, the map and popular searches are worked out
# once per change of the collection, per worker.
answers = VersionedCache(512)


def cached(collection: EvidenceCollection, what: str, key: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave before for this collection version, `what` and `key`."""
    # created_at too: a collection made again with a reused id starts from nothing.
    stamp = (collection.id, collection.created_at, collection.content_version)
    return answers.get((what, *stamp, *key), compute)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # vocabulary -> slugs
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    problems: tuple[str, ...] = ()  # what was set aside, in words

    @property
    def is_empty(self) -> bool:
        return not (self.q or any(self.terms.values()) or self.year_from or self.year_to)

    def cache_key(self, *, page: bool = False) -> tuple:
        """What these filters select, as a hashable key (the sort and page only if `page`)."""
        terms = tuple(sorted((v, tuple(sorted(slugs))) for v, slugs in self.terms.items() if slugs))
        key = (self.q, terms, self.year_from, self.year_to)
        return (*key, self.sort, self.page) if page else key

    def chosen(self, vocabulary: Vocabulary | str) -> tuple[str, ...]:
        return tuple(self.terms.get(str(vocabulary), ()))

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for a URL of this state, with `changes` applied; a change of
        anything but the page goes back to page 1."""
        state = replace(self, **changes) if changes else self
        if changes and "page" not in changes:
            state = replace(state, page=1)
        args: dict[str, Any] = {}
        if state.q:
            args["q"] = state.q
        for vocabulary in FACETS:
            if state.chosen(vocabulary):
                args[vocabulary.value] = list(state.chosen(vocabulary))
        if state.year_from:
            args["from"] = state.year_from
        if state.year_to:
            args["to"] = state.year_to
        if state.sort != ("relevance" if state.q else "newest"):  # the default goes unsaid
            args["sort"] = state.sort
        if state.page != 1:
            args["page"] = state.page
        return args

    def toggled(self, vocabulary: Vocabulary | str, slug: str) -> dict[str, Any]:
        """Arguments with `slug` added to or taken from its facet."""
        current = list(self.chosen(vocabulary))
        current = [s for s in current if s != slug] if slug in current else [*current, slug]
        terms = {**self.terms, str(vocabulary): tuple(current)}
        return self.to_args(terms=terms)


def _year(raw: str | None, label: str, problems: list[str]) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not EARLIEST_YEAR <= int(raw[:5]) <= LATEST_YEAR or len(raw) != 4:
        problems.append(
            f"“{raw[:20]}” is not a year we can use for {label}: "
            f"type a year such as 2024. It was left out."
        )
        return None
    return int(raw)


def parse_filters(args: Mapping[str, Any], known: Mapping[str, list[EvidenceTerm]]) -> Filters:
    """Filters from a request's query string (`args` is a MultiDict or a dict of lists)."""
    problems: list[str] = []

    def values(name: str) -> list[str]:
        getter = getattr(args, "getlist", None)
        found = getter(name) if getter else args.get(name, [])
        return [found] if isinstance(found, str) else list(found or [])

    q = " ".join(str(args.get("q") or "").split())
    if len(q) > MAX_QUERY_CHARACTERS:
        q = q[:MAX_QUERY_CHARACTERS]
        problems.append(
            f"Searches can be up to {MAX_QUERY_CHARACTERS} characters: the rest was left out."
        )
    terms: dict[str, tuple[str, ...]] = {}
    for vocabulary in FACETS:
        slugs = {term.slug: term for term in known.get(vocabulary.value, [])}
        chosen: list[str] = []
        for raw in values(vocabulary.value):
            raw = str(raw).strip()[:80]
            if raw in slugs:
                if raw not in chosen:
                    chosen.append(raw)
            elif raw:
                problems.append(
                    f"There is no {vocabulary.label.lower()} called “{raw}”: it was left out."
                )
        if chosen:
            terms[vocabulary.value] = tuple(chosen)
    year_from = _year(args.get("from"), "“from”", problems)
    year_to = _year(args.get("to"), "“to”", problems)
    if year_from and year_to and year_from > year_to:
        year_from, year_to = year_to, year_from
    sort = str(args.get("sort") or "relevance")
    if sort not in SORTS:
        sort = "relevance"
    raw_page = str(args.get("page") or "1").strip()
    # Any whole number is a page; one past MAX_PAGE (however long) is simply not there (404).
    if raw_page.isdigit():
        page = max(int(raw_page), 1) if len(raw_page) <= 5 else MAX_PAGE + 1
        page = min(page, MAX_PAGE + 1)
    else:
        page = 1
    if not q and sort == "relevance":
        sort = "newest"
    return Filters(q, terms, year_from, year_to, sort, page, tuple(problems))


def term_ids(filters: Filters, known: Mapping[str, list[EvidenceTerm]]) -> dict[str, list[int]]:
    """The chosen slugs as term ids, per vocabulary."""
    found: dict[str, list[int]] = {}
    for vocabulary, slugs in filters.terms.items():
        ids = [term.id for term in known.get(vocabulary, []) if term.slug in slugs]
        if ids:
            found[vocabulary] = ids
    return found


def matching_items(
    collection: EvidenceCollection,
    filters: Filters,
    known: Mapping[str, list[EvidenceTerm]],
    *,
    except_vocabulary: str | None = None,
    with_text: bool = True,
) -> Select:
    """`SELECT evidence_items.id` for the collection's included items that match the filters
    (leaving one facet out, for that facet's own counts)."""
    statement = select(EvidenceItem.id).where(
        EvidenceItem.collection_id == collection.id,
        EvidenceItem.status == ItemStatus.INCLUDED.value,
    )
    for vocabulary, ids in term_ids(filters, known).items():
        if vocabulary == except_vocabulary:
            continue
        chosen = EvidenceItemTerm.__table__.alias(f"chosen_{vocabulary}")
        statement = statement.where(
            exists().where(chosen.c.item_id == EvidenceItem.id, chosen.c.term_id.in_(ids))
        )
    if filters.year_from:
        statement = statement.where(EvidenceItem.published_year >= filters.year_from)
    if filters.year_to:
        statement = statement.where(EvidenceItem.published_year <= filters.year_to)
    if with_text and filters.q:
        statement = statement.where(
            search.text_condition(search.EVIDENCE_ITEMS, EvidenceItem.id, filters.q)
        )
    return statement
