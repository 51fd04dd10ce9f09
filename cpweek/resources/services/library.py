"""The library: finding published resources by words (the evidence hub's search module,
`cpweek.search.RESOURCES`, the same engines on both databases), by facets (kind, topic,
edition, accessible format available), newest first or best match first, a page at a time.

What a person chose is a plain, shareable URL (`Filters`); a value that does not exist is set
aside with a message, never an error. Every count and list starts from `matching`, so they
always agree and only published resources are ever shown. A page costs a fixed number of
queries whatever the number of resources, formats or credits: the count (1), each facet's
counts (4), the page of resources with their edition (1), their formats (1), their topics (1),
their credits (what `credits.shown_credits` costs) and the highlights (1, only when searching).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)

from cpweek import search
from cpweek.errors import DomainError
from cpweek.evidence.models import EvidenceTerm, Vocabulary
from cpweek.evidence.services import vocabularies
from cpweek.extensions import db
from cpweek.programme.models import Edition
from cpweek.resources.models import (
    AccessNeed,
    FormatRole,
    Resource,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
    ResourceTerm,
)
from cpweek.resources.services import credits as credit_services
from cpweek.resources.services import describing
from cpweek.resources.services.formats import formats_of

PAGE_SIZE = 20
SUMMARY_WORDS = 40
MAX_QUERY_CHARACTERS = 500
MAX_PAGE = 10_000
SORTS = {"relevance": "Best match", "newest": "Newest first"}

# The facets, in page order: (query-string name, heading).
FACET_NAMES = {
    "kind": "Kind",
    "topic": "Topic",
    "year": "Year",
    "access": "Accessible format available",
}
ACCESS_WORDS = {
    AccessNeed.CAPTIONS.value: "Captions",
    AccessNeed.TRANSCRIPT.value: "Transcript",
    AccessNeed.EASY_READ.value: "Easy Read or plain-English summary",
}


class PageNotFound(DomainError):
    """A page past the last page of results."""


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # topic term slugs
    years: tuple[int, ...] = ()  # editions, by year
    access: tuple[str, ...] = ()  # AccessNeed values: each one chosen must be available
    sort: str = "newest"
    page: int = 1
    problems: tuple[str, ...] = ()  # what was set aside, in words

    @property
    def chosen_any(self) -> bool:
        return bool(self.q or self.kinds or self.topics or self.years or self.access)

    def chosen(self, facet: str) -> tuple[str, ...]:
        values = {"kind": self.kinds, "topic": self.topics, "access": self.access}.get(facet)
        return values if values is not None else tuple(str(year) for year in self.years)

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for this state with `changes`; a change of anything but the
        page goes back to page 1."""
        state = replace(self, **changes) if changes else self
        if changes and "page" not in changes:
            state = replace(state, page=1)
        args: dict[str, Any] = {}
        if state.q:
            args["q"] = state.q
        for facet in FACET_NAMES:
            if state.chosen(facet):
                args[facet] = list(state.chosen(facet))
        if state.sort != default_sort(state.q):
            args["sort"] = state.sort
        if state.page != 1:
            args["page"] = state.page
        return args

    def toggled(self, facet: str, value: str) -> dict[str, Any]:
        """Arguments with `value` added to or taken from its facet."""
        current = list(self.chosen(facet))
        current = [v for v in current if v != value] if value in current else [*current, value]
        if facet == "year":
            return self.to_args(years=tuple(int(v) for v in current))
        attribute = {"kind": "kinds", "topic": "topics", "access": "access"}[facet]
        return self.to_args(**{attribute: tuple(current)})


def default_sort(q: str) -> str:
    return "relevance" if q else "newest"


@dataclass(frozen=True)
class Choices:
    """What may be chosen: the topic terms and the years that have resources."""

    topics: list[EvidenceTerm]
    years: list[int]


def choices() -> Choices:
    """Two queries: the topic vocabulary, and the years of editions with published resources."""
    years = db.session.scalars(
        select(Edition.year)
        .where(
            exists().where(
                Resource.edition_id == Edition.id,
                Resource.status == ResourceStatus.PUBLISHED.value,
            )
        )
        .order_by(Edition.year.desc())
    )
    return Choices(vocabularies.terms(Vocabulary.TOPIC), list(years))


def _values(args: Mapping[str, Any], name: str) -> list[str]:
    getter = getattr(args, "getlist", None)
    found = getter(name) if getter else args.get(name, [])
    found = [found] if isinstance(found, str) else list(found or [])
    return [str(value).strip()[:80] for value in found if str(value).strip()]


def _pick(raw: list[str], allowed: Mapping[str, str], what: str, problems: list[str]) -> list[str]:
    chosen: list[str] = []
    for value in raw:
        if value in allowed:
            if value not in chosen:
                chosen.append(value)
        else:
            problems.append(f"There is no {what} called “{value}”: it was left out.")
    return chosen


def parse_filters(args: Mapping[str, Any], known: Choices) -> Filters:
    """Filters from a request's query string; never fails, whatever was typed."""
    problems: list[str] = []
    q = " ".join(str(args.get("q") or "").split())
    if len(q) > MAX_QUERY_CHARACTERS:
        q = q[:MAX_QUERY_CHARACTERS]
        problems.append(
            f"Searches can be up to {MAX_QUERY_CHARACTERS} characters: the rest was left out."
        )
    kinds = _pick(_values(args, "kind"), {k.value: k.label for k in ResourceKind}, "kind", problems)
    topics = _pick(
        _values(args, "topic"), {t.slug: t.label for t in known.topics}, "topic", problems
    )
    years = _pick(_values(args, "year"), {str(y): str(y) for y in known.years}, "year", problems)
    access = _pick(_values(args, "access"), ACCESS_WORDS, "accessible format", problems)
    sort = str(args.get("sort") or default_sort(q))
    if sort not in SORTS or (sort == "relevance" and not q):
        sort = default_sort(q)
    raw_page = str(args.get("page") or "1").strip()
    page = 1
    if raw_page.isdigit():  # any whole number; one past MAX_PAGE is simply not there (404)
        page = min(max(int(raw_page[:6]), 1), MAX_PAGE + 1) if len(raw_page) <= 6 else MAX_PAGE + 1
    return Filters(
        q,
        tuple(kinds),
        tuple(topics),
        tuple(int(y) for y in years),
        tuple(access),
        sort,
        page,
        tuple(problems),
    )


# --- queries ------------------------------------------------------------------------------------


def _has_format(*roles: FormatRole) -> ColumnElement[bool]:
    # Not a correlated EXISTS: both engines read the subquery once, not once a resource, which
    # is what keeps the accessible-format counts cheap over every resource.
    return Resource.id.in_(
        select(ResourceFormat.resource_id).where(
            ResourceFormat.role.in_([role.value for role in roles])
        )
    )


def access_condition(need: str) -> ColumnElement[bool]:
    """True for resources offering the accessible format (as `describing.accessible_formats`
    says it in Python, here in SQL)."""
    if need == AccessNeed.CAPTIONS.value:
        return or_(Resource.captions_by_host.is_(True), _has_format(FormatRole.CAPTIONS))
    if need == AccessNeed.TRANSCRIPT.value:
        return or_(Resource.transcript != "", _has_format(FormatRole.TRANSCRIPT))
    if need == AccessNeed.EASY_READ.value:
        return or_(
            Resource.plain_summary != "",
            Resource.kind == ResourceKind.EASY_READ.value,
            _has_format(FormatRole.EASY_READ, FormatRole.PLAIN_SUMMARY),
        )
    return false()


def _topic_ids(filters: Filters, known: Choices) -> list[int]:
    return [term.id for term in known.topics if term.slug in filters.topics]


def matching(
    filters: Filters, known: Choices, *, leave_out: str | None = None, with_text: bool = True
) -> Select:
    """`SELECT resources.id` for the published resources matching the filters (leaving one
    facet out, for that facet's own counts)."""
    statement = select(Resource.id).where(Resource.status == ResourceStatus.PUBLISHED.value)
    if filters.kinds and leave_out != "kind":
        statement = statement.where(Resource.kind.in_(filters.kinds))
    if filters.topics and leave_out != "topic":
        statement = statement.where(
            exists().where(
                ResourceTerm.resource_id == Resource.id,
                ResourceTerm.term_id.in_(_topic_ids(filters, known)),
            )
        )
    if filters.years and leave_out != "year":
        statement = statement.where(
            Resource.edition_id.in_(select(Edition.id).where(Edition.year.in_(filters.years)))
        )
    if filters.access and leave_out != "access":
        statement = statement.where(*(access_condition(need) for need in filters.access))
    if with_text and filters.q:
        statement = statement.where(search.text_condition(search.RESOURCES, Resource.id, filters.q))
    return statement


def ordered(filters: Filters, known: Choices) -> Select:
    """`SELECT resources.*, editions.year` for the page of resources matching the filters, in
    the order chosen."""
    offset = (filters.page - 1) * PAGE_SIZE
    if not filters.q:
        # The page's ids first, from the index ix_resources_newest, then their rows: sorting
        # every matching row whole (transcripts and all) was most of the page's time.
        ids = matching(filters, known).order_by(*newest_first()).limit(PAGE_SIZE).offset(offset)
        return (
            select(Resource, Edition.year)
            .outerjoin(Edition, Edition.id == Resource.edition_id)
            .where(Resource.id.in_(ids))
            .order_by(*newest_first())
        )
    statement = (
        matching(filters, known, with_text=False)
        .with_only_columns(Resource, Edition.year)
        .outerjoin(Edition, Edition.id == Resource.edition_id)
    )
    statement, score = search.ranked(statement, search.RESOURCES, Resource.id, filters.q)
    order = [score.desc(), Resource.id.desc()] if filters.sort == "relevance" else newest_first()
    return statement.order_by(*order).limit(PAGE_SIZE).offset(offset)


def newest_first() -> list[ColumnElement]:
    # A public resource always has its date (publishing sets it and an edit keeps it), so no
    # NULL ordering is needed, and the index (status, published_on, published_at, id) gives
    # the order without a sort. The id keeps the order stable between pages.
    return [Resource.published_on.desc(), Resource.published_at.desc(), Resource.id.desc()]


# --- facets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str  # what goes in the URL
    label: str
    count: int
    chosen: bool


@dataclass(frozen=True)
class Facet:
    name: str  # the query-string name
    label: str
    values: list[FacetValue]

    @property
    def shown(self) -> list[FacetValue]:
        """Values worth offering: those with resources, and those chosen."""
        return [value for value in self.values if value.count or value.chosen]


def _counted(filters: Filters, known: Choices, facet: str, *columns) -> Select:
    """The matching resources (leaving `facet` out) with only `columns`: the counts read the
    resources once, with no second pass over them to match ids."""
    return matching(filters, known, leave_out=facet).with_only_columns(*columns)


def _grouped(statement: Select, key) -> dict[Any, int]:
    return {value: int(n) for value, n in db.session.execute(statement.group_by(key))}


def facets(filters: Filters, known: Choices) -> list[Facet]:
    """Each facet's values with counts that reflect the other chosen filters (a facet's own
    choices widen it, so its counts leave them out): one query per facet."""
    kinds = _grouped(_counted(filters, known, "kind", Resource.kind, func.count()), Resource.kind)
    topic_counts = _grouped(
        _counted(filters, known, "topic", ResourceTerm.term_id, func.count()).join_from(
            Resource, ResourceTerm, ResourceTerm.resource_id == Resource.id
        ),
        ResourceTerm.term_id,
    )
    years = _grouped(
        _counted(filters, known, "year", Edition.year, func.count()).join_from(
            Resource, Edition, Edition.id == Resource.edition_id
        ),
        Edition.year,
    )
    access_row = db.session.execute(
        _counted(
            filters,
            known,
            "access",
            *(
                func.coalesce(func.sum(case((access_condition(need), 1), else_=0)), literal(0))
                for need in ACCESS_WORDS
            ),
        )
    ).one()
    access = dict(zip(ACCESS_WORDS, (int(n or 0) for n in access_row), strict=True))
    return [
        Facet(
            "kind",
            FACET_NAMES["kind"],
            [
                FacetValue(k.value, k.label, kinds.get(k.value, 0), k.value in filters.kinds)
                for k in ResourceKind
            ],
        ),
        Facet(
            "topic",
            FACET_NAMES["topic"],
            [
                FacetValue(t.slug, t.label, topic_counts.get(t.id, 0), t.slug in filters.topics)
                for t in known.topics
            ],
        ),
        Facet(
            "year",
            FACET_NAMES["year"],
            [FacetValue(str(y), str(y), years.get(y, 0), y in filters.years) for y in known.years],
        ),
        Facet(
            "access",
            FACET_NAMES["access"],
            [
                FacetValue(need, words, access[need], need in filters.access)
                for need, words in ACCESS_WORDS.items()
            ],
        ),
    ]


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    resource: Resource
    year: int | None  # its edition's
    title: Markup  # safe HTML, matches marked
    summary: Markup  # safe HTML: the passages around the matches, or the start of the summary
    formats: list[describing.ShownFormat]
    topics: list[EvidenceTerm]
    credits: list[credit_services.ShownCredit]
    accessible: list[str]  # the accessible formats it offers, in words

    @property
    def kind_label(self) -> str:
        return describing.kind_words(self.resource.kind)


@dataclass(frozen=True)
class ResultsPage:
    filters: Filters
    results: list[Result]
    total: int
    page: int
    pages: int
    facets: list[Facet]
    chosen: list[tuple[Facet, FacetValue]] = field(default_factory=list)

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def shortened(text: str, words: int = SUMMARY_WORDS) -> str:
    parts = (text or "").split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def topics_of(ids: Sequence[int], known: Sequence[EvidenceTerm]) -> dict[int, list[EvidenceTerm]]:
    """Each resource's topics in the vocabulary's order, in one query."""
    order = {term.id: (i, term) for i, term in enumerate(known)}
    found: dict[int, list[EvidenceTerm]] = {resource_id: [] for resource_id in ids}
    if not ids:
        return found
    rows = db.session.execute(
        select(ResourceTerm.resource_id, ResourceTerm.term_id).where(
            ResourceTerm.resource_id.in_(list(ids))
        )
    )
    for resource_id, term_id in sorted(rows, key=lambda row: order.get(row[1], (0, None))[0]):
        if term_id in order:
            found[resource_id].append(order[term_id][1])
    return found


def results_page(filters: Filters, known: Choices) -> ResultsPage:
    """The page of results the filters ask for, with counts and facets. Raises PageNotFound for
    a page past the last (page 1 always exists, even when nothing matches)."""
    total = (
        db.session.scalar(select(func.count()).select_from(matching(filters, known).subquery()))
        or 0
    )
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if filters.page > pages:
        raise PageNotFound(f"There is no page {filters.page}: the results have {pages}.")
    rows = db.session.execute(ordered(filters, known)).all()
    ids = [row[0].id for row in rows]
    formats = formats_of(ids)
    topics = topics_of(ids, known.topics)
    credits = credit_services.shown_credits(ids) if ids else {}
    marked = (
        search.highlights(search.RESOURCES, ids, filters.q, whole=["title"], fragments=["summary"])
        if filters.q and ids
        else {}
    )
    results = []
    for resource, year in rows:
        shown = marked.get(resource.id, {})
        summary = shown.get("summary")
        if not summary or not summary.striptags().strip():
            summary = escape(shortened(resource.summary))
        offered = describing.accessible_formats(resource, formats[resource.id])
        results.append(
            Result(
                resource=resource,
                year=year,
                title=shown.get("title") or escape(resource.title),
                summary=summary,
                formats=describing.shown_formats(formats[resource.id]),
                topics=topics[resource.id],
                credits=credits.get(resource.id, []),
                accessible=[words for need, words in ACCESS_WORDS.items() if need in offered],
            )
        )
    found_facets = facets(filters, known)
    chosen = [(facet, value) for facet in found_facets for value in facet.values if value.chosen]
    return ResultsPage(
        filters=filters,
        results=results,
        total=total,
        page=filters.page,
        pages=pages,
        facets=found_facets,
        chosen=chosen,
    )


def find(args: Mapping[str, Any]) -> ResultsPage:
    """The library page for a query string, from choices to results."""
    known = choices()
    return results_page(parse_filters(args, known), known)
