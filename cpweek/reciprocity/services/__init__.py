"""The rules of the reciprocity ledger, one module per concept.

Involvement is what a contributor did; a ledger entry is what they are owed for it (or for an
expense). Entries are never edited: their status moves forward (pending -> queried -> pending
-> approved -> paid, or rejected / withdrawn) by conditional updates that fail if someone else
moved it first, and a correction is a reversing entry. Every action writes an audit entry in
the same transaction. Balances are sums over entries, per kind, never stored. Nothing here
commits: services flush and raise, and the request (or command) commits once, so a refused
action leaves nothing behind.

- `errors`: the refusals; `contributors`: who the ledger is for and who may act on it;
  `events`: the programme's events an activity or expense relates to
- `profiles`: how each person would like to be paid and credited
- `rates`: activities, rates, and what an activity comes to
- `standing`: whether an involvement still counts, and whether it is approved work
- `warnings`: the four warnings and the guidance wording organisers edit
- `prompts`: what the other domains offer a contributor to log (a signal); `hosting`: events
  they hosted
- `involvement`: logging an activity; `expenses`: claims and receipts
- `decisions`: approve, query, answer, reject, withdraw, reverse
- `balances`, `payments` (payment runs), `statements` (tax years), `recognition` (certificates,
  portfolio, public credits); `figures`: hours, money paid and days to payment per edition
  (the impact report)

This module re-exports what views, the demo, the CLI, other domains and tests use, so
`from cpweek.reciprocity import services` keeps working; the modules import each other
directly, never through here.
"""

from __future__ import annotations

# Role, TaxYear, EntryKind and utcnow belong elsewhere; callers have long read them from here.
from cpweek.auth.models import Role
from cpweek.money import TaxYear
from cpweek.reciprocity.models import EntryKind
from cpweek.reciprocity.services.balances import (
    Oldest,
    all_balances,
    awaiting_decision,
    balances,
    money_owed,
)
from cpweek.reciprocity.services.contributors import (
    CONTRIBUTOR_ROLES,
    get_person,
    is_contributor,
    list_contributors,
    require_organiser,
)
from cpweek.reciprocity.services.decisions import (
    answer_query,
    approve,
    entries_for,
    entry_view,
    get_entry,
    query_entry,
    reject,
    reverse,
    withdraw,
)
from cpweek.reciprocity.services.errors import (
    BadReceipt,
    NoRate,
    NotAContributor,
    RateOverlaps,
    ReciprocityError,
    WarningsNotAcknowledged,
    WrongStatus,
)
from cpweek.reciprocity.services.events import (
    event_choices,
)
from cpweek.reciprocity.services.expenses import (
    ExpenseDetails,
    Upload,
    add_receipt,
    claim_expense,
    entry_for_expense,
    get_receipt,
)
from cpweek.reciprocity.services.figures import LedgerFigures, ledger_figures
from cpweek.reciprocity.services.hosting import (
    dismiss_prompt,
    hosted_event_or_none,
    hosting_prompts,
    prefill_from_event,
)
from cpweek.reciprocity.services.involvement import (
    InvolvementDetails,
    Offer,
    entry_for_involvement,
    log_involvement,
    prefill_prompt,
    work_out,
)
from cpweek.reciprocity.services.payments import (
    PaymentDetails,
    approved_not_paid,
    get_payment_run,
    list_payment_runs,
    payable_entries,
    payment_run_csv,
    payment_run_lines,
    payment_summary,
    record_payment_run,
)
from cpweek.reciprocity.services.profiles import (
    ProfileDetails,
    credit_name,
    get_profile,
    prefill_choice,
    profile_or_default,
    save_profile,
)
from cpweek.reciprocity.services.prompts import (
    InvolvementPrompt,
    PromptKind,
    credit_prompts,
    involvement_prompts,
    prompt_for,
    reviewing_prompts,
    suggestion_prompts,
)
from cpweek.reciprocity.services.rates import (
    RateDetails,
    add_activity,
    add_rate,
    confirm_rate,
    credits_for,
    fee_for,
    format_amount,
    format_credits,
    format_hours,
    get_rate,
    list_activities,
    list_rates,
    rate_in_force,
)
from cpweek.reciprocity.services.recognition import (
    PortfolioWork,
    RecognitionDetails,
    certificate,
    issue_recognition,
    portfolio,
    public_credits,
)
from cpweek.reciprocity.services.statements import (
    statement,
    statement_csv,
    tax_years_for,
)
from cpweek.reciprocity.services.warnings import (
    GuidanceText,
    about_the_contributor,
    guidance,
    guidance_for_editing,
    record_warnings_seen,
    save_guidance,
    warnings_for,
    warnings_seen,
    worded_for,
)
from cpweek.timezones import utcnow

# What the review-panel prompt's pre-filled entry was called before prompts came by a signal.
prefill_reviewing = prefill_prompt

__all__ = [
    "CONTRIBUTOR_ROLES",
    "BadReceipt",
    "EntryKind",
    "ExpenseDetails",
    "GuidanceText",
    "InvolvementDetails",
    "InvolvementPrompt",
    "LedgerFigures",
    "NoRate",
    "NotAContributor",
    "Offer",
    "Oldest",
    "PaymentDetails",
    "PortfolioWork",
    "ProfileDetails",
    "PromptKind",
    "RateDetails",
    "RateOverlaps",
    "ReciprocityError",
    "RecognitionDetails",
    "Role",
    "TaxYear",
    "Upload",
    "WarningsNotAcknowledged",
    "WrongStatus",
    "about_the_contributor",
    "add_activity",
    "add_rate",
    "add_receipt",
    "all_balances",
    "answer_query",
    "approve",
    "approved_not_paid",
    "awaiting_decision",
    "balances",
    "certificate",
    "claim_expense",
    "confirm_rate",
    "credit_name",
    "credit_prompts",
    "credits_for",
    "dismiss_prompt",
    "entries_for",
    "entry_for_expense",
    "entry_for_involvement",
    "entry_view",
    "event_choices",
    "fee_for",
    "format_amount",
    "format_credits",
    "format_hours",
    "get_entry",
    "get_payment_run",
    "get_person",
    "get_profile",
    "get_rate",
    "get_receipt",
    "guidance",
    "guidance_for_editing",
    "hosted_event_or_none",
    "hosting_prompts",
    "involvement_prompts",
    "is_contributor",
    "issue_recognition",
    "ledger_figures",
    "list_activities",
    "list_contributors",
    "list_payment_runs",
    "list_rates",
    "log_involvement",
    "money_owed",
    "payable_entries",
    "payment_run_csv",
    "payment_run_lines",
    "payment_summary",
    "portfolio",
    "prefill_choice",
    "prefill_from_event",
    "prefill_prompt",
    "prefill_reviewing",
    "profile_or_default",
    "prompt_for",
    "public_credits",
    "query_entry",
    "rate_in_force",
    "record_payment_run",
    "record_warnings_seen",
    "reject",
    "require_organiser",
    "reverse",
    "reviewing_prompts",
    "save_guidance",
    "save_profile",
    "statement",
    "statement_csv",
    "suggestion_prompts",
    "tax_years_for",
    "utcnow",
    "warnings_for",
    "warnings_seen",
    "withdraw",
    "worded_for",
    "work_out",
]
