"""Rates: the one in force on the day applies, overlaps are refused, and a change of rate
never reaches back to entries already logged."""

from datetime import date

import pytest

from cpweek.audit import AuditEntry
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import Involvement
from tests.reciprocity.conftest import RATE_START


def add(books, pence, starts, ends=None, unit="hour"):
    return ledger.add_rate(
        ledger.RateDetails(books.activity_id, unit, pence, starts, "source", ends), books.organiser
    )


def test_a_later_rate_ends_the_open_one_the_day_before(books):
    add(books, 2750, date(2025, 12, 16))
    assert ledger.rate_in_force(books.activity_id, date(2025, 12, 15)).pence == 2500
    assert ledger.rate_in_force(books.activity_id, date(2025, 12, 16)).pence == 2750
    first = ledger.rate_in_force(books.activity_id, RATE_START)
    assert first.ends_on == date(2025, 12, 15)
    assert ledger.rate_in_force(books.activity_id, date(2024, 4, 5)) is None
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert "reciprocity.rate_ended" in actions and actions[-1] == "reciprocity.rate_added"


@pytest.mark.parametrize(
    "starts, ends",
    [
        (RATE_START, None),  # the same start date
        (date(2023, 1, 1), None),  # starting before, open-ended, runs into the existing one
        (date(2023, 1, 1), date(2024, 5, 1)),  # ends inside the existing one
    ],
)
def test_overlapping_rates_are_refused(books, starts, ends):
    with pytest.raises(ledger.RateOverlaps) as error:
        add(books, 3000, starts, ends)
    assert "already has a rate from 6 April 2024" in error.value.message
    assert len(ledger.list_rates()) == 1
    assert ledger.rate_in_force(books.activity_id, date(2030, 1, 1)).ends_on is None


def test_a_rate_inside_a_closed_period_is_refused(books):
    add(books, 2750, date(2025, 12, 16))
    with pytest.raises(ledger.RateOverlaps):
        add(books, 2600, date(2025, 1, 1), date(2025, 2, 1))


def test_a_bounded_rate_before_the_first_is_allowed(books):
    add(books, 2000, date(2023, 4, 6), date(2024, 4, 5))
    assert ledger.rate_in_force(books.activity_id, date(2023, 6, 1)).pence == 2000


@pytest.mark.parametrize(
    "pence, starts, ends, source, field",
    [
        (0, date(2026, 1, 1), None, "s", "pounds"),
        (-100, date(2026, 1, 1), None, "s", "pounds"),
        (600_000, date(2026, 1, 1), None, "s", "pounds"),
        (2500, date(2026, 1, 1), date(2025, 1, 1), "s", "ends_on"),
        (2500, date(2026, 1, 1), None, "  ", "source"),
    ],
)
def test_bad_rates_are_refused_with_the_field(books, pence, starts, ends, source, field):
    with pytest.raises(ledger.ReciprocityError) as error:
        ledger.add_rate(
            ledger.RateDetails(books.activity_id, "hour", pence, starts, source, ends),
            books.organiser,
        )
    assert error.value.field == field
    assert len(ledger.list_rates()) == 1


def test_changing_rates_never_changes_past_entries(books):
    entry = books.log(day=date(2026, 5, 12), minutes=90)
    assert entry.amount == 3750  # 1.5 hours at £25
    add(books, 5000, date(2026, 5, 1))  # a new rate from before the activity, added later
    involvement = db.session.get(Involvement, entry.involvement_id)
    db.session.refresh(entry)
    assert entry.amount == 3750 and involvement.rate_pence == 2500
    assert involvement.offered_pence == 3750
    later = books.log(day=date(2026, 5, 12), minutes=90)
    assert later.amount == 7500  # logged now: today's table for that day


def test_fees_for_each_unit():
    assert ledger.fee_for(2500, "hour", 90, 1) == 3750
    assert ledger.fee_for(2750, "hour", 20, 1) == 917  # 9.1666p rounds half up to the penny
    assert ledger.fee_for(7500, "half_day", 200, 2) == 15000
    assert ledger.fee_for(15000, "day", 420, 1) == 15000
    assert ledger.fee_for(7500, "fixed", 60, 1) == 7500
    assert ledger.credits_for(90) == 150 and ledger.credits_for(20) == 33


def test_activities_have_unique_names(books):
    with pytest.raises(ledger.ReciprocityError) as error:
        ledger.add_activity("  attending A   meeting ", books.organiser)
    assert "already an activity" in error.value.message


def test_example_rates_are_confirmed_once_and_audited(books):
    rate = ledger.rate_in_force(books.activity_id, RATE_START)
    rate.is_example = True
    db.session.commit()
    ledger.confirm_rate(rate, books.organiser)
    assert not ledger.get_rate(rate.id).is_example
    assert db.session.query(AuditEntry).filter_by(action="reciprocity.rate_confirmed").count() == 1
