"""Small builders for test records; each commits so the app's own sessions can see them."""

from __future__ import annotations

import time
from datetime import date, datetime
from itertools import count

from flask import current_app

from cpweek.auth.models import Role, RoleGrant, User
from cpweek.auth.services import hash_password
from cpweek.extensions import db
from cpweek.programme.models import Edition, EditionStatus, Event, EventStatus
from cpweek.timezones import from_local

PASSWORD = "correct horse battery"
_serial = count(1)
_hashes: dict[tuple[str, str], str] = {}  # one scrypt run per password, not one per person


def _hash(password: str) -> str:
    key = (password, current_app.config["PASSWORD_HASH_METHOD"])
    if key not in _hashes:
        _hashes[key] = hash_password(password)
    return _hashes[key]


def make_user(
    email: str | None = None,
    roles: tuple[Role, ...] = (),
    name: str = "Test Person",
    password: str | None = PASSWORD,
) -> User:
    user = User(
        email=email or f"person{next(_serial)}@example.org",
        name=name,
        password_hash=_hash(password) if password else None,
    )
    user.grants = [RoleGrant(role=role.value) for role in roles if role != Role.ATTENDEE]
    db.session.add(user)
    db.session.commit()
    return user


def expired_reset_token(user: User, monkeypatch) -> str:
    """A password-reset link made two hours ago, so it has run out."""
    from cpweek.auth.services import make_reset_token

    two_hours_ago = time.time() - 7200
    with monkeypatch.context() as patched:
        patched.setattr("itsdangerous.timed.time.time", lambda: two_hours_ago)
        return make_reset_token(user)


def make_edition(
    year: int = 2027, status: str = EditionStatus.PUBLISHED.value, **fields
) -> Edition:
    edition = Edition(
        year=year,
        theme=fields.pop("theme", f"Theme for {year}"),
        summary=fields.pop("summary", "A week of co-production."),
        starts_on=fields.pop("starts_on", date(year, 6, 28)),
        ends_on=fields.pop("ends_on", date(year, 7, 2)),
        status=status,
        **fields,
    )
    db.session.add(edition)
    db.session.commit()
    return edition


def make_event(
    edition: Edition,
    starts: datetime | None = None,
    ends: datetime | None = None,
    *,
    status: str = EventStatus.PUBLISHED.value,
    **fields,
) -> Event:
    """`starts` and `ends` are UK wall-clock times, as an organiser types them."""
    number = next(_serial)
    starts = starts or datetime(edition.year, 6, 29, 10, 0)
    ends = ends or starts.replace(hour=starts.hour + 1)
    event = Event(
        edition_id=edition.id,
        slug=fields.pop("slug", f"event-{number}"),
        title=fields.pop("title", f"Event {number}"),
        kind=fields.pop("kind", "webinar"),
        format=fields.pop("format", "online"),
        starts_at=from_local(starts, edition.timezone),
        ends_at=from_local(ends, edition.timezone),
        status=status,
        **fields,
    )
    db.session.add(event)
    db.session.commit()
    return event


def make_webinar(capacity: int | None = 10, year: int = 2099, **fields) -> Event:
    """The one-hour online webinar many tests register for: /<year>/events/webinar."""
    edition = make_edition(year)
    fields.setdefault("title", "Carers' voices")
    return make_event(
        edition,
        datetime(year, 6, 30, 10, 30),
        datetime(year, 6, 30, 11, 30),
        slug="webinar",
        capacity=capacity,
        **fields,
    )


def make_workshop(conference: Event, starts: datetime, ends: datetime, **fields) -> Event:
    """A workshop inside `conference` (same edition); times in UK wall-clock time."""
    edition = db.session.get_one(Edition, conference.edition_id)
    return make_event(edition, starts, ends, kind="workshop", parent_id=conference.id, **fields)
