"""Signed-in browsers: one UserSession row each, found by a hash of the token in the cookie,
so a person can be signed out of one browser or all of them."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from cpweek.auth.models import User, UserSession
from cpweek.extensions import db
from cpweek.timezones import utcnow
from cpweek.tokens import new_token, token_hash

# A session's last_seen_at is written at most this often, so pages do not each write a row.
LAST_SEEN_EVERY = timedelta(minutes=5)


def session_lifetime() -> timedelta:
    """How long a session lasts at most: as long as a kept-signed-in cookie."""
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=int(duration))


def start_session(user: User, *, remembered: bool, user_agent: str = "") -> UserSession:
    """A new session for a person who has just proved who they are. Their sessions that have
    run out are removed now, so the table does not grow without end."""
    now = utcnow()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at <= now - session_lifetime()
        )
    )
    token = new_token()
    row = UserSession(
        user_id=user.id,
        token_hash=token_hash(token),
        created_at=now,
        last_seen_at=now,
        user_agent=(user_agent or "")[:200],
        remembered=bool(remembered),
    )
    db.session.add(row)
    user.current_session, user.session_token = row, token
    return row


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: '<id>:<login_version>:<token>'. The person and their session come
    in one query; a deleted session (signed out), an old login version or a session older
    than its lifetime means nobody is signed in."""
    parts = (session_id or "").split(":")
    if len(parts) != 3:
        return None
    user_id, version, token = parts
    # Ids come from our own signed cookies, but a number too big for the database is refused
    # here rather than by the database.
    if not (user_id.isdigit() and version.isdigit()) or len(user_id + version) > 30 or not token:
        return None
    now = utcnow()
    found = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            User.login_version == int(version),
            UserSession.token_hash == token_hash(token),
            UserSession.created_at > now - session_lifetime(),
        )
    ).first()
    if found is None:
        return None
    user, row = found
    if now - row.last_seen_at >= LAST_SEEN_EVERY:
        row.last_seen_at = now
    user.current_session, user.session_token = row, token
    return user


def end_session(user: User) -> None:
    """Sign out the browser this request came from, wherever copies of its cookies are."""
    if user.current_session is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == user.current_session.id))
        user.current_session = user.session_token = None


def end_sessions(user: User, keep: UserSession | None = None) -> None:
    """Sign the person out everywhere (but `keep`, the browser they are using, if given)."""
    statement = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    db.session.execute(statement)
