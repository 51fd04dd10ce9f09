"""The rules of co-producing the programme, one module per concept: `calls` (an edition's call
and its criteria), `proposals`, `invitations` (co-proposers), `reviews`, `panel` (the ranking
and how the programme was made) and `decisions` (shared decisions, and what follows one that
stands). The schedule draft and its releases are `cpweek.coproduction.schedule`.

Every review, decision and agreement writes an audit entry in the same transaction. Nothing
here commits: the request (or command) does, once, so a decision that stands, the event it
drafts, its audit entries and the messages it queues are saved together or not at all.

Views, the demo, other domains and tests import this package; the modules inside it import
each other directly, never through it.
"""

from cpweek.coproduction.services.calls import (
    REVIEWER_ROLES,
    CallDetails,
    add_criterion,
    call_of,
    criteria_of,
    deciding,
    edition_of,
    get_call,
    get_call_by_id,
    get_criterion,
    is_open,
    reviewing,
    save_call,
    set_weight,
)
from cpweek.coproduction.services.decisions import (
    agree,
    agree_to_shown,
    agreements_of,
    current_decision,
    decidable,
    open_decisions,
    propose_decision,
    withdraw_proposal,
)
from cpweek.coproduction.services.errors import (
    CallClosed,
    CoproductionError,
    DecisionChanged,
    InvitationInvalid,
    NotAllowed,
)
from cpweek.coproduction.services.invitations import (
    co_proposers_of,
    invitation_for,
    respond_to_invitation,
)
from cpweek.coproduction.services.panel import (
    how_it_was_made,
    panel,
)
from cpweek.coproduction.services.proposals import (
    ProposalDetails,
    can_edit,
    get_proposal,
    is_on_proposal,
    may_see,
    parse_unavailable,
    proposals_of,
    submit_proposal,
    update_proposal,
)
from cpweek.coproduction.services.reviews import (
    my_reviews,
    own_proposal_ids,
    proposals_for_review,
    reviews_by,
    reviews_for,
    submit_review,
)

__all__ = [
    "REVIEWER_ROLES",
    "CallClosed",
    "CallDetails",
    "CoproductionError",
    "DecisionChanged",
    "InvitationInvalid",
    "NotAllowed",
    "ProposalDetails",
    "add_criterion",
    "agree",
    "agree_to_shown",
    "agreements_of",
    "call_of",
    "can_edit",
    "co_proposers_of",
    "criteria_of",
    "current_decision",
    "decidable",
    "deciding",
    "edition_of",
    "get_call",
    "get_call_by_id",
    "get_criterion",
    "get_proposal",
    "how_it_was_made",
    "invitation_for",
    "is_on_proposal",
    "is_open",
    "may_see",
    "my_reviews",
    "open_decisions",
    "own_proposal_ids",
    "panel",
    "parse_unavailable",
    "proposals_for_review",
    "proposals_of",
    "propose_decision",
    "respond_to_invitation",
    "reviewing",
    "reviews_by",
    "reviews_for",
    "save_call",
    "set_weight",
    "submit_proposal",
    "submit_review",
    "update_proposal",
    "withdraw_proposal",
]
