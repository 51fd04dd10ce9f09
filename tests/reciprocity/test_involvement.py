"""Logging an activity: the fee from the rate on the day, the contributor's choice, bad input,
an organiser logging for someone, and events a contributor hosted offered to confirm."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import EventHost
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import Involvement, LedgerEntry
from tests.factories import make_edition, make_event, make_user


def entry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerEntry))


@pytest.mark.parametrize(
    "choice, extra, kind, amount",
    [
        ("fee", {}, "fee", 5000),
        ("less", {"less_pence": 2000}, "fee", 2000),
        ("vouchers", {}, "voucher", 5000),
        ("time_credits", {}, "time_credit", 200),
        ("charity", {"charity": "Carers UK"}, "charity", 5000),
    ],
)
def test_each_choice_makes_its_own_kind_of_entry(books, choice, extra, kind, amount):
    entry = books.log(minutes=120, choice=choice, **extra)
    assert (entry.kind, entry.amount, entry.status) == (kind, amount, "pending")
    involvement = db.session.get(Involvement, entry.involvement_id)
    assert involvement.offered_pence == 5000 and involvement.choice == choice


def test_declining_is_recorded_as_the_persons_choice_with_no_entry(books):
    assert books.log(choice="decline") is None
    involvement = db.session.scalar(select(Involvement))
    assert involvement.choice == "decline" and involvement.offered_pence == 5000
    assert involvement.logged_by_id == books.contributor.id and not involvement.logged_for_them
    assert entry_count() == 0


def test_an_organiser_logs_for_someone_and_the_choice_stays_theirs(books):
    entry = books.log(by=books.organiser, choice="vouchers")
    involvement = db.session.get(Involvement, entry.involvement_id)
    assert involvement.contributor_id == books.contributor.id
    assert involvement.logged_by_id == books.organiser.id and involvement.logged_for_them
    audit = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "reciprocity.involvement_logged")
    )
    assert audit.actor_id == books.organiser.id and audit.after["choice"] == "vouchers"


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"day": date.today() + timedelta(days=3)}, "activity_on", "cannot be in the future"),
        ({"day": date(2015, 1, 1)}, "activity_on", "last six years"),
        ({"minutes": 0}, "hours", "between 0.25 and 24"),
        ({"minutes": -60}, "hours", "between 0.25 and 24"),
        ({"minutes": 25 * 60}, "hours", "between 0.25 and 24"),
        ({"units": 0}, "units", "1 to 20"),
        ({"units": 500}, "units", "1 to 20"),
        ({"activity_id": 999}, "activity_id", "Choose the activity"),
        ({"choice": "everything"}, "choice", "Choose what you would like"),
        ({"choice": "less"}, "less_amount", "Enter the amount"),
        ({"choice": "less", "less_pence": 5000}, "less_amount", "less than the full fee"),
        ({"choice": "less", "less_pence": -5}, "less_amount", "less than the full fee"),
        ({"choice": "charity", "charity": " "}, "charity", "charity"),
        ({"event_id": 424242}, "event_id", "Choose an event"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(books, changes, field, words):
    with pytest.raises(ledger.ReciprocityError) as error:
        books.log(**changes)
    assert error.value.field == field and words in error.value.message
    assert db.session.scalar(select(func.count()).select_from(Involvement)) == 0
    assert entry_count() == 0


def test_no_rate_on_the_day_means_no_fee_but_time_credits_still_work(books):
    with pytest.raises(ledger.NoRate) as error:
        books.log(day=date(2023, 5, 1))
    assert "no rate for “Attending a meeting” on 1 May 2023" in error.value.message
    entry = books.log(day=date(2023, 5, 1), choice="time_credits", minutes=60)
    assert entry.kind == "time_credit" and entry.amount == 100


def test_only_contributors_have_involvement_logged(books):
    attendee = make_user()
    with pytest.raises(ledger.NotAContributor):
        books.log(person=attendee)
    co_producer = make_user(roles=(Role.CO_PRODUCER,))
    assert books.log(person=co_producer).contributor_id == co_producer.id


def test_work_out_shows_the_fee_without_saving(books):
    offer = ledger.work_out(
        books.contributor,
        ledger.InvolvementDetails(books.activity_id, date(2026, 5, 12), 90, "fee"),
    )
    assert offer.offered == "£37.50" and offer.amount_text == "£37.50"
    assert db.session.scalar(select(func.count()).select_from(Involvement)) == 0


# --- joined to the programme ------------------------------------------------------------------


def hosted_event(books, starts, hours=2, **fields):
    edition = programme.get_edition(starts.year) or make_edition(starts.year)
    event = make_event(edition, starts=starts, ends=starts + timedelta(hours=hours), **fields)
    db.session.add(EventHost(event_id=event.id, name="Priya", person_id=books.contributor.id))
    db.session.commit()
    return event


def test_a_hosted_event_that_has_ended_is_offered_prefilled_and_nothing_is_logged(books):
    hosting = ledger.add_activity("Co-facilitating a workshop", books.organiser, for_hosting=True)
    past = hosted_event(books, datetime(2026, 7, 1, 10, 0), hours=1.5, slug="past")
    future = datetime.now() + timedelta(days=30)
    hosted_event(books, future.replace(microsecond=0), slug="future")
    assert [event.id for event in ledger.hosting_prompts(books.contributor)] == [past.id]
    details = ledger.prefill_from_event(books.contributor, past)
    assert (details.activity_id, details.activity_on, details.minutes, details.event_id) == (
        hosting.id,
        date(2026, 7, 1),
        90,
        past.id,
    )
    assert db.session.scalar(select(func.count()).select_from(Involvement)) == 0
    # Once confirmed (logged), it is no longer offered.
    ledger.add_rate(
        ledger.RateDetails(hosting.id, "half_day", 7500, date(2024, 4, 6), "s"), books.organiser
    )
    ledger.log_involvement(books.contributor, details, books.contributor)
    assert ledger.hosting_prompts(books.contributor) == []


def test_a_dismissed_prompt_stays_dismissed_and_others_never_see_it(books):
    event = hosted_event(books, datetime(2026, 7, 1, 10, 0))
    other = make_user(roles=(Role.CONTRIBUTOR,))
    assert ledger.hosting_prompts(other) == []
    assert ledger.hosted_event_or_none(other, event.id) is None
    ledger.dismiss_prompt(books.contributor, event)
    ledger.dismiss_prompt(books.contributor, event)  # a second click is harmless
    assert ledger.hosting_prompts(books.contributor) == []


def test_cancelled_events_are_not_offered(books):
    event = hosted_event(books, datetime(2026, 7, 1, 10, 0))
    event.status = "cancelled"
    db.session.commit()
    assert ledger.hosting_prompts(books.contributor) == []
    assert programme.events_hosted_by(books.contributor.id) == []


def test_withdrawn_or_rejected_activities_leave_the_portfolio(books):
    kept = books.log(minutes=60)
    withdrawn = books.log(minutes=120)
    ledger.withdraw(withdrawn, books.contributor)
    rejected = books.log(minutes=180)
    ledger.reject(rejected, "Not ours", books.organiser)
    books.log(minutes=30, choice="decline")  # declining still counts as involvement
    portfolio = ledger.portfolio(books.contributor)
    assert portfolio.total_minutes == 90
    assert kept.involvement_id in {item.involvement.id for item in portfolio.activities}


def test_nobody_logs_or_claims_for_someone_else_unless_an_organiser(books):
    other = make_user(roles=(Role.CONTRIBUTOR,))
    with pytest.raises(ledger.ReciprocityError):
        books.log(by=other)
    with pytest.raises(ledger.ReciprocityError):
        ledger.claim_expense(
            books.contributor,
            ledger.ExpenseDetails("travel", date(2026, 6, 1), 500, "Bus"),
            None,
            other,
        )
    entry = books.log()
    ledger.query_entry(entry, "?", books.organiser)
    with pytest.raises(ledger.ReciprocityError):
        ledger.answer_query(ledger.get_entry(entry.id), "Not mine", other)
    with pytest.raises(ledger.ReciprocityError):
        ledger.withdraw(ledger.get_entry(entry.id), books.organiser)


def test_draft_events_are_not_offered_to_relate_to(books):
    edition = make_edition(2027)
    draft = make_event(edition, status="draft", title="Secret plan")
    public = make_event(edition, title="Open webinar")
    labels = [label for _, label in ledger.event_choices()]
    assert "2027: Open webinar" in labels and "2027: Secret plan" not in labels
    with pytest.raises(ledger.ReciprocityError) as error:
        books.log(event_id=draft.id)
    assert error.value.field == "event_id"
    assert books.log(event_id=public.id).involvement_id


def test_a_rate_with_an_end_date_does_not_cut_short_the_open_one(books):
    with pytest.raises(ledger.RateOverlaps):
        ledger.add_rate(
            ledger.RateDetails(
                books.activity_id, "hour", 3000, date(2026, 1, 1), "s", date(2026, 3, 31)
            ),
            books.organiser,
        )
    assert ledger.rate_in_force(books.activity_id, date(2030, 1, 1)).pence == 2500
