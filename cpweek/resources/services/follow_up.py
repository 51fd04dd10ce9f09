"""After an event: what it left behind (a recording, slides, a transcript, "you said, we did"),
what its public page shows once it has ended, and telling the people who came that the
recording is ready, once.

The recording and the slides are resources (kinds RECORDING and SLIDES) linked to the event,
drafted here and published through the accessible-format rule like any other; the transcript
is the recording's own `transcript` text or a TRANSCRIPT format of it; the summary lives in
`EventFollowUp`. When a recording linked to an ended event is published
(`signals.resource_published`), `announce_recording` sets the event's `recording_url` (its
calendar entry gains "Watch again") and emails, once, everyone who held a place and agreed to
hear from the week. `EventFollowUp.recording_announced_at`, read and written under that row's
lock, is what makes it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from werkzeug.routing import BuildError

from cpweek import audit, signals
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.inserts import insert_unless_present
from cpweek.locks import lock_rows
from cpweek.mail import queue_mail, render_mail
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event, EventStatus
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import (
    EventFollowUp,
    FormatRole,
    Resource,
    ResourceEvent,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
)
from cpweek.resources.services.formats import formats_of
from cpweek.timezones import utcnow
from cpweek.urls import absolute_url

SUMMARY_MAX = 20_000  # "you said, we did": a page of plain words, not a report
TRANSCRIPT_MAX = 400_000  # a full day's conference, typed out, fits
LINK_MAX = 2000


class FollowUpRefused(ResourceError):
    """The event cannot have an "after the event" yet (or any more), or what was typed is
    wrong; `field` names the box."""


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


@dataclass
class FollowUp:
    """An ended event's follow-up as the organisers' page shows it."""

    event: Event
    edition: Edition
    summary: EventFollowUp | None
    recording: Resource | None
    slides: Resource | None
    formats: dict[int, list[ResourceFormat]] = field(default_factory=dict)

    def link_of(self, resource: Resource | None) -> str:
        for row in self.formats.get(resource.id, []) if resource else []:
            if row.role == FormatRole.MAIN.value and row.url:
                return row.url
        return ""


# --- may this event have a follow-up? ---------------------------------------------------------


def refusal(event: Event) -> str | None:
    """Why this event cannot have an "after the event" page now, in words; None when it can."""
    if event.status == EventStatus.CANCELLED.value:
        return "This event was cancelled, so there is no recording or summary to add."
    if event.status != EventStatus.PUBLISHED.value:
        return "This event was never published, so there is nothing to follow up."
    if not programme.has_ended(event):
        return (
            "This event has not ended yet. Come back once it is over to add its recording, "
            "slides, transcript and \u201cyou said, we did\u201d summary."
        )
    return None


def _check_may_follow_up(event: Event) -> None:
    reason = refusal(event)
    if reason:
        raise FollowUpRefused(reason)


# --- reading ------------------------------------------------------------------------------------


def _event_resources(event_id: int, kinds: tuple[ResourceKind, ...]) -> list[Resource]:
    """The event's resources of these kinds, newest first, in one query."""
    return list(
        db.session.scalars(
            select(Resource)
            .join(ResourceEvent, ResourceEvent.resource_id == Resource.id)
            .where(ResourceEvent.event_id == event_id, Resource.kind.in_([k.value for k in kinds]))
            .order_by(Resource.created_at.desc(), Resource.id.desc())
        )
    )


def _first_of(resources: list[Resource], kind: ResourceKind) -> Resource | None:
    return next((r for r in resources if r.kind == kind.value), None)


def follow_up_of(event: Event) -> FollowUp:
    """The event's follow-up as it stands: summary, recording and slides with their formats."""
    resources = _event_resources(event.id, (ResourceKind.RECORDING, ResourceKind.SLIDES))
    recording = _first_of(resources, ResourceKind.RECORDING)
    slides = _first_of(resources, ResourceKind.SLIDES)
    return FollowUp(
        event=event,
        edition=db.session.get_one(Edition, event.edition_id),
        summary=db.session.get(EventFollowUp, event.id),
        recording=recording,
        slides=slides,
        formats=formats_of([r.id for r in (recording, slides) if r]),
    )


def people_to_tell(event: Event) -> list[User]:
    """Everyone holding a place (confirmed, or attended) who agreed to hear from the week, each
    person once: the people the "recording is ready" email goes to."""
    people: dict[int, User] = {}
    for registration, person, _ in programme.live_registrations_for([event.id]):
        if registration.has_place and registration.consent_to_contact and person.email:
            people.setdefault(person.id, person)
    return list(people.values())


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
    _check_may_follow_up(event)
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
        summary = follow_up.summary or _summary_row(event.id)
        summary.you_said_we_did = given.you_said_we_did.strip()
        summary.updated_by_id = actor.id
        follow_up.summary = summary
    db.session.flush()
    audit.record(actor.id, "event.follow_up", "event", event.id)
    return follow_up


def _summary_row(event_id: int) -> EventFollowUp:
    """The event's follow-up row, made when it has none (two requests at once make one)."""
    insert_unless_present(EventFollowUp, {"event_id": event_id}, [EventFollowUp.event_id])
    return db.session.get_one(EventFollowUp, event_id)


# --- publishing ---------------------------------------------------------------------------------


def publish(resource: Resource, actor: User) -> int | None:
    """Publish the event's recording or slides through the accessible-format rule. Returns how
    many people were told the recording is ready by this publication (None: nobody was told
    now, as for slides, or a recording already announced)."""
    event = _event_of(resource)
    _check_may_follow_up(event)
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
    kinds = {row.role for row in _formats(resource.id)}
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


# --- announcing a recording ---------------------------------------------------------------------


@signals.resource_published.connect
def recording_published(resource: Resource, **_: object) -> None:
    """A recording was published: each ended event it is linked to gets its link, and the
    people who came are told (once per event)."""
    if resource.kind != ResourceKind.RECORDING.value:
        return
    event_ids = db.session.scalars(
        select(ResourceEvent.event_id).where(ResourceEvent.resource_id == resource.id)
    ).all()
    for event_id in sorted(event_ids):
        event = db.session.get_one(Event, event_id)
        if refusal(event) is None:
            announce_recording(event, resource)


def announce_recording(event: Event, recording: Resource) -> int:
    """Give the event its recording's link and, the first time only, email the people who held
    a place and agreed to hear from us. Returns how many were emailed (0 when already told).

    Under the follow-up row's lock: two publications at once (two organisers, two recordings)
    queue one message per person between them, the second seeing `recording_announced_at`."""
    links = public_links(recording)
    programme.set_recording_url(event, links.page)
    _summary_row(event.id)
    lock_rows(EventFollowUp, [event.id])
    summary = db.session.get_one(EventFollowUp, event.id)
    db.session.refresh(summary)  # as committed by whoever held the lock before us
    if summary.recording_announced_at is not None:
        return 0
    summary.recording_announced_at = utcnow()
    people = people_to_tell(event)
    edition = db.session.get_one(Edition, event.edition_id)
    for person in people:
        text, html = render_mail(
            "recording_ready",
            person=person,
            event=event,
            edition=edition,
            links=links,
            event_url=absolute_url("programme.event", year=edition.year, slug=event.slug),
        )
        queue_mail(person.email, f"The recording of {event.title} is ready", text, html)
    db.session.flush()
    audit.record(None, "event.recording_announced", "event", event.id, after={"told": len(people)})
    return len(people)


# --- links to the public pages ------------------------------------------------------------------


@dataclass(frozen=True)
class PublicLinks:
    page: str  # the resource's public page
    transcript: str  # its transcript page or file, "" when it has none


def _public_url(endpoint: str, path: str, **values: object) -> str:
    """`absolute_url(endpoint)`, or the same address written out while that route is not
    registered. LEAD: the public branch registers `resources.resource`, `.transcript` and
    `.file`; once merged, drop the fallback (and BuildError) and call absolute_url."""
    try:
        return absolute_url(endpoint, **values)
    except BuildError:
        return current_app.config["CPWEEK_BASE_URL"].rstrip("/") + path


def public_links(resource: Resource, formats: list[ResourceFormat] | None = None) -> PublicLinks:
    slug = resource.slug
    page = _public_url("resources.resource", f"/resources/{slug}", slug=slug)
    if resource.transcript.strip():
        transcript = _public_url("resources.transcript", f"/resources/{slug}/transcript", slug=slug)
    else:
        transcript = next(
            (
                _file_url(resource, row)
                for row in (formats if formats is not None else _formats(resource.id))
                if row.role == FormatRole.TRANSCRIPT.value
            ),
            "",
        )
    return PublicLinks(page=page, transcript=transcript)


def _file_url(resource: Resource, row: ResourceFormat) -> str:
    if row.url:
        return row.url
    path = f"/resources/{resource.slug}/files/{row.id}/{row.filename}"
    return _public_url(
        "resources.file", path, slug=resource.slug, format_id=row.id, filename=row.filename
    )


# --- the public event page once the event has ended ---------------------------------------------


@dataclass(frozen=True)
class OtherResource:
    title: str
    kind: str  # the kind's words
    url: str


@dataclass(frozen=True)
class AfterEvent:
    """What an ended event's page offers instead of registering: links only to what exists."""

    watch_url: str = ""
    slides_url: str = ""
    transcript_url: str = ""
    you_said_we_did: str = ""  # Markdown
    others: list[OtherResource] = field(default_factory=list)

    @property
    def has_links(self) -> bool:
        return bool(self.watch_url or self.slides_url or self.transcript_url)


def after_event(event: Event) -> AfterEvent | None:
    """What the page of an event that has ended shows (None before it ends, or when it was
    cancelled: the page is then unchanged). Three queries however many resources the event
    has: its published resources, their formats, the summary.

    LEAD: reads the event's published resources itself while `linked.for_event` (public
    branch) is not merged; switch to it then if it returns the same rows and formats."""
    if event.is_cancelled or not programme.has_ended(event):
        return None
    resources = list(
        db.session.scalars(
            select(Resource)
            .join(ResourceEvent, ResourceEvent.resource_id == Resource.id)
            .where(
                ResourceEvent.event_id == event.id,
                Resource.status == ResourceStatus.PUBLISHED.value,
            )
            .order_by(Resource.published_at.desc(), Resource.id.desc())
        )
    )
    formats = formats_of([r.id for r in resources])
    summary = db.session.get(EventFollowUp, event.id)
    recording = _first_of(resources, ResourceKind.RECORDING)
    slides = _first_of(resources, ResourceKind.SLIDES)
    links = public_links(recording, formats[recording.id]) if recording else None
    return AfterEvent(
        watch_url=links.page if links else "",
        slides_url=public_links(slides, []).page if slides else "",
        transcript_url=links.transcript if links else "",
        you_said_we_did=summary.you_said_we_did if summary else "",
        others=[
            OtherResource(r.title, r.kind_enum.label, public_links(r, []).page)
            for r in resources
            if r is not recording and r is not slides
        ],
    )
