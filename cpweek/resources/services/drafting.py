"""Resources as organisers draft, edit and find them: the details typed on the form are checked
here (a known kind, a licence from the list, the year's own events, included evidence items, a
duration people can read), and a resource is written with its topics, events and evidence.
`resource_by_slug` and `published_resource` are what the public pages read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from cpweek import audit
from cpweek.auth.models import User
from cpweek.evidence.models import Vocabulary
from cpweek.evidence.services import catalogue, vocabularies
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import (
    Resource,
    ResourceEvent,
    ResourceEvidence,
    ResourceKind,
    ResourceStatus,
    ResourceTerm,
)
from cpweek.resources.services.publishing import (
    close_met_gaps,
    standing_of,
    still_publishable,
)

MAX_ID = 2**31 - 1  # the largest id a form may name (a 32-bit column on PostgreSQL)
TITLE_LENGTH = 300
SUMMARY_LENGTH = 5_000
LONG_TEXT_LENGTH = 200_000  # a transcript of a full-day conference fits


@dataclass(frozen=True)
class Licence:
    id: str  # SPDX identifier ("" for all rights reserved)
    name: str
    url: str


# The licences an organiser chooses from, in the order the form offers them.
LICENCES: dict[str, Licence] = {
    licence.id: licence
    for licence in (
        Licence(
            "CC-BY-4.0",
            "Creative Commons Attribution 4.0",
            "https://creativecommons.org/licenses/by/4.0/",
        ),
        Licence(
            "CC-BY-SA-4.0",
            "Creative Commons Attribution-ShareAlike 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/",
        ),
        Licence(
            "CC-BY-NC-4.0",
            "Creative Commons Attribution-NonCommercial 4.0",
            "https://creativecommons.org/licenses/by-nc/4.0/",
        ),
        Licence(
            "CC-BY-NC-ND-4.0",
            "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0",
            "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        ),
        Licence(
            "OGL-UK-3.0",
            "Open Government Licence v3.0",
            "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        ),
        Licence("", "All rights reserved", ""),
    )
}


def licence_of(resource: Resource) -> Licence:
    """The resource's licence (an unknown id, which no form can save, reads as its own id)."""
    return LICENCES.get(resource.licence) or Licence(resource.licence, resource.licence, "")


# --- finders -------------------------------------------------------------------------------


def resource_by_slug(slug: str) -> Resource | None:
    """Any resource, draft or published (organisers' pages)."""
    return db.session.scalar(select(Resource).where(Resource.slug == slug))


def published_resource(slug: str) -> Resource | None:
    """The public's view: a draft is as good as missing (the page 404s)."""
    return db.session.scalar(
        select(Resource).where(
            Resource.slug == slug, Resource.status == ResourceStatus.PUBLISHED.value
        )
    )


def get_resource(resource_id: int) -> Resource | None:
    """Any resource by its id (organisers' pages); an id no column can hold is simply missing."""
    if not 0 < resource_id <= MAX_ID:
        return None
    return db.session.get(Resource, resource_id)


def all_resources() -> list[Resource]:
    """Every resource, drafts first, then the newest changed: the organisers' list."""
    return list(
        db.session.scalars(
            select(Resource).order_by(
                (Resource.status == ResourceStatus.PUBLISHED.value), Resource.updated_at.desc()
            )
        )
    )


# --- durations -----------------------------------------------------------------------------

_CLOCK = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})$")  # 52:10 or 1:02:10
_WORDS = re.compile(
    r"(\d{1,4})\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b", re.IGNORECASE
)
_UNITS = {"h": 3600, "m": 60, "s": 1}
DURATION_HINT = "Like 52 minutes, 1 hour 5 minutes or 52:10"


def parse_duration(text: str) -> int | None:
    """Seconds from what a person types ('52 minutes', '1 hour 5 min', '52:10', '1:02:10',
    '52' for minutes); None for nothing typed."""
    typed = (text or "").strip().lower()
    if not typed:
        return None
    if typed.isdigit() and len(typed) <= 4:
        return int(typed) * 60  # a bare number is minutes, as people say "a 52-minute talk"
    clock = _CLOCK.match(typed)
    if clock:
        hours, minutes, seconds = (int(part or 0) for part in clock.groups())
        if seconds >= 60 or (hours and minutes >= 60):
            raise ResourceError(f"{text.strip()} is not a time: {DURATION_HINT}", "duration")
        return hours * 3600 + minutes * 60 + seconds
    parts = _WORDS.findall(typed)
    leftover = _WORDS.sub("", typed).replace("and", "").replace(",", "").strip()
    if not parts or leftover:
        raise ResourceError(f"Enter how long it lasts: {DURATION_HINT}", "duration")
    return sum(int(number) * _UNITS[unit[0]] for number, unit in parts)


def duration_words(seconds: int | None) -> str:
    """'52 minutes', '1 hour 5 minutes', '52 minutes 10 seconds' (pages and the form)."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    words = []
    for number, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")):
        if number:
            words.append(f"{number} {unit}{'' if number == 1 else 's'}")
    return " ".join(words) or "0 seconds"


# --- the details typed ---------------------------------------------------------------------


@dataclass
class ResourceDetails:
    """What the resource form holds, as typed (the service checks it)."""

    title: str
    kind: str
    summary: str = ""
    licence: str = "CC-BY-4.0"
    edition_id: int | None = None
    topic_ids: Sequence[int] = ()
    event_ids: Sequence[int] = ()
    evidence: str = ""  # item numbers as typed: "12, 15 17"
    published_on: date | None = None
    plain_summary: str = ""
    transcript: str = ""
    captions_by_host: bool = False
    duration: str = ""
    episode: int | None = None
    illustrative: bool = False


@dataclass(frozen=True)
class _Checked:
    columns: dict[str, Any]
    topic_ids: set[int]
    event_ids: set[int]
    item_ids: list[int]


def _required(text: str, limit: int, missing: str, noun: str, name: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned and missing:
        raise ResourceError(missing, name)
    if len(cleaned) > limit:
        raise ResourceError(f"{noun} must be {limit:,} characters or fewer", name)
    return cleaned


def _kind(value: str) -> ResourceKind:
    try:
        return ResourceKind(value)
    except ValueError:
        raise ResourceError("Choose what kind of resource this is", "kind") from None


def _licence(value: str) -> str:
    if value not in LICENCES:
        raise ResourceError("Choose a licence from the list", "licence")
    return value


def _edition_id(value: int | None) -> int | None:
    if value is None:
        return None
    if not 0 < value <= MAX_ID or programme.get_edition_by_id(value) is None:
        raise ResourceError("Choose a year from the list", "edition_id")
    return value


def _topics(chosen: Sequence[int]) -> set[int]:
    offered = {term.id for term in vocabularies.terms(Vocabulary.TOPIC)}
    if set(chosen) - offered:
        raise ResourceError("Choose topics from the list", "topics")
    return set(chosen)


def _events(chosen: Sequence[int], edition_id: int | None) -> set[int]:
    """The events must be public events of the resource's own year."""
    if not chosen:
        return set()
    if edition_id is None:
        raise ResourceError("Choose the year the events were part of", "edition_id")
    edition = programme.get_edition_by_id(edition_id)
    offered = {event.id for event in programme.public_events(edition)} if edition else set()
    if set(chosen) - offered:
        raise ResourceError(
            "Choose events from the chosen year's programme, or change the year", "events"
        )
    return set(chosen)


def parse_item_numbers(text: str) -> list[int]:
    """Evidence item numbers as typed: separated by commas, spaces or new lines; '#12' reads
    as 12. Each number once, in the order typed."""
    numbers: list[int] = []
    for part in re.split(r"[\s,;]+", (text or "").strip()):
        if not part:
            continue
        digits = part.removeprefix("#")
        if not digits.isdigit() or len(digits) > 10:
            raise ResourceError(
                f"“{part[:20]}” is not an item number: type numbers like 12, 15", "evidence"
            )
        if int(digits) not in numbers:
            numbers.append(int(digits))
    return numbers


def _evidence(text: str) -> list[int]:
    """Only included items can be drawn on (a draft or excluded item is not public)."""
    numbers = parse_item_numbers(text)
    for number in numbers:
        item = catalogue.get_item(number) if 0 < number <= MAX_ID else None
        if item is None or not catalogue.is_public(item):
            raise ResourceError(
                f"No included evidence item has the number {number}: check it on the "
                "item's page (the number at the end of its address)",
                "evidence",
            )
    return numbers


def _check(details: ResourceDetails) -> _Checked:
    kind = _kind(details.kind)
    title = _required(details.title, TITLE_LENGTH, "Enter a title", "The title", "title")
    edition_id = _edition_id(details.edition_id)
    episode = details.episode if kind == ResourceKind.PODCAST else None
    if episode is not None and not 0 < episode < 100_000:
        raise ResourceError("Enter the episode number as a whole number, like 3", "episode")
    columns = {
        "title": title,
        "kind": kind.value,
        "summary": _required(details.summary, SUMMARY_LENGTH, "", "The summary", "summary"),
        "licence": _licence(details.licence),
        "edition_id": edition_id,
        "published_on": details.published_on,
        "plain_summary": _required(
            details.plain_summary, LONG_TEXT_LENGTH, "", "The summary", "plain_summary"
        ),
        "transcript": _required(
            details.transcript, LONG_TEXT_LENGTH, "", "The transcript", "transcript"
        ),
        "captions_by_host": bool(details.captions_by_host) and kind == ResourceKind.RECORDING,
        "duration_seconds": parse_duration(details.duration),
        "episode": episode,
        "illustrative": bool(details.illustrative),
    }
    return _Checked(
        columns=columns,
        topic_ids=_topics(details.topic_ids),
        event_ids=_events(details.event_ids, edition_id),
        item_ids=_evidence(details.evidence),
    )


# --- slugs ---------------------------------------------------------------------------------


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:100].strip("-") or "resource"


def unique_slug(title: str, current: Resource | None = None) -> str:
    """The title's slug, or `slug-2`, `slug-3`, ...: the first no other resource uses."""
    slug = slugify(title)
    query = select(Resource.slug).where(Resource.slug.like(f"{slug}%"))
    if current is not None:
        query = query.where(Resource.id != current.id)
    taken = set(db.session.scalars(query))
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _flush_unique() -> None:
    """Flush; a slug taken a moment ago by someone else is a refusal, not a failed request."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ResourceError(
            "Another resource with this title was saved at the same moment: save again",
            "title",
        ) from None


# --- writing -------------------------------------------------------------------------------


def _write_links(resource: Resource, checked: _Checked) -> None:
    """Topics, events and evidence are replaced by what was chosen."""
    for model in (ResourceTerm, ResourceEvent, ResourceEvidence):
        db.session.execute(delete(model).where(model.resource_id == resource.id))
    db.session.add_all(ResourceTerm(resource_id=resource.id, term_id=i) for i in checked.topic_ids)
    db.session.add_all(
        ResourceEvent(resource_id=resource.id, event_id=i) for i in checked.event_ids
    )
    db.session.add_all(
        ResourceEvidence(resource_id=resource.id, item_id=i) for i in checked.item_ids
    )
    db.session.flush()


def _snapshot(resource: Resource, checked: _Checked | None = None) -> dict[str, Any]:
    links = checked or _Checked({}, *linked_ids(resource))
    return {
        "title": resource.title,
        "slug": resource.slug,
        "kind": resource.kind,
        "licence": resource.licence,
        "edition_id": resource.edition_id,
        "published_on": resource.published_on.isoformat() if resource.published_on else None,
        "captions_by_host": resource.captions_by_host,
        "duration_seconds": resource.duration_seconds,
        "episode": resource.episode,
        "topics": sorted(links.topic_ids),
        "events": sorted(links.event_ids),
        "evidence": list(links.item_ids),
    }


def create_resource(details: ResourceDetails, actor: User) -> Resource:
    """A new draft: nobody but organisers sees it until it is published."""
    checked = _check(details)
    resource = Resource(
        slug=unique_slug(checked.columns["title"]),
        status=ResourceStatus.DRAFT.value,
        created_by_id=actor.id,
        **checked.columns,
    )
    db.session.add(resource)
    _flush_unique()
    _write_links(resource, checked)
    audit.record(
        actor.id, "resource.create", "resource", resource.id, after=_snapshot(resource, checked)
    )
    return resource


def update_resource(resource: Resource, details: ResourceDetails, actor: User) -> Resource:
    """Saves the changes. A draft's address follows its title; a published resource keeps its
    address (people have linked to it), and what its kind needs (a change that would take away
    its transcript, say, is refused). A transcript or summary written here closes the gap
    recorded for it."""
    checked = _check(details)
    before = _snapshot(resource)
    before_date = resource.published_on
    standing = standing_of(resource)
    # In a savepoint: a refusal puts the resource back as it was, whatever the caller does.
    with db.session.begin_nested():
        for name, value in checked.columns.items():
            setattr(resource, name, value)
        if resource.is_published and resource.published_on is None:
            # A public resource always has a date: the library and feeds order by it.
            resource.published_on = before_date
        if not resource.is_published and slugify(resource.title) != slugify(before["title"]):
            resource.slug = unique_slug(resource.title, resource)
        _flush_unique()
        still_publishable(
            resource, standing, "keep it, add it as a file or link first, or unpublish"
        )
    _write_links(resource, checked)
    close_met_gaps(resource, actor)
    audit.record(
        actor.id,
        "resource.update",
        "resource",
        resource.id,
        before=before,
        after=_snapshot(resource, checked),
    )
    return resource


def linked_ids(resource: Resource) -> tuple[set[int], set[int], list[int]]:
    """The resource's topic term ids, event ids and evidence item ids (for the edit form)."""
    topics = set(
        db.session.scalars(
            select(ResourceTerm.term_id).where(ResourceTerm.resource_id == resource.id)
        )
    )
    events = set(
        db.session.scalars(
            select(ResourceEvent.event_id).where(ResourceEvent.resource_id == resource.id)
        )
    )
    items = list(
        db.session.scalars(
            select(ResourceEvidence.item_id)
            .where(ResourceEvidence.resource_id == resource.id)
            .order_by(ResourceEvidence.item_id)
        )
    )
    return topics, events, items
