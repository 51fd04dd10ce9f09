"""Collections and items: creating, editing, finding one, and what a public page may show;
organisers' editing of the vocabularies (terms are rows, so a new topic is data, not code).

Services flush and raise (`ItemInvalid` / `CollectionInvalid` / `TermInvalid` name the field);
the request commits. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from cpweek import audit
from cpweek.auth.models import Role, User
from cpweek.evidence.errors import EvidenceError, ItemInvalid
from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    ExampleOfUse,
    ItemSource,
    ItemStatus,
    Vocabulary,
)
from cpweek.evidence.services import citations, fields, filters, vocabularies
from cpweek.extensions import db
from cpweek.programme import services as programme

# Words the organisers' addresses use after /manage/evidence/: a collection may not take them.
RESERVED_SLUGS = {"new", "items", "vocabularies"}
RELATED_VOCABULARIES = (Vocabulary.TOPIC.value, Vocabulary.DIMENSION.value)
MAX_RELATED = 5


class CollectionInvalid(EvidenceError):
    """Something typed for a collection is wrong; `field` names it."""


# --- collections --------------------------------------------------------------------------------


def collections() -> list[EvidenceCollection]:
    return list(db.session.scalars(select(EvidenceCollection).order_by(EvidenceCollection.title)))


def collection_by_slug(slug: str) -> EvidenceCollection | None:
    return db.session.scalar(select(EvidenceCollection).where(EvidenceCollection.slug == slug))


def collection_by_id(collection_id: int) -> EvidenceCollection:
    """The collection an item or suggestion names (its foreign key: it is there)."""
    return db.session.get_one(EvidenceCollection, collection_id)


def collections_for_edition(edition_id: int) -> list[EvidenceCollection]:
    """The hubs that belong to an edition (its page links to them)."""
    return list(
        db.session.scalars(
            select(EvidenceCollection)
            .where(EvidenceCollection.edition_id == edition_id)
            .order_by(EvidenceCollection.title)
        )
    )


def edition_of(collection: EvidenceCollection):
    """The edition a collection is part of, or None (for `_collection_header.html`)."""
    if collection.edition_id is None:
        return None
    return programme.get_edition_by_id(collection.edition_id)


def edition_choices() -> list[tuple[int, str]]:
    return [(edition.id, edition.title) for edition in programme.list_editions()]


@dataclass(frozen=True)
class CollectionDetails:
    title: str
    slug: str
    theme: str = ""
    introduction: str = ""
    criteria: str = ""
    edition_id: int | None = None


def _snapshot_collection(collection: EvidenceCollection) -> dict[str, Any]:
    return {
        "title": collection.title,
        "slug": collection.slug,
        "theme": collection.theme,
        "introduction": collection.introduction,
        "criteria": collection.criteria,
        "edition_id": collection.edition_id,
    }


def _check_collection(details: CollectionDetails, current: EvidenceCollection | None) -> None:
    if not details.title.strip():
        raise CollectionInvalid("Enter a title", "title")
    if len(details.title) > 200:
        raise CollectionInvalid("The title must be 200 characters or fewer", "title")
    if len(details.theme) > 200:
        raise CollectionInvalid("The theme must be 200 characters or fewer", "theme")
    slug = details.slug
    if not slug:
        raise CollectionInvalid("Enter a web address, like care-equity", "slug")
    if len(slug) > 80 or not vocabularies.SLUG.match(slug):
        raise CollectionInvalid(
            "The web address can use lower-case letters, numbers and single hyphens "
            "(like care-equity), up to 80 characters",
            "slug",
        )
    if slug in RESERVED_SLUGS:
        raise CollectionInvalid(f"“{slug}” is used by the site: choose another", "slug")
    taken = collection_by_slug(slug)
    if taken is not None and (current is None or taken.id != current.id):
        raise CollectionInvalid(f"Another collection already uses “{slug}”", "slug")
    for name, label in (("introduction", "The introduction"), ("criteria", "The criteria")):
        if len(getattr(details, name)) > 20_000:
            raise CollectionInvalid(f"{label} must be 20,000 characters or fewer", name)
    if details.edition_id is not None and programme.get_edition_by_id(details.edition_id) is None:
        raise CollectionInvalid("Choose a year from the list", "edition_id")


def create_collection(details: CollectionDetails, actor: User) -> EvidenceCollection:
    _check_collection(details, None)
    vocabularies.install_default_vocabularies()  # the first hub gets the default terms
    collection = EvidenceCollection(**_fields(details))
    db.session.add(collection)
    _flush_unique(collection.slug)
    audit.record(
        actor.id,
        "evidence_collection.create",
        "evidence_collection",
        collection.id,
        after=_snapshot_collection(collection),
    )
    return collection


def update_collection(
    collection: EvidenceCollection, details: CollectionDetails, actor: User
) -> EvidenceCollection:
    _check_collection(details, collection)
    before = _snapshot_collection(collection)
    for name, value in _fields(details).items():
        setattr(collection, name, value)
    _flush_unique(collection.slug)
    audit.record(
        actor.id,
        "evidence_collection.update",
        "evidence_collection",
        collection.id,
        before=before,
        after=_snapshot_collection(collection),
    )
    return collection


def _flush_unique(slug: str) -> None:
    """Flush; a slug taken a moment ago by someone else is a refusal, not a failed request."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise CollectionInvalid(f"Another collection already uses “{slug}”", "slug") from None


def _fields(details: CollectionDetails) -> dict[str, Any]:
    return {
        "title": details.title.strip(),
        "slug": details.slug,
        "theme": details.theme.strip(),
        "introduction": details.introduction,
        "criteria": details.criteria,
        "edition_id": details.edition_id,
    }


def status_counts() -> dict[int, dict[str, int]]:
    """Items by status for every collection, in one query."""
    counts: dict[int, dict[str, int]] = {}
    for collection_id, status, number in db.session.execute(
        select(EvidenceItem.collection_id, EvidenceItem.status, func.count()).group_by(
            EvidenceItem.collection_id, EvidenceItem.status
        )
    ):
        counts.setdefault(collection_id, {})[status] = number
    return counts


# --- items ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDetails:
    title: str
    summary: str = ""
    easy_read: str = ""
    publisher: str = ""
    authors: str = ""  # one a line
    url: str = ""
    doi: str = ""
    published_year: int | None = None
    published_on: date | None = None
    terms: Mapping[str, Sequence[int]] = field(default_factory=dict)  # vocabulary -> term ids
    illustrative: bool = False
    event_ids: Sequence[int] | None = None  # None: leave the item's citations as they are


_TEXT_LIMITS = {
    "title": (500, "The title"),
    "summary": (20_000, "The summary"),
    "easy_read": (20_000, "The Easy Read summary"),
    "publisher": (300, "The publisher"),
}


def _clean_item(details: ItemDetails) -> dict[str, Any]:
    """The columns to write, or ItemInvalid naming the first field that is wrong."""
    title = " ".join(details.title.split())
    if not title:
        raise ItemInvalid("Enter a title", "title")
    if not details.summary.strip():
        raise ItemInvalid("Enter a summary", "summary")
    for name, (limit, label) in _TEXT_LIMITS.items():
        value = title if name == "title" else getattr(details, name)
        if len(value) > limit:
            raise ItemInvalid(f"{label} must be {limit:,} characters or fewer", name)
    year, on = details.published_year, details.published_on
    if on is not None:
        year = on.year
    if year is not None and not fields.EARLIEST_YEAR <= year <= fields.LATEST_YEAR:
        raise ItemInvalid(
            f"Enter the year as 4 digits, between {fields.EARLIEST_YEAR} and {fields.LATEST_YEAR}",
            "published_year",
        )
    url = fields.check_url(details.url)
    doi = fields.normalise_doi(details.doi)
    if not url and not doi:
        raise ItemInvalid("Give a link or a DOI, so people can find it", "url")
    return {
        "title": title,
        "summary": details.summary.strip(),
        "easy_read": details.easy_read.strip(),
        "publisher": details.publisher.strip(),
        "authors": fields.clean_authors(details.authors),
        "url": url,
        "doi": doi,
        "published_year": year,
        "published_on": on,
        "illustrative": details.illustrative,
    }


def _checked_terms(chosen: Mapping[str, Sequence[int]]) -> list[tuple[int, str]]:
    """(term id, vocabulary) for every chosen term, each checked against the database."""
    known = {
        term.id: term.vocabulary for terms in vocabularies.all_terms().values() for term in terms
    }
    found: list[tuple[int, str]] = []
    for vocabulary, ids in chosen.items():
        for term_id in dict.fromkeys(ids):
            if known.get(term_id) != vocabulary:
                raise ItemInvalid("Choose from the list", vocabulary)
            found.append((term_id, vocabulary))
    if Vocabulary.TYPE.value not in {vocabulary for _, vocabulary in found}:
        raise ItemInvalid("Choose the type of evidence", Vocabulary.TYPE.value)
    if len([1 for _, vocabulary in found if vocabulary == Vocabulary.TYPE.value]) > 1:
        raise ItemInvalid("Choose one type", Vocabulary.TYPE.value)
    return found


def _write_terms(item: EvidenceItem, terms: list[tuple[int, str]]) -> None:
    db.session.execute(delete(EvidenceItemTerm).where(EvidenceItemTerm.item_id == item.id))
    db.session.add_all(
        EvidenceItemTerm(item_id=item.id, term_id=term_id, vocabulary=vocabulary)
        for term_id, vocabulary in terms
    )
    db.session.flush()


def item_term_ids(item: EvidenceItem) -> dict[str, list[int]]:
    """The item's terms as ids per vocabulary (to fill the edit form)."""
    found: dict[str, list[int]] = {}
    for term_id, vocabulary in db.session.execute(
        select(EvidenceItemTerm.term_id, EvidenceItemTerm.vocabulary).where(
            EvidenceItemTerm.item_id == item.id
        )
    ):
        found.setdefault(vocabulary, []).append(term_id)
    return found


def _snapshot_item(
    item: EvidenceItem, terms: list[tuple[int, str]] | None = None
) -> dict[str, Any]:
    snapshot: dict[str, Any] = {
        "title": item.title,
        "summary": item.summary,
        "easy_read": item.easy_read,
        "publisher": item.publisher,
        "authors": item.authors,
        "url": item.url,
        "doi": item.doi,
        "published_year": item.published_year,
        "published_on": item.published_on.isoformat() if item.published_on else None,
        "status": item.status,
        "illustrative": item.illustrative,
    }
    if terms is not None:
        snapshot["terms"] = sorted(term_id for term_id, _ in terms)
    return snapshot


def create_item(collection: EvidenceCollection, details: ItemDetails, actor: User) -> EvidenceItem:
    """A new item is a draft: the panel decides whether it is included."""
    columns = _clean_item(details)
    terms = _checked_terms(details.terms)
    item = EvidenceItem(
        collection_id=collection.id,
        status=ItemStatus.DRAFT.value,
        source=ItemSource.ORGANISER.value,
        created_by_id=actor.id,
        **columns,
    )
    db.session.add(item)
    db.session.flush()
    _write_terms(item, terms)
    audit.record(
        actor.id,
        "evidence_item.create",
        "evidence_item",
        item.id,
        after=_snapshot_item(item, terms),
    )
    if details.event_ids is not None:
        citations.set_citing_events(item, details.event_ids, actor, collection)
    return item


def update_item(item: EvidenceItem, details: ItemDetails, actor: User) -> EvidenceItem:
    """Edits keep the item's status: an included item stays included (the audit entry keeps
    what it said before)."""
    columns = _clean_item(details)
    terms = _checked_terms(details.terms)
    before_terms = [
        (term_id, vocabulary) for vocabulary, ids in item_term_ids(item).items() for term_id in ids
    ]
    before = _snapshot_item(item, before_terms)
    for name, value in columns.items():
        setattr(item, name, value)
    db.session.flush()
    _write_terms(item, terms)
    audit.record(
        actor.id,
        "evidence_item.update",
        "evidence_item",
        item.id,
        before=before,
        after=_snapshot_item(item, terms),
    )
    if details.event_ids is not None:
        collection = db.session.get_one(EvidenceCollection, item.collection_id)
        citations.set_citing_events(item, details.event_ids, actor, collection)
    return item


def get_item(item_id: int) -> EvidenceItem | None:
    return db.session.get(EvidenceItem, item_id)


def item_in(collection: EvidenceCollection, item_id: int) -> EvidenceItem | None:
    return db.session.scalar(
        select(EvidenceItem).where(
            EvidenceItem.id == item_id, EvidenceItem.collection_id == collection.id
        )
    )


def item_terms(item: EvidenceItem) -> dict[str, list[EvidenceTerm]]:
    """The item's terms by vocabulary, in page order, in one query."""
    found: dict[str, list[EvidenceTerm]] = {}
    for term in db.session.scalars(
        select(EvidenceTerm)
        .join(EvidenceItemTerm, EvidenceItemTerm.term_id == EvidenceTerm.id)
        .where(EvidenceItemTerm.item_id == item.id)
        .order_by(EvidenceTerm.vocabulary, EvidenceTerm.position, EvidenceTerm.label)
    ):
        found.setdefault(term.vocabulary, []).append(term)
    return found


@dataclass(frozen=True)
class RelatedItem:
    id: int
    title: str
    published_year: int | None
    shared: int


def related_items(item: EvidenceItem, limit: int = MAX_RELATED) -> list[RelatedItem]:
    """Included items of the same collection sharing the most topics and equity dimensions
    with this one (newest first among equals); remembered until the collection changes."""
    collection = db.session.get_one(EvidenceCollection, item.collection_id)
    return filters.cached(collection, "related", (item.id, limit), lambda: _related(item, limit))


# How many items sharing the most terms are looked at before the collection and status are
# checked (counting over the terms' index alone is what keeps this cheap at 50,000 items).
RELATED_CANDIDATES = 200


def _related(item: EvidenceItem, limit: int) -> list[RelatedItem]:
    # The ids as values, not a subquery, so the database plans with the terms' own index.
    mine = list(
        db.session.scalars(
            select(EvidenceItemTerm.term_id).where(
                EvidenceItemTerm.item_id == item.id,
                EvidenceItemTerm.vocabulary.in_(RELATED_VOCABULARIES),
            )
        )
    )
    if not mine:
        return []
    shared = func.count().label("shared")
    candidates = (
        select(EvidenceItemTerm.item_id, shared)
        .where(EvidenceItemTerm.term_id.in_(mine), EvidenceItemTerm.item_id != item.id)
        .group_by(EvidenceItemTerm.item_id)
        .order_by(shared.desc(), EvidenceItemTerm.item_id.desc())
        .limit(RELATED_CANDIDATES)
        .subquery("candidates")
    )
    rows = db.session.execute(
        select(
            EvidenceItem.id, EvidenceItem.title, EvidenceItem.published_year, candidates.c.shared
        )
        .join(candidates, candidates.c.item_id == EvidenceItem.id)
        .where(
            EvidenceItem.collection_id == item.collection_id,
            EvidenceItem.status == ItemStatus.INCLUDED.value,
        )
        .order_by(
            candidates.c.shared.desc(),
            EvidenceItem.published_year.desc(),
            EvidenceItem.id.desc(),
        )
        .limit(limit)
    )
    return [RelatedItem(*row) for row in rows]


def examples_of_use(item: EvidenceItem) -> list[ExampleOfUse]:
    return list(
        db.session.scalars(
            select(ExampleOfUse)
            .where(ExampleOfUse.item_id == item.id)
            .order_by(ExampleOfUse.created_at, ExampleOfUse.id)
        )
    )


def author_list(item: EvidenceItem) -> list[str]:
    return [line for line in (item.authors or "").splitlines() if line.strip()]


def how_to_cite(item: EvidenceItem) -> str:
    """A plain citation: authors (year) title. publisher. DOI link (or the web address)."""
    authors = author_list(item)
    if len(authors) > 1:
        names = ", ".join(authors[:-1]) + " and " + authors[-1]
    else:
        names = authors[0] if authors else ""
    year = str(item.published_year) if item.published_year else "n.d."
    parts = [f"{names} ({year})".strip() if names else f"({year})"]
    parts.append(f"{item.title.rstrip('.')}.")
    if item.publisher:
        parts.append(f"{item.publisher.rstrip('.')}.")
    if item.doi:
        parts.append(doi_link(item.doi))
    elif item.url:
        parts.append(item.url)
    return " ".join(parts)


def doi_link(doi: str) -> str:
    return f"https://doi.org/{doi}"


def is_public(item: EvidenceItem) -> bool:
    return item.status == ItemStatus.INCLUDED.value


# The hub's panel sees drafts and excluded items (as a preview); nobody else knows they exist.
PREVIEWERS = (Role.ORGANISER, Role.CO_PRODUCER)


def may_see(item: EvidenceItem, person) -> bool:
    """An included item is for everyone; any other only for the panel (`person` may be
    anonymous)."""
    return is_public(item) or bool(person.is_authenticated and person.has_role(*PREVIEWERS))
