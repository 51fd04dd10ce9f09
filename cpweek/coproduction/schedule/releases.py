"""Releases of the schedule draft. A release lists the changes (added, moved, cancelled,
changed), is refused while conflicts remain unless a reason to override them is recorded,
and is published once a co-producer and an organiser have both signed it off
(`cpweek.perspectives`). Publishing applies the draft to the events (SEQUENCE goes up, so
subscribed calendars update) and tells each registered person once (`notify`).

Nothing here commits: publishing, the changed events, the sign-off, the audit entries and every
person's message are saved together by the request, or none of them is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.coproduction.models import DraftSlot, Release, ReleaseStatus, SignOff
from cpweek.coproduction.schedule.conflicts import conflicts
from cpweek.coproduction.schedule.draft import Placed, describe, draft, require_organiser
from cpweek.coproduction.schedule.errors import ReleaseOutdated, ScheduleError
from cpweek.coproduction.schedule.notify import Told, messages_for, send
from cpweek.extensions import db
from cpweek.locks import lock, lock_rows
from cpweek.perspectives import agreed_by, perspective_of, standing_of
from cpweek.programme import notifications
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event, EventStatus
from cpweek.timezones import utcnow


def pending_changes(edition: Edition, placed: list[Placed] | None = None) -> list[dict]:
    """What releasing the draft now would change, as the change log will show it."""
    placed = placed if placed is not None else draft(edition)[0]
    zone = edition.timezone
    changes = []
    for item in placed:
        if item.slot is None:
            continue
        event = item.event
        was = Placed(event, event.starts_at, event.ends_at, event.track, False, None)
        if item.cancelled:
            kind = "cancelled"
        elif item.adding:
            kind = "added"
        elif item.moved:
            kind = "moved"
        elif item.track != event.track:
            kind = "changed"
        else:
            continue
        changes.append(
            {
                "kind": kind,
                "event_id": event.id,
                "title": event.title,
                "before": None if kind == "added" else describe(was, zone),
                "after": None if kind == "cancelled" else describe(item, zone),
                "starts_at": item.starts_at.isoformat(),
                "ends_at": item.ends_at.isoformat(),
                "track": item.track,
            }
        )
    return changes


def pending_release(edition: Edition) -> Release | None:
    return db.session.scalar(
        select(Release).where(
            Release.edition_id == edition.id, Release.status == ReleaseStatus.PENDING.value
        )
    )


def prepare_release(edition: Edition, by: User, override_reason: str = "") -> Release:
    """A release of the draft as it stands, waiting for sign-off. Refused with nothing to
    release, or with conflicts unless a reason to publish anyway is given (and recorded)."""
    require_organiser(by)
    lock(edition)
    placed = draft(edition)[0]
    changes = pending_changes(edition, placed)
    if not changes:
        raise ScheduleError("The draft changes nothing: there is nothing to release.")
    found = conflicts(edition, placed)
    if found and not override_reason.strip():
        raise ScheduleError(
            f"{len(found)} conflict{'' if len(found) == 1 else 's'} remain. Resolve them, or "
            "give the reason to publish anyway (it is recorded).",
            "override_reason",
        )
    previous = pending_release(edition)
    if previous is not None:
        previous.status = ReleaseStatus.OUTDATED.value
    release = Release(
        edition_id=edition.id,
        status=ReleaseStatus.PENDING.value,
        changes=changes,
        override_reason=override_reason.strip() if found else "",
        conflicts_overridden=[c.message for c in found],
        overridden_keys=[c.key for c in found],
        prepared_by_id=by.id,
    )
    db.session.add(release)
    db.session.flush()
    audit.record(
        by.id,
        "schedule.release_prepared",
        "release",
        release.id,
        after={
            "changes": len(changes),
            "override_reason": release.override_reason,
            "conflicts": release.conflicts_overridden,
        },
    )
    return release


def sign_offs(release: Release) -> list[tuple[SignOff, User]]:
    return agreed_by(SignOff.signed_at, SignOff.release_id == release.id)


def _check_still_current(release: Release, edition: Edition) -> None:
    """Refuse (and mark the release outdated) if a conflict that was not overridden appeared,
    or the draft no longer makes the changes the release lists."""
    placed = draft(edition)[0]
    new_conflicts = [
        c.message for c in conflicts(edition, placed) if c.key not in release.overridden_keys
    ]
    if new_conflicts:
        release.status = ReleaseStatus.OUTDATED.value
        raise ReleaseOutdated(
            "A conflict appeared since this release was prepared (" + new_conflicts[0] + "): "
            "resolve it, or prepare the release again with a reason."
        )
    if _comparable(pending_changes(edition, placed)) != _comparable(release.changes):
        release.status = ReleaseStatus.OUTDATED.value
        raise ReleaseOutdated(
            "The draft has changed since this release was prepared: prepare it again."
        )


def sign_off(release: Release, by: User) -> bool:
    """Sign a pending release off; True when this publishes it (a co-producer and an
    organiser have both signed). The draft must still be what was prepared."""
    perspective = perspective_of(by)
    if perspective is None:
        raise ScheduleError("Only co-producers and organisers sign releases off")
    # Preparing and signing off queue on the edition's row: two people signing at once are
    # counted together, the release is published exactly once, and a new release prepared
    # meanwhile cannot outdate one being published.
    edition = lock(programme.get_edition_by_id(release.edition_id))
    db.session.refresh(release)
    if release.status != ReleaseStatus.PENDING:
        raise ScheduleError(f"This release is {release.status}: it cannot be signed off.")
    _check_still_current(release, edition)
    if db.session.scalar(
        select(SignOff.id).where(SignOff.release_id == release.id, SignOff.user_id == by.id)
    ):
        raise ScheduleError("You have already signed this release off.")
    db.session.add(SignOff(release_id=release.id, user_id=by.id, perspective=perspective))
    db.session.flush()
    audit.record(
        by.id, "schedule.release_signed", "release", release.id, after={"perspective": perspective}
    )
    if not standing_of(SignOff.perspective, SignOff.release_id == release.id).stands:
        return False
    people = _publish(release, edition)
    audit.record(
        by.id,
        "schedule.release_published",
        "release",
        release.id,
        after={"number": release.number, "changes": release.changes, "people_told": len(people)},
    )
    send(people)
    return True


def _comparable(changes: list[dict[str, Any]]) -> list[tuple]:
    return sorted(
        (c["kind"], c["event_id"], c["starts_at"], c["ends_at"], c["track"]) for c in changes
    )


def _publish(release: Release, edition: Edition) -> dict[int, Told]:
    """Apply the draft to the events and collect, per person, what to tell them."""
    # The events' own lock, as registration and cancelling take it: nobody registers for an
    # event in the moment a release cancels or moves it without being told.
    lock_rows(Event, [change["event_id"] for change in release.changes])
    last = db.session.scalar(
        select(func.coalesce(func.max(Release.number), 0)).where(Release.edition_id == edition.id)
    )
    release.number = (last or 0) + 1
    release.status = ReleaseStatus.PUBLISHED.value
    release.published_at = utcnow()
    touched: dict[int, str] = {}
    moves = notifications.Moves(edition)  # where events were, for "Was ... Now ..."
    for change in release.changes:
        event = db.session.get_one(Event, change["event_id"])
        moves.remember(event)
        if change["kind"] == "cancelled":
            programme.apply_event_changes(event, {"status": EventStatus.CANCELLED.value})
            touched[event.id] = "cancelled"
            continue
        values = {
            "starts_at": datetime.fromisoformat(change["starts_at"]),
            "ends_at": datetime.fromisoformat(change["ends_at"]),
            "track": change["track"],
        }
        if change["kind"] == "added":
            values["status"] = EventStatus.PUBLISHED.value
        programme.apply_event_changes(event, values)
        if change["kind"] in ("moved", "changed"):
            touched[event.id] = "changed"
    db.session.execute(
        delete(DraftSlot).where(DraftSlot.event_id.in_([c["event_id"] for c in release.changes]))
    )
    db.session.flush()
    return messages_for(edition, touched, moves)


def releases(edition: Edition) -> list[Release]:
    """Published releases, newest first."""
    return list(
        db.session.scalars(
            select(Release)
            .where(
                Release.edition_id == edition.id, Release.status == ReleaseStatus.PUBLISHED.value
            )
            .order_by(Release.number.desc())
        )
    )


def get_release(release_id: int) -> Release | None:
    return db.session.get(Release, release_id)
