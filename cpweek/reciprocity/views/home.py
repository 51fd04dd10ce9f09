"""The contributor's home page, the organisers' ledger, and the organisers' page for one
contributor."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.forms import ActionForm
from cpweek.money import tax_year_of
from cpweek.programme import services as programme
from cpweek.programme.views.registrations import equality_offer, offer_equality_questions_once
from cpweek.reciprocity import services
from cpweek.reciprocity.models import EntryKind, EntryStatus, LedgerEntry
from cpweek.reciprocity.services.prompts import PromptKind
from cpweek.reciprocity.views.common import CONTRIBUTOR, bp, contributor_or_404, tax_year_asked


@bp.route("/involvement/")
@requires(*CONTRIBUTOR)
def home():
    year = tax_year_of(programme.today_in())
    offered = services.involvement_prompts(current_user)
    entries = services.entries_for(current_user.id)
    return render_template(
        "reciprocity/home.html",
        profile=services.get_profile(current_user.id),
        prompts=services.hosting_prompts(current_user),
        reviewing=[prompt for prompt in offered if prompt.kind == PromptKind.REVIEWING],
        suggested=[prompt for prompt in offered if prompt.kind == PromptKind.SUGGESTION],
        credited=[prompt for prompt in offered if prompt.kind == PromptKind.CREDIT],
        entries=entries,
        totals=services.balances(current_user.id, year),
        owed_all_years=services.money_owed(current_user.id),
        year=year,
        dismiss_form=ActionForm(),
        EntryKind=EntryKind,
        equality_link=equality_offer() or _paid_offer(entries),
    )


def _paid_offer(entries: list[LedgerEntry]) -> str | None:
    """Once a payment is recorded, the contributor is offered the equality questions as the
    stage "paid", once per edition: the edition of the year of their latest paid entry (the
    one running or next when that year has none)."""
    paid = next((e for e in entries if e.status == EntryStatus.PAID and e.amount > 0), None)
    if paid is None:
        return None
    edition = programme.get_edition(paid.occurred_on.year) or programme.current_or_next_edition()
    if edition is None:
        return None
    return offer_equality_questions_once(current_user.id, edition.id, "paid")


@bp.route("/ledger/")
@requires(Role.ORGANISER)
def ledger():
    year = tax_year_asked()
    return render_template(
        "reciprocity/ledger.html",
        year=year,
        current_year=tax_year_of(programme.today_in()),
        waiting=services.awaiting_decision(),
        unpaid=services.approved_not_paid(),
        balances=services.all_balances(year),
        contributors=services.list_contributors(),
        runs=services.list_payment_runs(),
    )


@bp.route("/ledger/contributors/<int:user_id>")
@requires(Role.ORGANISER)
def contributor(user_id: int):
    person = contributor_or_404(user_id)
    year = tax_year_of(programme.today_in())
    return render_template(
        "reciprocity/contributor.html",
        person=person,
        profile=services.get_profile(person.id),
        entries=services.entries_for(person.id),
        totals=services.balances(person.id, year),
        year=year,
        EntryKind=EntryKind,
    )
