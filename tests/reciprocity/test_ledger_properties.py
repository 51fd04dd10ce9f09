"""Property-based: over any sequence of log / claim / approve / query / answer / reject /
withdraw / reverse / pay, the ledger's balances (owed, approved, paid per kind) equal the sums
of its entries, as replayed by a tiny independent model, and refusals change nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.money import TaxYear, tax_year_of
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import EntryKind
from tests.factories import make_user

DAYS = [date(2025, 12, 20), date(2026, 4, 5), date(2026, 4, 6), date(2026, 9, 1)]
CHOICES = ["fee", "vouchers", "time_credits", "charity", "less"]

log_op = st.tuples(
    st.just("log"),
    st.integers(min_value=15, max_value=600),
    st.sampled_from(CHOICES),
    st.sampled_from(DAYS),
)
claim_op = st.tuples(
    st.just("claim"), st.integers(min_value=1, max_value=50_000), st.sampled_from(DAYS)
)
entry_op = st.tuples(
    st.sampled_from(["approve", "query", "answer", "reject", "withdraw", "reverse"]),
    st.integers(min_value=0, max_value=30),
)
pay_op = st.tuples(
    st.just("pay"), st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=4)
)
operations = st.lists(st.one_of(log_op, claim_op, entry_op, pay_op), min_size=1, max_size=18)

# The model: entry id -> [kind, amount, status, day, reverses]
ALLOWED_FROM = {
    "approve": {"pending"},
    "query": {"pending"},
    "answer": {"queried"},
    "reject": {"pending", "queried"},
    "withdraw": {"pending", "queried"},
}
MOVES_TO = {
    "approve": "approved",
    "query": "queried",
    "answer": "pending",
    "reject": "rejected",
    "withdraw": "withdrawn",
}


def expected_balances(model: dict, year: TaxYear | None) -> dict:
    totals = {kind: [0, 0, 0] for kind in EntryKind}
    for kind, amount, status, day, _ in model.values():
        if year is not None and day not in year:
            continue
        slot = {"pending": 0, "queried": 0, "approved": 1, "paid": 2}.get(status)
        if slot is not None:
            totals[EntryKind(kind)][slot] += amount
    return totals


def actual_balances(person_id: int, year: TaxYear | None) -> dict:
    return {
        kind: [b.owed, b.approved, b.paid] for kind, b in ledger.balances(person_id, year).items()
    }


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,  # the same examples every run: CI stays repeatable
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations)
def test_balances_always_equal_the_sum_of_entries(books, ops):
    person = make_user(roles=(Role.CONTRIBUTOR,), password=None)
    organiser = books.organiser
    model: dict[int, list] = {}
    order: list[int] = []  # entry ids in the order written, for the ops' indexes

    def pick(index: int) -> int | None:
        return order[index % len(order)] if order else None

    for op in ops:
        name = op[0]
        if name == "log":
            _, minutes, choice, day = op
            offered = ledger.fee_for(2500, "hour", minutes, 1)
            less = offered // 2 if choice == "less" else None
            if choice == "less" and not 0 < less < offered:
                continue
            entry = books.log(
                person=person,
                minutes=minutes,
                choice=choice,
                day=day,
                less_pence=less,
                charity="Mind" if choice == "charity" else "",
            )
            kind, amount = {
                "fee": ("fee", offered),
                "vouchers": ("voucher", offered),
                "charity": ("charity", offered),
                "less": ("fee", less),
                "time_credits": ("time_credit", ledger.credits_for(minutes)),
            }[choice]
            assert (entry.kind, entry.amount) == (kind, amount)
            model[entry.id] = [kind, amount, "pending", day, None]
            order.append(entry.id)
        elif name == "claim":
            _, pence, day = op
            expense = ledger.claim_expense(
                person, ledger.ExpenseDetails("travel", day, pence, "Bus"), None, person
            )
            entry = ledger.entry_for_expense(expense.id)
            model[entry.id] = ["expense", pence, "pending", day, None]
            order.append(entry.id)
        elif name == "pay":
            ids = sorted({pick(index) for index in op[1]} - {None})
            if not ids:
                continue
            net = defaultdict(int)
            for entry_id in ids:
                net[model[entry_id][0]] += model[entry_id][1]
            open_pairs = [
                (row[4], entry_id)
                for entry_id, row in model.items()
                if row[4] is not None and row[2] == "approved" and model[row[4]][2] == "approved"
            ]
            allowed = (
                all(model[i][2] == "approved" for i in ids)
                and min(net.values()) >= 0
                and all((a in ids) == (b in ids) for a, b in open_pairs)
            )
            try:
                ledger.record_payment_run(
                    ids,
                    ledger.PaymentDetails(date(2026, 10, 1), "bank_transfer", "R"),
                    organiser,
                )
            except ledger.ReciprocityError:
                assert not allowed
            else:
                assert allowed
                for entry_id in ids:
                    model[entry_id][2] = "paid"
        else:
            entry_id = pick(op[1])
            if entry_id is None:
                continue
            entry = ledger.get_entry(entry_id)
            kind, amount, status, day, reverses = model[entry_id]
            if name == "reverse":
                already = any(row[4] == entry_id for row in model.values())
                allowed = status in ("approved", "paid") and reverses is None and not already
            else:
                allowed = status in ALLOWED_FROM[name]
            try:
                if name == "approve":
                    ledger.approve(entry, organiser, warnings_acknowledged=True)
                elif name == "query":
                    ledger.query_entry(entry, "Why?", organiser)
                elif name == "answer":
                    ledger.answer_query(entry, "Because.", person)
                elif name == "reject":
                    ledger.reject(entry, "No.", organiser)
                elif name == "withdraw":
                    ledger.withdraw(entry, person)
                else:
                    reversal = ledger.reverse(entry, "Correction", organiser)
            except ledger.ReciprocityError:
                assert not allowed, (name, status)
            else:
                assert allowed, (name, status)
                if name == "reverse":
                    model[reversal.id] = [kind, -amount, "approved", day, entry_id]
                    order.append(reversal.id)
                else:
                    model[entry_id][2] = MOVES_TO[name]
        db.session.expire_all()

        # After every step: each balance is the sum of the model's entries.
        for year in (None, *{tax_year_of(day) for day in DAYS}):
            assert actual_balances(person.id, year) == expected_balances(model, year)

    # The statement and the organisers' overview say the same, and amounts never changed.
    for year in {tax_year_of(day) for day in DAYS}:
        statement = ledger.statement(person, year)
        for kind, lines in statement.lines.items():
            assert sum(line.entry.amount for line in lines) == statement.totals[kind].total
        expected = expected_balances(model, year)
        assert {k: [b.owed, b.approved, b.paid] for k, b in statement.totals.items()} == expected
        overview = {row.person.id: row for row in ledger.all_balances(year)}
        if person.id in overview:
            got = overview[person.id].totals
            assert {k: [b.owed, b.approved, b.paid] for k, b in got.items()} == expected
    for entry in ledger.entries_for(person.id):
        assert entry.amount == model[entry.id][1] and entry.status == model[entry.id][2]
