"""After an event, saving: what an organiser adds (a recording, slides, a transcript, "you
said, we did") and publishing the recording or the slides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.files import FileKind, UploadRefused, remove_stored, store_upload
from cpweek.programme.models import Event
from cpweek.resources.models import (
    EventFollowUp,
    FormatRole,
    Resource,
    ResourceEvent,
    ResourceFormat,
    ResourceKind,
)
from cpweek.resources.services import drafting, publishing
from cpweek.resources.services.follow_up.announcing import summary_row
from cpweek.resources.services.follow_up.reading import (
    FollowUp,
    FollowUpRefused,
    check_may_follow_up,
    follow_up_of,
    people_to_tell,
)

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

SUMMARY_MAX = 20_000  # "you said, we did": a page of plain words, not a report
TRANSCRIPT_MAX = drafting.LONG_TEXT_LENGTH  # a full day's conference, typed out, fits
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
    files: dict[str, FileStorage] = field(default_factory=dict)  # by FILES' names


@dataclass(frozen=True)
class FileBox:
    """A file box on the page: which resource the file goes on, as what, of which kinds."""

    kind: ResourceKind
    role: FormatRole
    kinds: frozenset[FileKind]
    label: str


# A new file replaces the one in the same box (the old one is removed once the change commits).
FILES = {
    "recording_file": FileBox(
        ResourceKind.RECORDING,
        FormatRole.MAIN,
        frozenset({FileKind.AUDIO, FileKind.VIDEO}),
        "Recording",
    ),
    "captions_file": FileBox(
        ResourceKind.RECORDING, FormatRole.CAPTIONS, frozenset({FileKind.CAPTIONS}), "Captions"
    ),
    "transcript_file": FileBox(
        ResourceKind.RECORDING, FormatRole.TRANSCRIPT, frozenset({FileKind.DOCUMENT}), "Transcript"
    ),
    "slides_file": FileBox(
        ResourceKind.SLIDES, FormatRole.MAIN, frozenset({FileKind.DOCUMENT}), "Slides"
    ),
}


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
    if not has_any and not given.files and not any(value.strip() for value in typed):
        raise FollowUpRefused(
            "Add a recording (a link or a file), slides, a transcript or a \u201cyou said, we "
            "did\u201d summary, then save"
        )


def _draft_resource(follow_up: FollowUp, kind: ResourceKind, actor: User) -> Resource:
    """A draft resource of the event ("Recording: <title>"), with its edition, linked to it,
    made by the authoring pages' own service (its checks, slug and audit)."""
    word = "Recording" if kind is ResourceKind.RECORDING else "Slides"
    event = follow_up.event
    return drafting.create_resource(
        drafting.ResourceDetails(
            title=f"{word}: {event.title}"[: drafting.TITLE_LENGTH],
            kind=kind.value,
            summary=(event.summary or "")[: drafting.SUMMARY_LENGTH],
            licence="",  # all rights reserved until an organiser chooses a licence
            edition_id=event.edition_id,
            event_ids=[event.id],
        ),
        actor,
    )


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


def _slides(follow_up: FollowUp, actor: User) -> Resource:
    if follow_up.slides is None:
        follow_up.slides = _draft_resource(follow_up, ResourceKind.SLIDES, actor)
    return follow_up.slides


def _store_files(follow_up: FollowUp, files: dict[str, FileStorage], actor: User) -> None:
    """Each file checked by its content and stored, as a format of its resource. A refused
    file raises with its box named; what was stored before it goes when the request rolls
    back (the files package removes files of a unit of work that does not commit)."""
    for name in [name for name in FILES if name in files]:
        box = FILES[name]
        resource = (
            _recording(follow_up, actor)
            if box.kind is ResourceKind.RECORDING
            else _slides(follow_up, actor)
        )
        try:
            stored = store_upload(files[name], box.kinds, folder=f"resources/{resource.id}")
        except UploadRefused as error:
            raise FollowUpRefused(error.message, name) from None
        rows = follow_up.formats.setdefault(resource.id, [])
        for old in [r for r in rows if r.role == box.role.value and r.is_file]:
            remove_stored(old.storage_key)
            db.session.delete(old)
            rows.remove(old)
        row = ResourceFormat(
            resource_id=resource.id,
            role=box.role.value,
            label=box.label,
            storage_key=stored.key,
            filename=stored.filename,
            media_type=stored.media_type,
            size_bytes=stored.size,
            created_by_id=actor.id,
        )
        db.session.add(row)
        rows.append(row)


def save_follow_up(event: Event, given: FollowUpInput, actor: User) -> FollowUp:
    """Save what an organiser added after the event; nothing is saved if anything is wrong.

    A recording link or a transcript goes on the event's recording (drafted when it has none),
    a slides link on its slides; both stay drafts until published. The summary is kept as
    Markdown and shown through the site's sanitiser."""
    check_may_follow_up(event)
    follow_up = follow_up_of(event)
    recording_url = (
        check_link(given.recording_url, "recording_url") if given.recording_url.strip() else ""
    )
    slides_url = check_link(given.slides_url, "slides_url") if given.slides_url.strip() else ""
    _check_input(given, follow_up)
    # A published recording or slides keep what they had (as on the resource's own page): an
    # emptied transcript box or an unticked "the host captions it" is refused, and the
    # savepoint puts everything back.
    standing = {
        resource.id: publishing.standing_of(resource)
        for resource in (follow_up.recording, follow_up.slides)
        if resource is not None
    }
    with db.session.begin_nested():
        _apply(follow_up, given, recording_url, slides_url, actor)
        db.session.flush()
        for resource in (follow_up.recording, follow_up.slides):
            if resource is not None:
                publishing.still_publishable(
                    resource,
                    standing.get(resource.id),
                    "put it back, or unpublish it from Manage resources first",
                )
    for resource in (follow_up.recording, follow_up.slides):
        if resource is not None:
            publishing.close_met_gaps(resource, actor)  # "Transcript coming by ..." ends
    audit.record(actor.id, "event.follow_up", "event", event.id)
    return follow_up


def _apply(
    follow_up: FollowUp, given: FollowUpInput, recording_url: str, slides_url: str, actor: User
) -> None:
    if recording_url:
        _set_main_link(follow_up, _recording(follow_up, actor), recording_url, actor)
    if given.transcript.strip():
        _recording(follow_up, actor).transcript = given.transcript.strip()
    elif follow_up.recording is not None:
        follow_up.recording.transcript = ""  # the box was emptied: the typed one goes
    if slides_url:
        _set_main_link(follow_up, _slides(follow_up, actor), slides_url, actor)
    _store_files(follow_up, given.files, actor)
    if follow_up.recording is not None:
        follow_up.recording.captions_by_host = given.captions_by_host
    if given.you_said_we_did.strip() or follow_up.summary is not None:
        summary = follow_up.summary or summary_row(event_id=follow_up.event.id)
        summary.you_said_we_did = given.you_said_we_did.strip()
        summary.updated_by_id = actor.id
        follow_up.summary = summary


# --- publishing ---------------------------------------------------------------------------------


def publish(resource: Resource, actor: User) -> int | None:
    """Publish the event's recording or slides through the accessible-format rule. Returns how
    many people were told the recording is ready by this publication (None: nobody was told
    now, as for slides, or a recording already announced)."""
    event = _event_of(resource)
    check_may_follow_up(event)
    before = db.session.get(EventFollowUp, event.id)
    already = before is not None and before.recording_announced_at is not None
    _publish(resource, actor)
    after = db.session.get(EventFollowUp, event.id)
    if already or after is None or after.recording_announced_at is None:
        return None
    return len(people_to_tell(event))


def _event_of(resource: Resource) -> Event:
    event_id = db.session.scalar(
        select(ResourceEvent.event_id)
        .where(ResourceEvent.resource_id == resource.id)
        .order_by(ResourceEvent.event_id)  # the first event it came from: one answer always
        .limit(1)
    )
    return db.session.get_one(Event, event_id)


def _publish(resource: Resource, actor: User) -> None:
    """`publishing.publish`: the accessible-format rule, then `resource_published` (which
    announces a recording). A resource already published stays as it is. A missing format is
    refused here with where to give the reason instead: the resource's own page asks for it."""
    if resource.is_published:
        return
    try:
        publishing.publish(resource, actor)
    except publishing.NeedsReason as error:
        needs = publishing.needs_words(error.missing)
        raise FollowUpRefused(
            f"The {resource.kind_enum.label.lower()} needs {needs} before it is published. "
            "Add them here, or publish it from its own page in Manage resources, saying why "
            "not yet and by when."
        ) from None
