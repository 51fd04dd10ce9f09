"""Every model, imported in one place so Alembic and `create_all` see the whole schema."""

from cpweek.audit import AuditEntry
from cpweek.auth.models import RoleGrant, User
from cpweek.coproduction.models import (
    Agreement,
    Call,
    CoProposer,
    Criterion,
    Decision,
    Proposal,
    Review,
    Score,
)
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
    "Agreement",
    "AuditEntry",
    "Call",
    "CoProposer",
    "ContributorProfile",
    "Criterion",
    "Decision",
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
    "Proposal",
    "Rate",
    "Receipt",
    "Recognition",
    "Registration",
    "Review",
    "RoleGrant",
    "Score",
    "User",
    "WarningSeen",
]
