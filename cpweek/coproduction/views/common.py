"""What the coproduction pages share: the blueprint, and finding what a URL names (a 404
otherwise)."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from cpweek.coproduction import services
from cpweek.coproduction.models import Call, Proposal
from cpweek.programme import services as programme
from cpweek.programme.models import Edition

bp = Blueprint("coproduction", __name__)
REVIEWERS = services.REVIEWER_ROLES


def edition_or_404(year: int) -> Edition:
    edition = programme.get_edition(year)
    if edition is None:
        abort(404)
    return edition


def edition_and_call(year: int) -> tuple[Edition, Call]:
    edition = edition_or_404(year)
    call = services.get_call(edition)
    if call is None:
        abort(404)
    return edition, call


def proposal_or_404(proposal_id: int) -> Proposal:
    proposal = services.get_proposal(proposal_id)
    if proposal is None or not services.may_see(proposal, current_user):
        abort(404)
    return proposal
