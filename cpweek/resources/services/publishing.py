"""The accessible-format rule and publishing.

Each kind says what it must offer before it is public (`NEEDS`): a recording its captions (a
WebVTT file, or the host captions it) and a transcript; a podcast episode a transcript; a report
an Easy Read version or a plain-English summary. An organiser may publish without one only by
recording why, and by when it is coming (`FormatGap`): the public page says so. A gap closes
by itself once the format is added (`close_met_gaps`, called by the formats and drafting
services). `gaps_of` and `NEEDS` are what the public pages read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from cpweek import audit, signals
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import (
    AccessNeed,
    FormatGap,
    FormatRole,
    Resource,
    ResourceFormat,
    ResourceKind,
    ResourceStatus,
)
from cpweek.timezones import utcnow

# What each kind must offer before it is published (or a recorded reason why not yet).
NEEDS: dict[ResourceKind, tuple[AccessNeed, ...]] = {
    ResourceKind.RECORDING: (AccessNeed.CAPTIONS, AccessNeed.TRANSCRIPT),
    ResourceKind.PODCAST: (AccessNeed.TRANSCRIPT,),
    ResourceKind.REPORT: (AccessNeed.EASY_READ,),
}

# The formats that meet each need (besides what is written on the page itself, see `_met`).
MEETING_ROLES: dict[AccessNeed, frozenset[str]] = {
    AccessNeed.CAPTIONS: frozenset({FormatRole.CAPTIONS.value}),
    AccessNeed.TRANSCRIPT: frozenset({FormatRole.TRANSCRIPT.value}),
    AccessNeed.EASY_READ: frozenset({FormatRole.EASY_READ.value, FormatRole.PLAIN_SUMMARY.value}),
}
REASON_LENGTH = 2_000


class NeedsReason(ResourceError):
    """Publishing was refused: these needs are not met and no reason was given for them."""

    def __init__(self, message: str, missing: list[AccessNeed]):
        super().__init__(message, f"reason_{missing[0].value}")
        self.missing = missing


@dataclass(frozen=True)
class GapReason:
    """Why a need is not met yet, as typed on the publish form."""

    reason: str
    expected_by: date | None = None


def gaps_of(resource_id: int) -> list[FormatGap]:
    """The recorded reasons a published resource still lacks a format, by need."""
    return list(
        db.session.scalars(
            select(FormatGap).where(FormatGap.resource_id == resource_id).order_by(FormatGap.need)
        )
    )


# --- which needs are met -------------------------------------------------------------------


def _roles_of(resource_ids: Collection[int]) -> dict[int, set[str]]:
    """Each resource's format roles, in one query."""
    found: dict[int, set[str]] = {resource_id: set() for resource_id in resource_ids}
    if found:
        for resource_id, role in db.session.execute(
            select(ResourceFormat.resource_id, ResourceFormat.role)
            .where(ResourceFormat.resource_id.in_(list(found)))
            .distinct()
        ):
            found[resource_id].add(role)
    return found


def _met(resource: Resource, need: AccessNeed, roles: set[str]) -> bool:
    if roles & MEETING_ROLES[need]:
        return True
    if need == AccessNeed.CAPTIONS:
        return resource.captions_by_host
    if need == AccessNeed.TRANSCRIPT:
        return bool(resource.transcript.strip())
    return bool(resource.plain_summary.strip())  # EASY_READ: a plain-English summary


def _unmet(resource: Resource, roles: set[str]) -> list[AccessNeed]:
    return [need for need in NEEDS.get(resource.kind_enum, ()) if not _met(resource, need, roles)]


def missing_needs(resource: Resource) -> list[AccessNeed]:
    """The accessible formats this resource's kind needs and it does not offer yet."""
    return _unmet(resource, _roles_of([resource.id])[resource.id])


def missing_for(resources: Collection[Resource]) -> dict[int, list[AccessNeed]]:
    """`missing_needs` for a whole list, in one query (the organisers' list)."""
    roles = _roles_of([resource.id for resource in resources])
    return {resource.id: _unmet(resource, roles[resource.id]) for resource in resources}


def gaps_for(resource_ids: Collection[int]) -> dict[int, dict[str, FormatGap]]:
    """Each resource's recorded gaps by need, in one query (the organisers' list)."""
    found: dict[int, dict[str, FormatGap]] = {resource_id: {} for resource_id in resource_ids}
    if found:
        for gap in db.session.scalars(
            select(FormatGap).where(FormatGap.resource_id.in_(list(found)))
        ):
            found[gap.resource_id][gap.need] = gap
    return found


def has_content(resource: Resource) -> bool:
    """Something to read, watch or listen to: a format (file or link), or text on the page."""
    if resource.transcript.strip() or resource.plain_summary.strip():
        return True
    return bool(_roles_of([resource.id])[resource.id])


def needs_words(needs: Collection[AccessNeed]) -> str:
    """'captions and a transcript', 'a transcript', 'an Easy Read or plain-English summary'."""
    words = {
        AccessNeed.CAPTIONS: "captions",
        AccessNeed.TRANSCRIPT: "a transcript",
        AccessNeed.EASY_READ: "an Easy Read version or plain-English summary",
    }
    listed = [words[need] for need in needs]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


# Where each need is met on the details form (a refusal there is shown next to it).
NEED_FIELDS = {
    AccessNeed.CAPTIONS: "captions_by_host",
    AccessNeed.TRANSCRIPT: "transcript",
    AccessNeed.EASY_READ: "plain_summary",
}


@dataclass(frozen=True)
class Standing:
    """What a published resource offered before a change: content, and the needs it lacked."""

    had_content: bool
    missing: frozenset[AccessNeed]


def standing_of(resource: Resource) -> Standing | None:
    """For a published resource, what a change must keep (None for a draft: anything goes)."""
    if not resource.is_published:
        return None
    return Standing(has_content(resource), frozenset(missing_needs(resource)))


def still_publishable(resource: Resource, before: Standing | None, advice: str) -> None:
    """A published resource keeps something to read, watch or hear, and every need it met
    (or had a recorded gap for) before a change; else the change is refused with `advice`."""
    if before is None:
        return
    if before.had_content and not has_content(resource):
        raise ResourceError(
            f"This published resource would have nothing to read, watch or hear: {advice}"
        )
    newly = [need for need in missing_needs(resource) if need not in before.missing]
    if newly:
        raise ResourceError(
            f"This published {resource.kind_enum.label.lower()} needs {needs_words(newly)}: "
            f"{advice}",
            NEED_FIELDS[newly[0]],
        )


# --- gaps ----------------------------------------------------------------------------------


def _checked_reason(need: AccessNeed, given: GapReason, today: date) -> GapReason:
    reason = (given.reason or "").strip()
    if not reason:
        raise ResourceError(f"Say why there is no {need.label.lower()} yet", f"reason_{need}")
    if len(reason) > REASON_LENGTH:
        raise ResourceError(
            f"The reason must be {REASON_LENGTH:,} characters or fewer", f"reason_{need}"
        )
    if given.expected_by is not None and given.expected_by <= today:
        raise ResourceError("The date it is coming by must be in the future", f"expected_by_{need}")
    return GapReason(reason, given.expected_by)


def _write_gap(resource: Resource, need: AccessNeed, gap: GapReason, actor: User) -> None:
    row = db.session.get(FormatGap, (resource.id, need.value))
    before = {"reason": row.reason, "expected_by": str(row.expected_by)} if row else None
    if row is None:
        row = FormatGap(resource_id=resource.id, need=need.value, reason=gap.reason)
        db.session.add(row)
    row.reason, row.expected_by = gap.reason, gap.expected_by
    row.recorded_by_id, row.recorded_at = actor.id, utcnow()
    audit.record(
        actor.id,
        "resource.format_gap",
        "resource",
        resource.id,
        before=before,
        after={"need": need.value, "reason": gap.reason, "expected_by": str(gap.expected_by)},
    )


def close_met_gaps(resource: Resource, actor: User | None) -> list[AccessNeed]:
    """Removes the recorded gaps whose format the resource now offers (the public page stops
    saying "coming by"); says which closed."""
    gaps = gaps_of(resource.id)
    if not gaps:
        return []
    roles = _roles_of([resource.id])[resource.id]
    closed = [AccessNeed(g.need) for g in gaps if _met(resource, AccessNeed(g.need), roles)]
    if closed:
        db.session.execute(
            delete(FormatGap).where(
                FormatGap.resource_id == resource.id,
                FormatGap.need.in_([need.value for need in closed]),
            )
        )
        audit.record(
            actor.id if actor else None,
            "resource.format_gap_closed",
            "resource",
            resource.id,
            after={"needs": [need.value for need in closed]},
        )
    return closed


# --- publishing ----------------------------------------------------------------------------


def publish(
    resource: Resource,
    actor: User,
    *,
    reasons: Mapping[AccessNeed, GapReason] | None = None,
    published_on: date | None = None,
) -> list[AccessNeed]:
    """Makes a draft public. Each need the resource does not meet must come with a reason
    (`reasons`; a date it is coming by, if given, in the future); a reason for a need that is
    met is ignored. Sets published_at (now) and published_on (the date given, else the one on
    the resource, else today). Sends `resource_published`. Says which needs still have gaps."""
    if resource.is_published:
        raise ResourceError("This resource is already published")
    if not has_content(resource):
        raise ResourceError(
            "Add a file or a link, or write a transcript or plain-English summary, "
            "before publishing"
        )
    given = reasons or {}
    missing = missing_needs(resource)
    unexplained = [need for need in missing if not (given.get(need) or GapReason("")).reason]
    if unexplained:
        raise NeedsReason(
            f"This {resource.kind_enum.label.lower()} needs {needs_words(unexplained)} "
            "before it is published. Add what is missing, or say below why not yet and, "
            "if you can, by when.",
            unexplained,
        )
    today = programme.today_in()
    checked = {need: _checked_reason(need, given[need], today) for need in missing}
    db.session.execute(
        delete(FormatGap).where(
            FormatGap.resource_id == resource.id,
            FormatGap.need.not_in([need.value for need in missing]),
        )
    )
    for need, gap in checked.items():
        _write_gap(resource, need, gap, actor)
    resource.status = ResourceStatus.PUBLISHED.value
    resource.published_at = utcnow()
    resource.published_on = published_on or resource.published_on or today
    db.session.flush()
    audit.record(
        actor.id,
        "resource.publish",
        "resource",
        resource.id,
        after={
            "published_on": resource.published_on.isoformat(),
            "gaps": [need.value for need in missing],
        },
    )
    signals.resource_published.send(resource)
    return missing


def unpublish(resource: Resource, actor: User) -> None:
    """Back to a draft: the public page 404s again. Recorded gaps stay, to be asked afresh
    when it is published again."""
    if not resource.is_published:
        raise ResourceError("This resource is not published")
    before = resource.published_at.isoformat() if resource.published_at else None
    resource.status = ResourceStatus.DRAFT.value
    resource.published_at = None
    db.session.flush()
    audit.record(
        actor.id,
        "resource.unpublish",
        "resource",
        resource.id,
        before={"published_at": before},
        after={"status": ResourceStatus.DRAFT.value},
    )
