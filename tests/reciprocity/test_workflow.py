"""Approve, query, answer, reject, withdraw, reverse, pay: each allowed once, in order, with an
audit entry; the ledger's amounts can never be rewritten."""

import threading
from datetime import date

import pytest
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import LedgerEntry, LedgerLocked, WarningSeen
from cpweek.uow import unit_of_work
from tests.factories import make_user


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_approve_locks_and_records_who(books):
    entry = books.log()
    ledger.approve(entry, books.organiser)
    entry = ledger.get_entry(entry.id)
    assert entry.status == "approved" and entry.decided_by_id == books.organiser.id
    assert entry.decided_at is not None
    assert actions()[-1] == "reciprocity.entry_approved"


def test_approving_twice_is_refused(books):
    entry = books.log()
    ledger.approve(entry, books.organiser)
    with pytest.raises(ledger.WrongStatus) as error:
        ledger.approve(ledger.get_entry(entry.id), books.organiser)
    assert "already approved (by Helen)" in error.value.message
    assert actions().count("reciprocity.entry_approved") == 1


def test_only_organisers_decide(books):
    entry = books.log()
    with pytest.raises(ledger.ReciprocityError):
        ledger.approve(entry, books.contributor)
    with pytest.raises(ledger.ReciprocityError):
        ledger.reverse(entry, "x", books.contributor)
    assert ledger.get_entry(entry.id).status == "pending"


def test_query_then_answer_returns_it_for_approval(books):
    entry = books.log()
    ledger.query_entry(entry, "Did this include travel time?", books.organiser)
    assert ledger.get_entry(entry.id).status == "queried"
    with pytest.raises(ledger.WrongStatus):
        ledger.approve(ledger.get_entry(entry.id), books.organiser)  # not until answered
    ledger.answer_query(ledger.get_entry(entry.id), "No, just the meeting.", books.contributor)
    view = ledger.entry_view(ledger.get_entry(entry.id))
    assert view.entry.status == "pending"
    assert view.queries[0].answer == "No, just the meeting." and view.queries[0].answered_at
    with pytest.raises(ledger.WrongStatus):
        ledger.answer_query(view.entry, "Again", books.contributor)


@pytest.mark.parametrize("call", ["query", "reject", "answer"])
def test_empty_text_is_refused(books, call):
    entry = books.log()
    with pytest.raises(ledger.ReciprocityError) as error:
        {
            "query": lambda: ledger.query_entry(entry, "  ", books.organiser),
            "reject": lambda: ledger.reject(entry, "", books.organiser),
            "answer": lambda: ledger.answer_query(entry, " ", books.contributor),
        }[call]()
    assert error.value.field in ("question", "reason", "answer")
    assert ledger.get_entry(entry.id).status == "pending"


def test_reject_with_a_reason_the_contributor_sees(books):
    entry = books.log()
    ledger.reject(entry, "This meeting was already paid by the council.", books.organiser)
    entry = ledger.get_entry(entry.id)
    assert entry.status == "rejected" and "already paid" in entry.reason
    with pytest.raises(ledger.WrongStatus):
        ledger.approve(entry, books.organiser)


def test_withdraw_only_before_approval(books):
    entry = books.log()
    ledger.withdraw(entry, books.contributor)
    assert ledger.get_entry(entry.id).status == "withdrawn"
    approved = books.approved()
    with pytest.raises(ledger.WrongStatus):
        ledger.withdraw(approved, books.contributor)


def test_reversal_is_a_new_negative_entry_and_only_once(books):
    entry = books.approved()
    reversal = ledger.reverse(entry, "Logged twice by mistake", books.organiser)
    assert reversal.amount == -entry.amount and reversal.reverses_id == entry.id
    assert reversal.status == "approved" and reversal.kind == entry.kind
    assert ledger.get_entry(entry.id).amount == 5000  # the original is untouched
    with pytest.raises(ledger.WrongStatus) as error:
        ledger.reverse(ledger.get_entry(entry.id), "again", books.organiser)
    assert "already been reversed" in error.value.message
    with pytest.raises(ledger.WrongStatus) as error:
        ledger.reverse(reversal, "undo", books.organiser)
    assert "cannot itself be reversed" in error.value.message
    assert ledger.balances(books.contributor.id)[ledger.EntryKind.FEE].approved == 0


def test_a_pending_entry_is_rejected_not_reversed(books):
    entry = books.log()
    with pytest.raises(ledger.WrongStatus) as error:
        ledger.reverse(entry, "wrong", books.organiser)
    assert "reject or withdraw" in error.value.message


def test_a_reversal_needs_a_reason(books):
    entry = books.approved()
    with pytest.raises(ledger.ReciprocityError):
        ledger.reverse(entry, "  ", books.organiser)


def test_entries_cannot_be_rewritten(books):
    entry = books.approved()
    db.session.commit()
    entry.amount = 1
    with pytest.raises(LedgerLocked):
        db.session.commit()
    db.session.rollback()
    assert ledger.get_entry(entry.id).amount == 5000


# --- payment runs ---------------------------------------------------------------------------


def test_a_run_pays_approved_entries_all_at_once(books):
    first, second = books.approved(), books.approved(minutes=60)
    run = books.pay(first, second)
    for entry in (first, second):
        entry = ledger.get_entry(entry.id)
        assert entry.status == "paid" and entry.payment_run_id == run.id
    lines = ledger.payment_run_csv(run).splitlines()
    assert lines[0].startswith("payment_run,paid_on,method,reference,payee_reference")
    assert len(lines) == 3 and lines[1].endswith(",50.00,") and lines[2].endswith(",25.00,")


def test_paying_an_unapproved_entry_stops_the_whole_run(books):
    approved, pending = books.approved(), books.log()
    with pytest.raises(ledger.WrongStatus) as error:
        books.pay(approved, pending)
    assert "only approved entries can be paid" in error.value.message
    assert ledger.get_entry(approved.id).status == "approved"
    assert ledger.list_payment_runs() == []


def test_paying_twice_is_refused(books):
    entry = books.approved()
    books.pay(entry)
    with pytest.raises(ledger.WrongStatus):
        books.pay(ledger.get_entry(entry.id), reference="BACS-2")
    assert len(ledger.list_payment_runs()) == 1


@pytest.mark.parametrize(
    "details, field",
    [
        (ledger.PaymentDetails(date(2099, 1, 1), "bank_transfer", "R"), "paid_on"),
        (ledger.PaymentDetails(date(2026, 7, 1), "gold_bars", "R"), "method"),
        (ledger.PaymentDetails(date(2026, 7, 1), "cash", " "), "reference"),
    ],
)
def test_bad_run_details_are_refused(books, details, field):
    entry = books.approved()
    with pytest.raises(ledger.ReciprocityError) as error:
        ledger.record_payment_run([entry.id], details, books.organiser)
    assert error.value.field == field
    assert ledger.get_entry(entry.id).status == "approved"


def test_an_empty_or_unknown_run_is_refused(books):
    with pytest.raises(ledger.ReciprocityError):
        ledger.record_payment_run(
            [], ledger.PaymentDetails(date(2026, 7, 1), "cash", "R"), books.organiser
        )
    with pytest.raises(ledger.ReciprocityError):
        ledger.record_payment_run(
            [99999], ledger.PaymentDetails(date(2026, 7, 1), "cash", "R"), books.organiser
        )


def test_a_correction_of_a_paid_entry_is_recovered_from_the_next_run(books):
    paid = books.approved()
    books.pay(paid)
    reversal = ledger.reverse(ledger.get_entry(paid.id), "Overpaid", books.organiser)
    with pytest.raises(ledger.ReciprocityError) as error:
        books.pay(reversal, reference="R2")  # on its own it would pay −£50
    assert "negative amount" in error.value.message
    bigger = books.approved(minutes=180)  # £75
    books.pay(reversal, bigger, reference="R3")
    totals = ledger.balances(books.contributor.id)[ledger.EntryKind.FEE]
    assert (totals.owed, totals.approved, totals.paid) == (0, 0, 7500)


def test_a_reversed_unpaid_entry_is_never_paid_without_its_reversal(books):
    entry = books.approved()
    reversal = ledger.reverse(entry, "Logged twice", books.organiser)
    other = books.approved(minutes=60)
    for alone in ([entry, other], [reversal, other]):
        with pytest.raises(ledger.ReciprocityError) as error:
            books.pay(*alone)
        assert "cancel each other out" in error.value.message
    books.pay(ledger.get_entry(entry.id), reversal, other)
    totals = ledger.balances(books.contributor.id)[ledger.EntryKind.FEE]
    assert (totals.approved, totals.paid) == (0, 2500)


def test_money_returned_settles_a_correction_of_a_paid_entry(books):
    paid = books.approved()
    books.pay(paid)
    reversal = ledger.reverse(ledger.get_entry(paid.id), "Paid twice", books.organiser)
    returned = ledger.PaymentDetails(date(2026, 8, 1), "money_returned", "REFUND-1")
    with pytest.raises(ledger.ReciprocityError):
        ledger.record_payment_run([reversal.id, books.approved().id], returned, books.organiser)
    ledger.record_payment_run([reversal.id], returned, books.organiser)
    totals = ledger.balances(books.contributor.id)[ledger.EntryKind.FEE]
    assert (totals.approved, totals.paid) == (5000, 0)  # the new one waits; £50 − £50 paid


def test_an_organiser_cannot_decide_on_or_pay_their_own_entries(books):
    both = make_user(roles=(ledger.Role.ORGANISER, ledger.Role.CONTRIBUTOR), name="Both")
    mine = books.log(person=both)
    for action in (
        lambda: ledger.approve(mine, both),
        lambda: ledger.reject(mine, "no", both),
        lambda: ledger.query_entry(mine, "?", both),
    ):
        with pytest.raises(ledger.ReciprocityError) as error:
            action()
        assert "your own entries" in error.value.message
    ledger.approve(mine, books.organiser)
    with pytest.raises(ledger.ReciprocityError):
        ledger.record_payment_run(
            [mine.id], ledger.PaymentDetails(date(2026, 7, 1), "cash", "R"), both
        )
    with pytest.raises(ledger.ReciprocityError):
        ledger.reverse(ledger.get_entry(mine.id), "x", both)


def test_two_organisers_paying_at_once_pay_once(app, books):
    entry = books.approved()
    entry_id, organiser_id = entry.id, books.organiser.id
    db.session.commit()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def pay(reference: str) -> None:
        with app.app_context():
            organiser = ledger.get_person(organiser_id)
            barrier.wait()
            try:
                with unit_of_work():
                    ledger.record_payment_run(
                        [entry_id],
                        ledger.PaymentDetails(date(2026, 7, 1), "bank_transfer", reference),
                        organiser,
                    )
                results.append("paid")
            except ledger.WrongStatus:
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pay, args=(f"R{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["paid", "refused"]
    assert len(ledger.list_payment_runs()) == 1


def test_every_ledger_action_is_audited_with_before_and_after(books):
    entry = books.log()
    ledger.query_entry(entry, "Q?", books.organiser)
    ledger.answer_query(ledger.get_entry(entry.id), "A.", books.contributor)
    ledger.approve(ledger.get_entry(entry.id), books.organiser)
    books.pay(ledger.get_entry(entry.id))
    ledger.reverse(ledger.get_entry(entry.id), "Wrong person", books.organiser)
    trail = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    ledger_trail = [(e.action, e.actor_id) for e in trail if e.action.startswith("reciprocity.e")]
    assert [action for action, _ in ledger_trail] == [
        "reciprocity.entry_queried",
        "reciprocity.entry_approved",
        "reciprocity.entry_reversed",
    ]
    approved = next(e for e in trail if e.action == "reciprocity.entry_approved")
    assert approved.before == {"status": "pending"} and approved.after["status"] == "approved"
    assert any(e.action == "reciprocity.query_answered" for e in trail)
    assert any(e.action == "reciprocity.payment_run" for e in trail)


# --- warnings -------------------------------------------------------------------------------


def profile(books, **changes):
    details = ledger.ProfileDetails(preferred_name="Priya", **changes)
    ledger.save_profile(books.contributor, details, books.contributor)


def codes(entry) -> list[str]:
    return [text.code for text in ledger.warnings_for(ledger.get_entry(entry.id))]


def test_benefits_warning_for_money_or_vouchers_only(books):
    profile(books, benefits_guidance=True)
    assert codes(books.log()) == ["benefits"]
    assert codes(books.log(choice="vouchers")) == ["benefits"]
    assert codes(books.log(choice="time_credits")) == []


def test_tax_year_threshold_counts_fees_and_vouchers_in_that_tax_year(app, books):
    app.config["FEE_WARNING_THRESHOLD_PENCE"] = 10_000  # £100
    try:
        books.log(day=date(2026, 4, 5), minutes=240)  # £100 in the 2025 to 2026 tax year
        assert codes(books.log(day=date(2026, 4, 6), minutes=180)) == []  # £75: not over
        over = books.log(day=date(2026, 4, 7), minutes=120, choice="vouchers")  # £125
        assert codes(over) == ["tax_threshold"]
        title = ledger.warnings_for(ledger.get_entry(over.id))[0].title
        assert title == "Fees this tax year would pass £100.00"
        after_rejection = books.log(day=date(2026, 4, 8), minutes=60)
        ledger.reject(ledger.get_entry(over.id), "dup", books.organiser)
        assert codes(after_rejection) == []  # £100 once the rejected £50 no longer counts
    finally:
        app.config["FEE_WARNING_THRESHOLD_PENCE"] = 100_000


def test_regular_role_warning_after_six_weeks_in_thirteen(books):
    for week in range(5):
        entry = books.log(day=date(2026, 5, 4) + week * (date(2026, 5, 11) - date(2026, 5, 4)))
    assert "regular_role" not in codes(entry)
    sixth = books.log(day=date(2026, 6, 8))
    assert "regular_role" in codes(sixth)


def test_public_sector_warning_for_fees(books):
    profile(books, public_sector_employee=True)
    assert codes(books.log()) == ["public_sector"]
    assert codes(books.log(choice="charity", charity="Mind")) == []


def test_approving_with_warnings_needs_acknowledgement_which_is_recorded(books):
    profile(books, benefits_guidance=True)
    entry = books.log()
    with pytest.raises(ledger.WarningsNotAcknowledged) as error:
        ledger.approve(entry, books.organiser)
    assert error.value.field == "acknowledge"
    assert ledger.get_entry(entry.id).status == "pending"
    ledger.approve(ledger.get_entry(entry.id), books.organiser, warnings_acknowledged=True)
    seen = {
        (row.user_id, row.code, row.as_organiser)
        for row in db.session.scalars(select(WarningSeen).where(WarningSeen.entry_id == entry.id))
    }
    assert seen == {
        (books.contributor.id, "benefits", False),  # shown when they logged it
        (books.organiser.id, "benefits", True),
    }
    audit = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "reciprocity.entry_approved")
    ).one()
    assert audit.after["warnings_seen"] == ["benefits"]


def test_guidance_wording_is_edited_in_one_place(books):
    ledger.save_guidance(
        "benefits",
        ledger.GuidanceText(
            "benefits",
            "Check your benefits",
            "Talk to an adviser.",
            "Turn2us",
            "https://www.turn2us.org.uk/",
        ),
        books.organiser,
    )
    profile(books, benefits_guidance=True)
    text = ledger.warnings_for(books.log())[0]
    assert (text.title, text.link_url, text.edited) == (
        "Check your benefits",
        "https://www.turn2us.org.uk/",
        True,
    )
    for bad, field in [
        (ledger.GuidanceText("benefits", "", "b"), "title"),
        (ledger.GuidanceText("benefits", "t", " "), "body"),
        (ledger.GuidanceText("benefits", "t", "b", "x", "javascript:alert(1)"), "link_url"),
        (ledger.GuidanceText("benefits", "t", "b", "", "https://a.example"), "link_text"),
    ]:
        with pytest.raises(ledger.ReciprocityError) as error:
            ledger.save_guidance("benefits", bad, books.organiser)
        assert error.value.field == field


def test_profile_keeps_the_payee_reference_for_organisers_only(books):
    ledger.save_profile(
        books.contributor,
        ledger.ProfileDetails(preferred_name="Priya", payee_reference="SUP-1"),
        books.organiser,
    )
    ledger.save_profile(
        books.contributor,
        ledger.ProfileDetails(preferred_name="Priya S", payee_reference="HACKED"),
        books.contributor,
    )
    saved = ledger.get_profile(books.contributor.id)
    assert (saved.preferred_name, saved.payee_reference) == ("Priya S", "SUP-1")
    with pytest.raises(ledger.ReciprocityError) as error:
        ledger.save_profile(
            books.contributor,
            ledger.ProfileDetails(preferred_name="P", public_credit="pseudonym"),
            books.contributor,
        )
    assert error.value.field == "pseudonym"
    with pytest.raises(ledger.NotAContributor):
        ledger.save_profile(make_user(), ledger.ProfileDetails("X"), books.organiser)


def test_entries_are_only_written_through_the_services(books):
    assert db.session.scalar(select(LedgerEntry)) is None


def test_the_run_file_takes_the_same_queries_for_any_number_of_people(books, count_queries):
    from tests.factories import make_user as person

    def run_with(people: int):
        entries = []
        for _ in range(people):
            someone = person(roles=(ledger.Role.CONTRIBUTOR,), password=None)
            ledger.save_profile(someone, ledger.ProfileDetails("Name"), books.organiser)
            entries.append(books.approved(person=someone))
        return books.pay(*entries, reference=f"R{people}")

    small, large = run_with(2), run_with(7)
    db.session.commit()  # the runs are saved before the file is read
    with count_queries() as few:
        ledger.payment_run_csv(small)
    with count_queries() as many:
        text = ledger.payment_run_csv(large)
    assert len(few) == len(many) and text.count("\n") == 8


def test_credits_are_shown_without_floats():
    assert ledger.format_credits(150) == "1.5 credits"
    assert ledger.format_credits(100) == "1 credit"
    assert ledger.format_credits(-33) == "−0.33 credits"


def test_the_database_itself_refuses_to_rewrite_an_entry(books):
    from sqlalchemy import update
    from sqlalchemy.exc import DatabaseError

    entry = books.approved()
    db.session.commit()
    with pytest.raises(DatabaseError) as error:
        db.session.execute(update(LedgerEntry).where(LedgerEntry.id == entry.id).values(amount=1))
    assert "append-only" in str(error.value)
    db.session.rollback()
    db.session.execute(
        update(LedgerEntry).where(LedgerEntry.id == entry.id).values(status="approved")
    )  # the workflow columns still move
    db.session.rollback()
    assert ledger.get_entry(entry.id).amount == 5000
