from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cpweek.extensions import Model
from cpweek.timezones import UTCDateTime, utcnow


class Role(enum.StrEnum):
    """What a person may do. Everyone signed in is an attendee; the others are granted."""

    ATTENDEE = "attendee"
    CONTRIBUTOR = "contributor"
    CO_PRODUCER = "co_producer"
    ORGANISER = "organiser"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self][0]

    @property
    def description(self) -> str:
        return ROLE_LABELS[self][1]


ROLE_LABELS = {
    Role.ATTENDEE: ("Attendee", "Everyone with an account: registers for events."),
    Role.CONTRIBUTOR: (
        "Contributor",
        "A person with lived experience who is paid or recognised for what they put in.",
    ),
    Role.CO_PRODUCER: (
        "Co-producer",
        "Proposes and reviews sessions and signs off the programme as an equal partner.",
    ),
    Role.ORGANISER: (
        "Organiser",
        "Staff who run the programme, registrations, payments and resources.",
    ),
    Role.ADMIN: ("Admin", "Manages accounts and roles."),
}

GRANTABLE_ROLES = (Role.CONTRIBUTOR, Role.CO_PRODUCER, Role.ORGANISER, Role.ADMIN)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased and trimmed (see services.normalise_email), so unique means unique.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None for people known only through a registration or an organiser's record.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    # Bumped on every password change: signs out other sessions and spends reset links.
    login_version: Mapped[int] = mapped_column(Integer, default=0)
    # The secret in the address of the person's own calendar feed; None until they ask for one.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    # A saved access profile, offered whenever the person registers, so they need not repeat it.
    access_needs: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    access_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="RoleGrant.user_id",
    )

    # Not stored: the session this request was signed in with, set by the session loader (or
    # by starting a session), and the secret token that names it in the cookie.
    if TYPE_CHECKING:  # declared here only: the ORM takes any annotation for a column
        current_session: UserSession | None
        session_token: str | None
    current_session = None
    session_token = None

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session and the remember cookie. Without the token of
        a live `UserSession` row it opens nothing (see services.load_session_user)."""
        return f"{self.id}:{self.login_version}:{self.session_token or ''}"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset({Role.ATTENDEE} | {Role(grant.role) for grant in self.grants})

    def has_role(self, *roles: Role) -> bool:
        """True when the person holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class RoleGrant(Model):
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_role_grants_user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])


class UserSession(Model):
    """One signed-in browser. The cookie carries a random token; only its hash is stored, so a
    copy of this table opens nothing. Deleting the row signs that browser out, whatever copies
    of its cookies exist."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Updated at most every few minutes (services.LAST_SEEN_EVERY), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    remembered: Mapped[bool] = mapped_column(Boolean, default=False)
