"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from cpweek.audit import AuditEntry
from cpweek.auth.models import RoleGrant, User
from cpweek.programme.models import Edition, Event, EventHost, Registration

__all__ = ["AuditEntry", "Edition", "Event", "EventHost", "Registration", "RoleGrant", "User"]
