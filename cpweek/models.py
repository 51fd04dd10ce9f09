"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from cpweek.audit import AuditEntry
from cpweek.auth.models import RoleGrant, User
from cpweek.programme.models import Edition, Event, EventHost, Registration
from cpweek.reciprocity.models import (
    Activity,
    ContributorProfile,
    EntryQuery,
    ExpenseClaim,
    Guidance,
    HostingPromptDismissed,
    Involvement,
    LedgerEntry,
    PaymentRun,
    Rate,
    Receipt,
    Recognition,
    WarningSeen,
)

__all__ = [
    "Activity",
    "AuditEntry",
    "ContributorProfile",
    "Edition",
    "EntryQuery",
    "Event",
    "EventHost",
    "ExpenseClaim",
    "Guidance",
    "HostingPromptDismissed",
    "Involvement",
    "LedgerEntry",
    "PaymentRun",
    "Rate",
    "Receipt",
    "Recognition",
    "Registration",
    "RoleGrant",
    "User",
    "WarningSeen",
]
