"""Expenses with receipts (checked by content, stored in the database), statements per tax
year with kinds kept apart, balances, the aged list, recognition and public credits."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.money import TaxYear
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import EntryKind, ExpenseClaim, Receipt
from tests.factories import make_edition, make_event, make_user

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def claim(books, receipt=None, **changes):
    details = ledger.ExpenseDetails(
        category=changes.pop("category", "travel"),
        spent_on=changes.pop("spent_on", date(2026, 6, 30)),
        pence=changes.pop("pence", 1840),
        description=changes.pop("description", "Train to Leeds"),
        **changes,
    )
    return ledger.claim_expense(books.contributor, details, receipt, books.contributor)


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("ticket.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("scan.jpeg", JPEG, "image/jpeg"),
        ("no-extension", PDF, "application/pdf"),
    ],
)
def test_receipts_are_typed_by_content_and_kept_in_the_database(books, name, data, content_type):
    expense = claim(books, ledger.Upload(name, data))
    receipt = db.session.scalar(select(Receipt).where(Receipt.expense_id == expense.id))
    assert receipt.content_type == content_type and receipt.size == len(data)
    assert receipt.data == data and len(receipt.sha256) == 64
    entry = ledger.entry_for_expense(expense.id)
    assert (entry.kind, entry.amount, entry.status) == ("expense", 1840, "pending")


@pytest.mark.parametrize(
    "upload, words",
    [
        (ledger.Upload("receipt.pdf", b"MZ\x90\x00 a program renamed"), "must be a PDF"),
        (ledger.Upload("receipt.pdf", b"<html><script>alert(1)</script>"), "must be a PDF"),
        (ledger.Upload("receipt.pdf", b""), "empty"),
        (ledger.Upload("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024)), "smaller than 5 MB"),
    ],
)
def test_bad_receipts_are_refused_and_nothing_is_saved(books, upload, words):
    with pytest.raises(ledger.BadReceipt) as error:
        claim(books, upload)
    assert words in error.value.message and error.value.field == "receipt"
    assert db.session.scalar(select(func.count()).select_from(ExpenseClaim)) == 0


def test_a_future_cost_needs_advance_approval(books):
    later = date.today() + timedelta(days=20)
    with pytest.raises(ledger.ReciprocityError) as error:
        claim(books, spent_on=later)
    assert error.value.field == "spent_on" and "in advance" in error.value.message
    expense = claim(books, spent_on=later, in_advance=True)
    entry = ledger.entry_for_expense(expense.id)
    ledger.approve(entry, books.organiser)
    books.pay(ledger.get_entry(entry.id), day=date.today())
    assert ledger.get_entry(entry.id).status == "paid"
    ledger.add_receipt(expense, ledger.Upload("after.jpg", JPEG), books.contributor)
    assert len(ledger.entry_view(ledger.get_entry(entry.id)).receipts) == 1


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"pence": 0}, "amount"),
        ({"pence": -500}, "amount"),
        ({"pence": 10_000_000}, "amount"),
        ({"category": "holiday"}, "category"),
        ({"description": " "}, "description"),
        ({"spent_on": date(2001, 1, 1)}, "spent_on"),
        ({"event_id": 999999}, "event_id"),
    ],
)
def test_bad_expenses_are_refused(books, changes, field):
    with pytest.raises(ledger.ReciprocityError) as error:
        claim(books, **changes)
    assert error.value.field == field


# --- statements and balances ----------------------------------------------------------------


def test_statement_keeps_kinds_apart_and_totals_are_sums_of_its_lines(books):
    paid = books.approved(day=date(2026, 5, 12), minutes=120)  # £50 fee
    books.pay(paid)
    books.approved(day=date(2026, 6, 1), minutes=60)  # £25 approved, unpaid
    books.log(day=date(2026, 6, 2), minutes=90, choice="time_credits")  # 1.5 credits owed
    books.log(day=date(2026, 6, 3), choice="decline")
    books.log(day=date(2026, 6, 4), choice="vouchers")  # £50 vouchers owed
    claim(books, spent_on=date(2026, 6, 30), pence=1840)
    books.log(day=date(2026, 4, 5), minutes=60)  # previous tax year
    statement = ledger.statement(books.contributor, TaxYear(2026))
    fee = statement.totals[EntryKind.FEE]
    assert (fee.owed, fee.approved, fee.paid) == (0, 2500, 5000)
    assert statement.totals[EntryKind.TIME_CREDIT].owed == 150
    assert statement.totals[EntryKind.VOUCHER].owed == 5000
    assert statement.totals[EntryKind.EXPENSE].owed == 1840
    for kind, lines in statement.lines.items():
        assert sum(line.entry.amount for line in lines) == statement.totals[kind].total
    assert [line.paid_on for line in statement.lines[EntryKind.FEE]] == [date(2026, 7, 10), None]
    assert len(statement.declined) == 1
    csv_lines = ledger.statement_csv(statement).splitlines()
    assert csv_lines[0].startswith("tax_year,contributor,payee_reference,entry,date,kind")
    assert any(",time_credit," in line and line.count(",1.50,") for line in csv_lines)
    assert any(",expense," in line and ",18.40," in line for line in csv_lines)
    assert any(",declined," in line for line in csv_lines)
    assert not any("2026-04-05" in line for line in csv_lines)


def test_csv_cells_cannot_run_as_formulas(books):
    ledger.save_profile(
        books.contributor, ledger.ProfileDetails('=HYPERLINK("http://evil")'), books.organiser
    )
    books.log()
    text = ledger.statement_csv(ledger.statement(books.contributor, TaxYear(2026)))
    assert "'=HYPERLINK" in text and ",=" not in text
    assert ",50.00," in text  # numbers stay numbers


def test_aged_list_is_oldest_first_and_leaves_out_cancelled_pairs(books):
    old = books.approved(day=date(2026, 5, 1))
    new = books.approved(day=date(2026, 5, 2))
    cancelled = books.approved(day=date(2026, 5, 3))
    ledger.reverse(cancelled, "duplicate", books.organiser)
    today = date.today() + timedelta(days=3)
    aged = ledger.approved_not_paid(today)
    assert [item.entry.id for item in aged.items] == [old.id, new.id] and aged.count == 2
    assert all(item.days_waiting == 3 for item in aged.items)
    assert len(ledger.payable_entries(today)) == 4  # the pair can still be closed in a run
    oldest = ledger.approved_not_paid(today, limit=1)
    assert [item.entry.id for item in oldest.items] == [old.id] and oldest.count == 2


def test_all_balances_in_one_pass(books, count_queries):
    other = make_user(roles=(Role.CONTRIBUTOR,), name="Aaron")
    books.approved()
    books.log(person=other)
    with count_queries() as queries:
        rows = ledger.all_balances(TaxYear(2026))
    few = len(queries)
    assert [row.person.name for row in rows] == ["Aaron", "Priya Shah"]
    assert rows[0].money.owed == 5000 and rows[1].money.approved == 5000
    for number in range(6):
        books.log(person=make_user(roles=(Role.CONTRIBUTOR,)), minutes=60 + number)
    with count_queries() as queries:
        assert len(ledger.all_balances(TaxYear(2026))) == 8
    assert len(queries) == few <= 3


def test_tax_years_listed_for_a_contributor(books):
    books.log(day=date(2024, 6, 1))
    years = ledger.tax_years_for(books.contributor.id, today=date(2026, 11, 22))
    assert [year.start_year for year in years] == [2026, 2025, 2024]


# --- recognition --------------------------------------------------------------------------


def test_public_credits_follow_each_persons_choice(books):
    event = make_event(make_edition(2026))
    pseudonymous = make_user(roles=(Role.CONTRIBUTOR,), name="Marcus Bell")
    anonymous = make_user(roles=(Role.CONTRIBUTOR,), name="Secret Person")
    ledger.save_profile(
        pseudonymous,
        ledger.ProfileDetails("Marcus", public_credit="pseudonym", pseudonym="M. B."),
        pseudonymous,
    )
    ledger.save_profile(anonymous, ledger.ProfileDetails("S", public_credit="anonymous"), anonymous)
    for person in (books.contributor, pseudonymous, anonymous):
        ledger.issue_recognition(
            person,
            ledger.RecognitionDetails("credit", "Co-facilitated", event_id=event.id),
            books.organiser,
        )
    assert ledger.public_credits(event.id) == [
        "Priya Shah",
        "M. B.",
        "A contributor with lived experience",
    ]


def test_recognition_rules(books):
    with pytest.raises(ledger.ReciprocityError) as error:
        ledger.issue_recognition(
            books.contributor, ledger.RecognitionDetails("credit", "Thanks"), books.organiser
        )
    assert error.value.field == "event_id"
    with pytest.raises(ledger.ReciprocityError):
        ledger.issue_recognition(
            books.contributor, ledger.RecognitionDetails("thank_you", "Thanks"), books.contributor
        )
    ledger.issue_recognition(
        books.contributor,
        ledger.RecognitionDetails("thank_you", "You said, we did", "Step-free venue booked."),
        books.organiser,
    )
    books.log(day=date(2026, 5, 12), minutes=90, choice="decline")
    portfolio = ledger.portfolio(books.contributor)
    assert portfolio.total_minutes == 90 and len(portfolio.recognitions) == 1
    assert ledger.portfolio(books.contributor, TaxYear(2025)).activities == []


def test_no_receipt_for_a_rejected_expense(books):
    expense = claim(books)
    ledger.reject(ledger.entry_for_expense(expense.id), "Not ours", books.organiser)
    with pytest.raises(ledger.BadReceipt) as error:
        ledger.add_receipt(expense, ledger.Upload("r.pdf", PDF), books.contributor)
    assert "not approved" in error.value.message
