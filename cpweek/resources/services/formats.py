"""A resource's formats: stored files and links, each with a role (the resource itself, its
captions, transcript, Easy Read version, ...) and a label, in the organiser's order.
`formats_of` is what the public pages read.

A file goes through `cpweek.files.store_upload` (its type read from its content, its size held
to its kind's limit), with the kinds its role allows (`file_kinds`); a refused file is refused
next to the file field and nothing is stored. A link must be https (a clear message
otherwise). A format that meets an accessible-format
need closes the gap recorded for it (`publishing.close_met_gaps`). A published resource keeps
what its kind needs: removing the last format that meets a need, or its last content, is
refused (unpublish it first)."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.files import FileKind, UploadRefused, remove_stored, store_upload
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import FormatRole, Resource, ResourceFormat, ResourceKind
from cpweek.resources.services.publishing import (
    close_met_gaps,
    standing_of,
    still_publishable,
)
from cpweek.timezones import utcnow

MAX_ID = 2**31 - 1
LABEL_LENGTH = 200
URL_LENGTH = 2_000


def formats_of(resource_ids: Collection[int]) -> dict[int, list[ResourceFormat]]:
    """Each resource's formats in their order, in one query."""
    found: dict[int, list[ResourceFormat]] = {resource_id: [] for resource_id in resource_ids}
    if not found:
        return found
    for row in db.session.scalars(
        select(ResourceFormat)
        .where(ResourceFormat.resource_id.in_(list(found)))
        .order_by(ResourceFormat.resource_id, ResourceFormat.position, ResourceFormat.id)
    ):
        found[row.resource_id].append(row)
    return found


def format_of(resource: Resource, format_id: int) -> ResourceFormat | None:
    """One of this resource's formats (another resource's is as good as missing)."""
    if not 0 < format_id <= MAX_ID:
        return None
    row = db.session.get(ResourceFormat, format_id)
    return row if row is not None and row.resource_id == resource.id else None


# --- checks --------------------------------------------------------------------------------


def _role(value: str) -> FormatRole:
    try:
        return FormatRole(value)
    except ValueError:
        raise ResourceError("Choose what this format is from the list", "role") from None


def _label(value: str) -> str:
    label = (value or "").strip()
    if len(label) > LABEL_LENGTH:
        raise ResourceError(f"The label must be {LABEL_LENGTH} characters or fewer", "label")
    return label


def check_link(url: str) -> str:
    """An https address a browser can follow: no other scheme (http, javascript:, data:), a
    host, no spaces, no user name or password in it."""
    cleaned = (url or "").strip()
    if not cleaned:
        raise ResourceError("Enter the link, starting with https://", "url")
    if len(cleaned) > URL_LENGTH:
        raise ResourceError(f"The link must be {URL_LENGTH:,} characters or fewer", "url")
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme.lower() != "https":
        raise ResourceError(
            "The link must start with https:// (a secure address); "
            "http:// and other kinds of link are not accepted",
            "url",
        )
    if not host or "." not in host or any(c.isspace() for c in cleaned):
        raise ResourceError("Enter a full web address, like https://example.org/report", "url")
    if parts.username or parts.password:
        raise ResourceError("The link must not contain a user name or password", "url")
    return cleaned


def _next_position(resource: Resource) -> int:
    highest = db.session.scalar(
        select(func.max(ResourceFormat.position)).where(ResourceFormat.resource_id == resource.id)
    )
    return (highest if highest is not None else -1) + 1


def _changed(resource: Resource) -> None:
    # The feeds' ETag and Last-Modified follow the resource's change time: a format added,
    # removed or moved changes what the feeds print (enclosures, the podcast's audio).
    resource.updated_at = utcnow()


def _added(resource: Resource, row: ResourceFormat, actor: User) -> ResourceFormat:
    _changed(resource)
    db.session.add(row)
    db.session.flush()
    close_met_gaps(resource, actor)
    audit.record(
        actor.id,
        "resource.format_add",
        "resource",
        resource.id,
        after={
            "format_id": row.id,
            "role": row.role,
            "label": row.label,
            "url": row.url,
            "filename": row.filename,
            "media_type": row.media_type,
            "size": row.size_bytes,
        },
    )
    return row


# --- adding, removing, ordering ------------------------------------------------------------


def add_link(resource: Resource, role: str, url: str, label: str, actor: User) -> ResourceFormat:
    """A format that is a link: a video host, a publisher's page. Captions are a WebVTT file
    uploaded here (or the host captions it, said on the resource), never a link."""
    chosen = _role(role)
    if chosen == FormatRole.CAPTIONS:
        raise ResourceError(
            "Captions must be a WebVTT file uploaded here. If the video host captions the "
            "recording, say so on the resource's details instead.",
            "role",
        )
    row = ResourceFormat(
        resource_id=resource.id,
        role=chosen.value,
        label=_label(label),
        url=check_link(url),
        position=_next_position(resource),
        created_by_id=actor.id,
    )
    return _added(resource, row, actor)


def file_kinds(kind: ResourceKind, role: FormatRole) -> frozenset[FileKind]:
    """What a file may be in this role: captions are WebVTT only; the resource itself may be
    audio or video for a podcast episode or a recording; anything else is a document."""
    if role == FormatRole.CAPTIONS:
        return frozenset({FileKind.CAPTIONS})
    if role == FormatRole.MAIN and kind in (ResourceKind.PODCAST, ResourceKind.RECORDING):
        return frozenset({FileKind.DOCUMENT, FileKind.AUDIO, FileKind.VIDEO})
    return frozenset({FileKind.DOCUMENT})


def add_file(
    resource: Resource, role: str, upload: FileStorage | None, label: str, actor: User
) -> ResourceFormat:
    """A format that is a file, checked by its content (cpweek.files): a file the storage
    refuses (a renamed file, SubRip captions, too large) is refused next to the file field,
    and nothing is stored or saved."""
    chosen = _role(role)
    cleaned = _label(label)
    if upload is None:
        raise ResourceError("Choose a file to upload", "file")
    try:
        stored = store_upload(
            upload, file_kinds(resource.kind_enum, chosen), folder=f"resources/{resource.id}"
        )
    except UploadRefused as error:
        raise ResourceError(error.message, "file") from None
    row = ResourceFormat(
        resource_id=resource.id,
        role=chosen.value,
        label=cleaned,
        storage_key=stored.key,
        filename=stored.filename,
        media_type=stored.media_type,
        size_bytes=stored.size,
        position=_next_position(resource),
        created_by_id=actor.id,
    )
    return _added(resource, row, actor)


def remove_format(resource: Resource, row: ResourceFormat, actor: User) -> None:
    """Removes the format. A published resource must keep its content and what its kind
    needs (or a recorded gap for it): else the removal is refused."""
    standing = standing_of(resource)
    # In a savepoint: a refusal puts the row back at once, whatever the caller does next.
    with db.session.begin_nested():
        db.session.delete(row)
        db.session.flush()
        still_publishable(resource, standing, "add another first, or unpublish it")
    _changed(resource)
    if row.storage_key:
        remove_stored(row.storage_key)  # takes effect when the removal is committed
    audit.record(
        actor.id,
        "resource.format_remove",
        "resource",
        resource.id,
        before={"format_id": row.id, "role": row.role, "url": row.url, "key": row.storage_key},
    )


def move_format(resource: Resource, row: ResourceFormat, up: bool, actor: User) -> bool:
    """Swaps the format with the one before (up) or after it; says whether it moved."""
    ordered = formats_of([resource.id])[resource.id]
    index = next(i for i, each in enumerate(ordered) if each.id == row.id)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position  # renumbered: positions from older rows may repeat
    _changed(resource)
    db.session.flush()
    audit.record(
        actor.id,
        "resource.format_move",
        "resource",
        resource.id,
        after={"order": [each.id for each in ordered]},
    )
    return True
