"""Suggestions from anyone, and their moderation.

Four kinds (new evidence, a gap, an example of use, feedback), from people signed in or not.
Nothing is published without moderation: co-producers and organisers accept new evidence into
a DRAFT item (which then goes through inclusion), accept an example of use onto its item, note
a gap or feedback (with an optional reply), decline with a reason, or merge a duplicate into
another suggestion of the same collection. The suggester is emailed the outcome if they left
an address. Every step is audited in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.evidence.errors import EvidenceError, ItemInvalid, NotAllowed
from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    ExampleOfUse,
    ItemSource,
    ItemStatus,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
    Vocabulary,
)
from cpweek.evidence.services import fields
from cpweek.evidence.services.inclusion import MAX_ID
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.mail import queue_mail, render_mail
from cpweek.perspectives import perspective_of
from cpweek.timezones import utcnow
from cpweek.urls import absolute_url

MAX_TEXT = 5000
MAX_TITLE = 500
MAX_LINK = 2000
MAX_NAME = 200


class SuggestionError(EvidenceError):
    pass


def parse_link(link: str, field: str = "link") -> tuple[str, str]:
    """(url, doi) from what was typed: a web address, a DOI, or a doi.org link."""
    link = (link or "").strip()
    if not link:
        return "", ""
    if len(link) > MAX_LINK:
        raise SuggestionError(f"The link must be {MAX_LINK:,} characters or fewer", field)
    # The item form's own rules: a DOI (or its doi.org link) first, else a web address.
    try:
        return "", fields.normalise_doi(link)
    except ItemInvalid:
        pass
    try:
        return fields.check_url(link, field), ""
    except ItemInvalid:
        raise SuggestionError(
            "Enter a web address starting with https:// or a DOI such as 10.1234/abcd", field
        ) from None


def _text(value: str, limit: int, field: str, noun: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise SuggestionError(f"{noun} must be {limit:,} characters or fewer", field)
    return value


# --- what the form offers ---------------------------------------------------------------------


def term_by_slug(vocabulary: Vocabulary, slug: str | None) -> EvidenceTerm | None:
    if not slug or len(slug) > 80:
        return None
    return db.session.scalar(
        select(EvidenceTerm).where(
            EvidenceTerm.vocabulary == vocabulary.value, EvidenceTerm.slug == slug
        )
    )


def term_choices(vocabulary: Vocabulary) -> list[EvidenceTerm]:
    return list(
        db.session.scalars(
            select(EvidenceTerm)
            .where(EvidenceTerm.vocabulary == vocabulary.value)
            .order_by(EvidenceTerm.position, EvidenceTerm.label)
        )
    )


def included_item(collection: EvidenceCollection, item_id: int | None) -> EvidenceItem | None:
    """An included item of this collection, or None (drafts and other collections' items are
    not offered to the public)."""
    if item_id is None or not 0 < item_id <= MAX_ID:
        return None
    item = db.session.get(EvidenceItem, item_id)
    if item is None or item.collection_id != collection.id or item.status != ItemStatus.INCLUDED:
        return None
    return item


# --- receiving a suggestion -----------------------------------------------------------------


@dataclass
class SuggestionDetails:
    kind: str
    title: str = ""
    text: str = ""
    link: str = ""
    topic_slug: str = ""
    dimension_slug: str = ""
    item_id: int | None = None
    evidence: str = ""  # an example of use without an item: which evidence, in words
    name: str = ""
    email: str = ""


def submit(
    collection: EvidenceCollection, details: SuggestionDetails, by: User | None
) -> Suggestion:
    """Keep a suggestion for moderation; nothing of it is public until accepted."""
    if details.kind not in SuggestionKind._value2member_map_:
        raise SuggestionError("Choose what you would like to tell us", "kind")
    kind = SuggestionKind(details.kind)
    title = _text(details.title, MAX_TITLE, "title", "The title")
    text = _text(details.text, MAX_TEXT, "text", "What you wrote")
    name = _text(details.name, MAX_NAME, "name", "Your name")
    link = (details.link or "").strip()
    topic = dimension = item = None
    if kind in (SuggestionKind.NEW_EVIDENCE, SuggestionKind.GAP):
        # A cell of the gap map: both kinds may say which topic and dimension they are about.
        topic = term_by_slug(Vocabulary.TOPIC, details.topic_slug)
        dimension = term_by_slug(Vocabulary.DIMENSION, details.dimension_slug)
    if kind == SuggestionKind.NEW_EVIDENCE:
        if not title:
            raise SuggestionError("Enter the title of the evidence", "title")
        if not link:
            raise SuggestionError("Enter a link to it or its DOI", "link")
        parse_link(link)
    elif kind == SuggestionKind.GAP:
        if topic is None and dimension is None:
            raise SuggestionError("Choose a topic or an equity dimension, or both", "topic")
    elif kind == SuggestionKind.EXAMPLE_OF_USE:
        item = included_item(collection, details.item_id)
        evidence = _text(details.evidence, MAX_TITLE, "evidence", "Which evidence")
        if item is None and not evidence:
            raise SuggestionError("Say which evidence was used: its title or a link", "evidence")
        if not text:
            raise SuggestionError("Say where and how it was used", "text")
        if link:
            parse_link(link)
        if item is None:
            text = f"Evidence: {evidence}\n\n{text}"
    else:
        if not text:
            raise SuggestionError("Enter your feedback", "text")
    if kind in (SuggestionKind.GAP, SuggestionKind.FEEDBACK):
        link = ""  # their forms ask for none
    suggestion = Suggestion(
        collection_id=collection.id,
        kind=kind.value,
        title=title,
        text=text,
        link=link,
        topic_id=topic.id if topic else None,
        dimension_id=dimension.id if dimension else None,
        item_id=item.id if item else None,
        name=name,
        email=details.email or "",
        user_id=by.id if by is not None else None,
    )
    db.session.add(suggestion)
    db.session.flush()
    audit.record(
        by.id if by is not None else None,
        "evidence.suggestion_received",
        "evidence_suggestion",
        suggestion.id,
        after={"kind": kind.value, "collection_id": collection.id, "item_id": suggestion.item_id},
    )
    return suggestion


# --- the moderation queue ---------------------------------------------------------------------


def get(suggestion_id: int) -> Suggestion | None:
    if not 0 < suggestion_id <= MAX_ID:
        return None
    return db.session.get(Suggestion, suggestion_id)


def pending(collection: EvidenceCollection) -> list[Suggestion]:
    """Waiting for moderation, oldest first."""
    return list(
        db.session.scalars(
            select(Suggestion)
            .where(
                Suggestion.collection_id == collection.id,
                Suggestion.status == SuggestionStatus.PENDING.value,
            )
            .order_by(Suggestion.created_at, Suggestion.id)
        )
    )


def merge_choices(suggestion: Suggestion) -> list[Suggestion]:
    """Other suggestions of the same collection it could duplicate (not themselves merged)."""
    return list(
        db.session.scalars(
            select(Suggestion)
            .where(
                Suggestion.collection_id == suggestion.collection_id,
                Suggestion.id != suggestion.id,
                Suggestion.status != SuggestionStatus.MERGED.value,
            )
            .order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
            .limit(200)
        )
    )


def terms_named(suggestion: Suggestion) -> dict[str, EvidenceTerm | None]:
    return {
        "topic": db.session.get(EvidenceTerm, suggestion.topic_id) if suggestion.topic_id else None,
        "dimension": db.session.get(EvidenceTerm, suggestion.dimension_id)
        if suggestion.dimension_id
        else None,
    }


def _moderator(by: User) -> None:
    if perspective_of(by) is None:
        raise NotAllowed("Only co-producers and organisers moderate suggestions.")


def _start(suggestion: Suggestion, by: User) -> EvidenceCollection:
    """Lock the suggestion's row and check it is still waiting (a second click finds it
    decided)."""
    _moderator(by)
    lock(suggestion)
    if suggestion.status != SuggestionStatus.PENDING:
        raise SuggestionError(
            f"This suggestion has already been {SuggestionStatus(suggestion.status).label.lower()}"
            ": nothing was changed."
        )
    return db.session.get_one(EvidenceCollection, suggestion.collection_id)


def _decided(suggestion: Suggestion, status: SuggestionStatus, by: User, **detail) -> None:
    """Record the moderator's outcome on the suggestion and in the audit log."""
    suggestion.status = status.value
    suggestion.decided_by_id = by.id
    suggestion.decided_at = utcnow()
    audit.record(
        by.id,
        f"evidence.suggestion_{status.value}",
        "evidence_suggestion",
        suggestion.id,
        before={"status": SuggestionStatus.PENDING.value},
        after={"status": status.value, **detail},
    )


def _tell(suggestion: Suggestion, collection: EvidenceCollection, outcome: str, **context) -> None:
    """Email the suggester the outcome, if they left an address (queued with the action)."""
    if not suggestion.email:
        return
    subjects = {
        "accepted": f"Your suggestion to the {collection.title}: thank you, we have used it",
        "noted": f"Your suggestion to the {collection.title}: thank you, we have noted it",
        "declined": f"Your suggestion to the {collection.title}: what we decided",
        "merged": f"Your suggestion to the {collection.title}: someone suggested it too",
    }
    text, html = render_mail(
        f"evidence_suggestion_{outcome}",
        suggestion=suggestion,
        collection=collection,
        kind_label=SuggestionKind(suggestion.kind).label,
        hub_link=absolute_url("evidence.collection", slug=collection.slug),
        **context,
    )
    queue_mail(suggestion.email, subjects[outcome], text, html)


@dataclass
class DraftDetails:
    """What a moderator keeps of a suggested piece of evidence, for its draft item."""

    title: str
    summary: str = ""
    link: str = ""
    published_year: int | None = None


def accept_as_item(suggestion: Suggestion, details: DraftDetails, by: User) -> EvidenceItem:
    """New evidence becomes a DRAFT item (source: suggestion); it is public only once the
    panel includes it."""
    if suggestion.kind != SuggestionKind.NEW_EVIDENCE:
        raise SuggestionError("Only suggested evidence becomes an item.")
    title = _text(details.title, MAX_TITLE, "title", "The title")
    if not title:
        raise SuggestionError("Enter the title", "title")
    summary = _text(details.summary, MAX_TEXT, "summary", "The summary")
    url, doi = parse_link(details.link)
    year = details.published_year
    if year is not None and not 1800 <= year <= utcnow().year + 1:
        raise SuggestionError("Enter a year from 1800 to next year", "published_year")
    collection = _start(suggestion, by)
    item = EvidenceItem(
        collection_id=suggestion.collection_id,
        title=title,
        summary=summary,
        url=url,
        doi=doi,
        published_year=year,
        status=ItemStatus.DRAFT.value,
        source=ItemSource.SUGGESTION.value,
        created_by_id=by.id,
    )
    db.session.add(item)
    db.session.flush()
    for term_id, vocabulary in (
        (suggestion.topic_id, Vocabulary.TOPIC),
        (suggestion.dimension_id, Vocabulary.DIMENSION),
    ):
        if term_id is not None:
            db.session.add(
                EvidenceItemTerm(item_id=item.id, term_id=term_id, vocabulary=vocabulary.value)
            )
    suggestion.created_item_id = item.id
    _decided(suggestion, SuggestionStatus.ACCEPTED, by, created_item_id=item.id)
    db.session.flush()
    _tell(suggestion, collection, "accepted", as_item=True)
    return item


def _item_link(collection: EvidenceCollection, item: EvidenceItem) -> str:
    return absolute_url("evidence.item", slug=collection.slug, item_id=item.id)


@dataclass
class ExampleDetails:
    item_id: int | None
    text: str
    organisation: str = ""
    link: str = ""


def accept_example(suggestion: Suggestion, details: ExampleDetails, by: User) -> ExampleOfUse:
    """An example of use, published on its (included) item's page."""
    if suggestion.kind != SuggestionKind.EXAMPLE_OF_USE:
        raise SuggestionError("Only an example of use is published on an item.")
    text = _text(details.text, MAX_TEXT, "text", "The example")
    if not text:
        raise SuggestionError("Enter how the evidence was used", "text")
    organisation = _text(details.organisation, 300, "organisation", "The organisation")
    url, doi = parse_link(details.link)
    link = url or (f"https://doi.org/{doi}" if doi else "")
    collection = _start(suggestion, by)
    item = included_item(collection, details.item_id)
    if item is None:
        raise SuggestionError("Enter the number of an included item of this collection", "item_id")
    example = ExampleOfUse(
        item_id=item.id,
        text=text,
        organisation=organisation,
        link=link,
        suggestion_id=suggestion.id,
    )
    db.session.add(example)
    suggestion.item_id = item.id
    db.session.flush()  # the example's id, for the audit entry
    _decided(suggestion, SuggestionStatus.ACCEPTED, by, example_id=example.id, item_id=item.id)
    _tell(
        suggestion,
        collection,
        "accepted",
        item=item,
        item_link=_item_link(collection, item),
    )
    return example


def note(suggestion: Suggestion, reply: str, by: User) -> None:
    """A gap or feedback is accepted as noted, with an optional reply to the suggester."""
    if suggestion.kind not in (SuggestionKind.GAP, SuggestionKind.FEEDBACK):
        raise SuggestionError("Accept this kind of suggestion with its own form.")
    reply = _text(reply, MAX_TEXT, "reply", "The reply")
    collection = _start(suggestion, by)
    suggestion.response = reply
    _decided(suggestion, SuggestionStatus.ACCEPTED, by, reply=reply)
    _tell(suggestion, collection, "noted")


def decline(suggestion: Suggestion, reason: str, by: User) -> None:
    reason = _text(reason, MAX_TEXT, "reason", "The reason")
    if not reason:
        raise SuggestionError(
            "Give the reason: the suggester reads it if they left an address", "reason"
        )
    collection = _start(suggestion, by)
    suggestion.response = reason
    _decided(suggestion, SuggestionStatus.DECLINED, by, reason=reason)
    _tell(suggestion, collection, "declined")


def merge(suggestion: Suggestion, into_id: int | None, by: User) -> Suggestion:
    """A duplicate is merged into another suggestion of the same collection."""
    into = get(into_id) if into_id is not None else None
    if (
        into is None
        or into.id == suggestion.id
        or into.collection_id != suggestion.collection_id
        or into.status == SuggestionStatus.MERGED
    ):
        raise SuggestionError(
            "Choose another suggestion of this collection to merge it into", "into"
        )
    collection = _start(suggestion, by)
    suggestion.merged_into_id = into.id
    _decided(suggestion, SuggestionStatus.MERGED, by, merged_into_id=into.id)
    _tell(suggestion, collection, "merged")
    return into


# --- for other rooms --------------------------------------------------------------------------


def accepted_from(person_id: int) -> list[tuple[Suggestion, str]]:
    """A person's accepted suggestions with their collection's title, oldest first: the
    ledger offers an involvement entry for each (nothing is logged without them)."""
    return list(
        db.session.execute(
            select(Suggestion, EvidenceCollection.title)
            .join(EvidenceCollection, EvidenceCollection.id == Suggestion.collection_id)
            .where(
                Suggestion.user_id == person_id,
                Suggestion.status == SuggestionStatus.ACCEPTED.value,
            )
            .order_by(Suggestion.decided_at, Suggestion.id)
        ).all()
    )
