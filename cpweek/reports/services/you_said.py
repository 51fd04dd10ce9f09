""" "You said, we did": what people told us in feedback and what changed because of it, written
by organisers for an edition, kept as a draft until published (then on the public impact
report and in its Atom feed, dated the day it was published). Audited as
`reports.you_said_added` and `reports.you_said_published`."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import urlsplit

from flask import current_app, request
from sqlalchemy import func, select

from cpweek import atom, audit
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Edition
from cpweek.reports.errors import NotAllowed, ReportsError
from cpweek.reports.impact_models import EntryState, YouSaidWeDid
from cpweek.urls import absolute_url

TEXT_LIMIT = 2000
ANCHOR = "#you-said-we-did"
FEED_SIZE = 50


class EntryInvalid(ReportsError):
    pass


def _require_organiser(by: User) -> None:
    if not by.has_role(Role.ORGANISER):
        raise NotAllowed("Only organisers can write “you said, we did”.")


def _check(field: str, text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise EntryInvalid(f"Enter {what}.", field=field)
    if len(text) > TEXT_LIMIT:
        raise EntryInvalid(
            f"{what[0].upper()}{what[1:]} must be {TEXT_LIMIT:,} characters or fewer.",
            field=field,
        )
    return text


def add_entry(edition: Edition, said: str, did: str, publish: bool, by: User) -> YouSaidWeDid:
    _require_organiser(by)
    entry = YouSaidWeDid(
        edition_id=edition.id,
        said=_check("said", said, "what people said"),
        did=_check("did", did, "what was done"),
        created_by_id=by.id,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(by.id, "reports.you_said_added", "you_said_we_did", entry.id)
    if publish:
        publish_entry(entry, by)
    return entry


def publish_entry(entry: YouSaidWeDid, by: User) -> None:
    _require_organiser(by)
    if entry.is_published:
        raise EntryInvalid("This entry is already published.")
    entry.status = EntryState.PUBLISHED.value
    entry.published_on = programme.today_in()
    db.session.flush()
    audit.record(
        by.id,
        "reports.you_said_published",
        "you_said_we_did",
        entry.id,
        after={"published_on": entry.published_on.isoformat()},
    )


def get_entry(entry_id: int) -> YouSaidWeDid | None:
    return db.session.get(YouSaidWeDid, entry_id)


def entries_of(edition: Edition, *, published_only: bool) -> list[YouSaidWeDid]:
    query = select(YouSaidWeDid).where(YouSaidWeDid.edition_id == edition.id)
    if published_only:
        query = query.where(YouSaidWeDid.status == EntryState.PUBLISHED.value)
    return list(
        db.session.scalars(
            query.order_by(
                YouSaidWeDid.status, YouSaidWeDid.published_on.desc(), YouSaidWeDid.id.desc()
            )
        )
    )


def _host() -> str:
    """The site's host name, for tag: ids that never change (as the evidence hub's feed)."""
    base = current_app.config.get("CPWEEK_BASE_URL") or request.host_url
    return urlsplit(base).hostname or "localhost"


def feed(edition: Edition) -> bytes:
    """The edition's published entries as Atom, newest first (two queries)."""
    entries = db.session.scalars(
        select(YouSaidWeDid)
        .where(
            YouSaidWeDid.edition_id == edition.id,
            YouSaidWeDid.status == EntryState.PUBLISHED.value,
        )
        .order_by(YouSaidWeDid.published_on.desc(), YouSaidWeDid.id.desc())
        .limit(FEED_SIZE)
    ).all()
    # The report's heading of that name (an anchor on the page, not a messages section).
    page = absolute_url("reports.impact_public", year=edition.year) + ANCHOR
    host = _host()
    newest = db.session.scalar(
        select(func.max(YouSaidWeDid.updated_at)).where(
            YouSaidWeDid.edition_id == edition.id,
            YouSaidWeDid.status == EntryState.PUBLISHED.value,
        )
    )
    return atom.atom_feed(
        id=f"tag:{host},2026:you-said-we-did:{edition.year}",
        title=f"You said, we did: {edition.title}",
        subtitle="What people told us after the week, and what we changed because of it.",
        updated=newest or edition.created_at,
        feed_url=absolute_url("reports.you_said_feed", year=edition.year),
        page_url=page,
        entries=[
            atom.Entry(
                id=f"tag:{host},2026:you-said-we-did:{entry.id}",
                title=_title(entry.said),
                updated=entry.updated_at,
                published=datetime.combine(entry.published_on, time(9), UTC)
                if entry.published_on
                else None,
                link=page,
                summary=f"You said: {entry.said}\n\nWe did: {entry.did}",
            )
            for entry in entries
        ],
    )


def _title(said: str) -> str:
    words = " ".join(said.split())
    return "You said: " + (words if len(words) <= 80 else words[:79] + "…")


__all__ = [
    "EntryInvalid",
    "add_entry",
    "entries_of",
    "feed",
    "get_entry",
    "publish_entry",
]
