"""A ledger ready to use: an organiser, a contributor and an hourly activity with a rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from cpweek.auth.models import Role, User
from cpweek.reciprocity import services as ledger
from tests.factories import make_user

RATE_START = date(2024, 4, 6)


@dataclass
class Ledger:
    organiser: User
    contributor: User
    activity_id: int  # £25.00 an hour from 6 April 2024

    def log(self, day=date(2026, 5, 12), minutes=120, choice="fee", person=None, by=None, **extra):
        """Log an activity and return its ledger entry (None when declined)."""
        person = person or self.contributor
        details = ledger.InvolvementDetails(
            activity_id=extra.pop("activity_id", self.activity_id),
            activity_on=day,
            minutes=minutes,
            choice=choice,
            **extra,
        )
        involvement = ledger.log_involvement(person, details, by or person)
        return ledger.entry_for_involvement(involvement.id)

    def approved(self, **kwargs):
        entry = self.log(**kwargs)
        ledger.approve(entry, self.organiser, warnings_acknowledged=True)
        return ledger.get_entry(entry.id)

    def pay(self, *entries, day=date(2026, 7, 10), reference="BACS-1"):
        return ledger.record_payment_run(
            [entry.id for entry in entries],
            ledger.PaymentDetails(day, "bank_transfer", reference),
            self.organiser,
        )


@pytest.fixture
def books() -> Ledger:
    organiser = make_user(email="organiser@example.org", roles=(Role.ORGANISER,), name="Helen")
    contributor = make_user(email="priya@example.org", roles=(Role.CONTRIBUTOR,), name="Priya Shah")
    activity = ledger.add_activity("Attending a meeting", organiser)
    ledger.add_rate(
        ledger.RateDetails(activity.id, "hour", 2500, RATE_START, "NIHR example"), organiser
    )
    return Ledger(organiser, contributor, activity.id)
