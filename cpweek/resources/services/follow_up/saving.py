"""After an event, saving: what an organiser adds (a recording, slides, a transcript, "you
said, we did") and publishing the recording or the slides."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from cpweek import audit, signals
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.resources.models import (
    EventFollowUp,
    FormatRole,
    Resource,
    ResourceEvent,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
)
from cpweek.resources.services.follow_up.announcing import summary_row
from cpweek.resources.services.follow_up.reading import (
    FollowUp,
    FollowUpRefused,
    check_may_follow_up,
    follow_up_of,
    people_to_tell,
)
from cpweek.resources.services.formats import formats_of
from cpweek.timezones import utcnow

SUMMARY_MAX = 20_000  # "you said, we did": a page of plain words, not a report
TRANSCRIPT_MAX = 400_000  # a full day's conference, typed out, fits
LINK_MAX = 2000


@dataclass
class FollowUpInput:
    """What an organiser typed on the "After the event" page. The page shows what is saved:
    texts are saved as they come back (an emptied box clears them); a link left empty keeps
    the one saved (links are removed on the resource's own page)."""

    recording_url: str = ""
    captions_by_host: bool = False
    slides_url: str = ""
    transcript: str = ""
    you_said_we_did: str = ""


# --- saving -------------------------------------------------------------------------------------


def check_link(url: str, field_name: str) -> str:
    """A link to a video host or a slide site: https, a host, nothing hidden in it."""
    url = url.strip()
    if len(url) > LINK_MAX:
        raise FollowUpRefused(f"The link must be {LINK_MAX:,} characters or fewer", field_name)
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise FollowUpRefused(
            "Enter the full link, starting with https:// (for example, "
            "https://www.youtube.com/watch?v=...)",
            field_name,
        )
    if parts.username or parts.password or any(ch.isspace() for ch in url):
        raise FollowUpRefused("The link cannot hold spaces or a user name", field_name)
    return url


def _check_input(given: FollowUpInput, follow_up: FollowUp) -> None:
    if len(given.you_said_we_did) > SUMMARY_MAX:
        raise FollowUpRefused(
            f"\u201cYou said, we did\u201d must be {SUMMARY_MAX:,} characters or fewer: "
            f"this one is {len(given.you_said_we_did):,}",
            "you_said_we_did",
        )
    if len(given.transcript) > TRANSCRIPT_MAX:
        raise FollowUpRefused(
            f"A typed transcript must be {TRANSCRIPT_MAX:,} characters or fewer: upload a "
            "longer one as a file",
            "transcript",
        )
    typed = (given.recording_url, given.slides_url, given.transcript, given.you_said_we_did)
    has_any = follow_up.recording or follow_up.slides or follow_up.summary
    if not has_any and not any(value.strip() for value in typed):
        raise FollowUpRefused(
            "Add a recording link, a slides link, a transcript or a \u201cyou said, we did\u201d "
            "summary, then save"
        )


def _unique_resource_slug(base: str) -> str:
    base = programme.slugify(base)[:110]
    taken = set(db.session.scalars(select(Resource.slug).where(Resource.slug.like(f"{base}%"))))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _draft_resource(follow_up: FollowUp, kind: ResourceKind, actor: User) -> Resource:
    """A draft resource of the event ("Recording: <title>"), with its edition, linked to it.

    LEAD: switch to `drafting.create_resource` once the authoring branch is merged; this
    writes the rows directly only because that service did not exist yet."""
    word = "Recording" if kind is ResourceKind.RECORDING else "Slides"
    event = follow_up.event
    resource = Resource(
        slug=_unique_resource_slug(f"{kind.value}-{event.slug}-{follow_up.edition.year}"),
        title=f"{word}: {event.title}"[:300],
        summary=event.summary or "",
        kind=kind.value,
        status=ResourceStatus.DRAFT.value,
        edition_id=event.edition_id,
        created_by_id=actor.id,
    )
    db.session.add(resource)
    db.session.flush()
    db.session.add(ResourceEvent(resource_id=resource.id, event_id=event.id))
    audit.record(actor.id, "resource.create", "resource", resource.id, after={"kind": kind.value})
    return resource


def _set_main_link(follow_up: FollowUp, resource: Resource, url: str, actor: User) -> None:
    """The resource's link (its MAIN format): replaced if it has one, else added."""
    for row in follow_up.formats.setdefault(resource.id, []):
        if row.role == FormatRole.MAIN.value and row.url:
            row.url = url
            return
    row = ResourceFormat(
        resource_id=resource.id,
        role=FormatRole.MAIN.value,
        label="Watch" if resource.kind == ResourceKind.RECORDING.value else "Slides",
        url=url,
        created_by_id=actor.id,
    )
    db.session.add(row)
    follow_up.formats[resource.id].append(row)


def _recording(follow_up: FollowUp, actor: User) -> Resource:
    if follow_up.recording is None:
        follow_up.recording = _draft_resource(follow_up, ResourceKind.RECORDING, actor)
    return follow_up.recording


def save_follow_up(event: Event, given: FollowUpInput, actor: User) -> FollowUp:
    """Save what an organiser added after the event; nothing is saved if anything is wrong.

    A recording link or a transcript goes on the event's recording (drafted when it has none),
    a slides link on its slides; both stay drafts until published. The summary is kept as
    Markdown and shown through the site's sanitiser."""
    check_may_follow_up(event)
    follow_up = follow_up_of(event)
    recording_url = check_link(given.recording_url, "recording_url") if given.recording_url else ""
    slides_url = check_link(given.slides_url, "slides_url") if given.slides_url.strip() else ""
    _check_input(given, follow_up)
    if recording_url:
        _set_main_link(follow_up, _recording(follow_up, actor), recording_url, actor)
    if given.transcript.strip():
        _recording(follow_up, actor).transcript = given.transcript.strip()
    elif follow_up.recording is not None:
        follow_up.recording.transcript = ""  # the box was emptied: the typed one goes
    if follow_up.recording is not None:
        follow_up.recording.captions_by_host = given.captions_by_host
    if slides_url:
        if follow_up.slides is None:
            follow_up.slides = _draft_resource(follow_up, ResourceKind.SLIDES, actor)
        _set_main_link(follow_up, follow_up.slides, slides_url, actor)
    if given.you_said_we_did.strip() or follow_up.summary is not None:
        summary = follow_up.summary or summary_row(event.id)
        summary.you_said_we_did = given.you_said_we_did.strip()
        summary.updated_by_id = actor.id
        follow_up.summary = summary
    db.session.flush()
    audit.record(actor.id, "event.follow_up", "event", event.id)
    return follow_up


# --- publishing ---------------------------------------------------------------------------------


def publish(resource: Resource, actor: User) -> int | None:
    """Publish the event's recording or slides through the accessible-format rule. Returns how
    many people were told the recording is ready by this publication (None: nobody was told
    now, as for slides, or a recording already announced)."""
    event = _event_of(resource)
    check_may_follow_up(event)
    before = db.session.get(EventFollowUp, event.id)
    already = before is not None and before.recording_announced_at is not None
    _publish_until_authoring_merged(resource, actor)
    after = db.session.get(EventFollowUp, event.id)
    if already or after is None or after.recording_announced_at is None:
        return None
    return len(people_to_tell(event))


def _event_of(resource: Resource) -> Event:
    event_id = db.session.scalar(
        select(ResourceEvent.event_id).where(ResourceEvent.resource_id == resource.id).limit(1)
    )
    return db.session.get_one(Event, event_id)


def _publish_until_authoring_merged(resource: Resource, actor: User) -> None:
    """PLACEHOLDER for `publishing.publish` (authoring branch). LEAD: replace the call above
    with `publishing.publish(resource, actor)` once merged and delete this function.

    The same rule, without recorded reasons: a recording needs captions (a WebVTT file, or the
    host captions it) and a transcript (a file, or typed); then it is made public and
    `signals.resource_published` is sent, as `publishing.publish` does."""
    if resource.is_published:
        return
    kinds = {row.role for row in formats_of([resource.id])[resource.id]}
    missing = []
    if resource.kind == ResourceKind.RECORDING.value:
        if not (resource.captions_by_host or FormatRole.CAPTIONS.value in kinds):
            missing.append("captions")
        if not (resource.transcript.strip() or FormatRole.TRANSCRIPT.value in kinds):
            missing.append("a transcript")
    if missing:
        raise FollowUpRefused(
            f"The recording needs {' and '.join(missing)} before it is published. Add them "
            "here, or publish it from the resource's own page with the reason they are not "
            "ready yet."
        )
    if not kinds and not resource.transcript.strip():
        raise FollowUpRefused("Add a link or a file before publishing")
    resource.status = ResourceStatus.PUBLISHED.value
    resource.published_at = utcnow()
    resource.published_on = resource.published_on or programme.today_in()
    db.session.flush()
    audit.record(actor.id, "resource.publish", "resource", resource.id)
    signals.resource_published.send(resource)


def _formats(resource_id: int) -> list[ResourceFormat]:
    return formats_of([resource_id])[resource_id]
