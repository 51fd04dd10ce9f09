"""Loading the whole demo, part by part, in one transaction. Each part adds only what is missing,
so a second run adds nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cpweek.auth.models import User
from cpweek.demo.accounts import add_accounts
from cpweek.demo.attendance import add_attendance
from cpweek.demo.call import add_call, add_first_release
from cpweek.demo.events import add_easy_read, add_editions
from cpweek.demo.evidence_hub import seed_evidence
from cpweek.demo.impact import ORGANISER_EMAIL, RESPONSES, add_impact
from cpweek.demo.ledger import add_ledger
from cpweek.demo.long_data import add_long_data
from cpweek.demo.resources import add_resources
from cpweek.extensions import db
from cpweek.programme.models import Edition


@dataclass
class SeedResult:
    editions: int = 0
    events: int = 0
    accounts: int = 0
    ledger_entries: int = 0
    proposals: int = 0
    evidence_items: int = 0
    suggestions: int = 0
    releases: int = 0
    long_data: int = 0
    resources: int = 0
    outcome_measures: int = 0
    feedback_responses: int = 0
    equality_answers: int = 0
    past_registrations: int = 0

    @property
    def added_anything(self) -> bool:
        return bool(
            self.editions
            or self.events
            or self.accounts
            or self.ledger_entries
            or self.proposals
            or self.evidence_items
            or self.suggestions
            or self.releases
            or self.long_data
            or self.resources
            or self.outcome_measures
            or self.feedback_responses
            or self.equality_answers
            or self.past_registrations
        )


def database_is_empty() -> bool:
    return db.session.scalar(select(Edition.id).limit(1)) is None and (
        db.session.scalar(select(User.id).limit(1)) is None
    )


def seed_demo() -> SeedResult:
    """Load whatever of the demo data is missing, in one transaction."""
    result = SeedResult()
    result.editions, result.events = add_editions()
    result.accounts = add_accounts()
    add_easy_read()
    db.session.commit()
    result.ledger_entries = add_ledger()
    result.proposals = add_call()
    evidence = seed_evidence()  # the Care Equity Evidence Hub, its items and suggestions
    result.evidence_items, result.suggestions = evidence.items, evidence.suggestions
    result.releases = add_first_release()
    result.long_data = add_long_data()
    result.resources = add_resources()  # after the hub (topics, items) and the profiles
    impact = add_impact()  # measures, feedback and equality answers for 2025 and 2026
    # The people who came to those events, for the impact report to count.
    result.past_registrations = add_attendance(RESPONSES, ORGANISER_EMAIL)
    result.outcome_measures = impact.measures
    result.feedback_responses = impact.feedback_responses
    result.equality_answers = impact.equality_answers
    return result
