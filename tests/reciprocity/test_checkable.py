"""Issue 11: payment runs a person can check (entry numbers, dates, counts and totals before
"Record the payment"), a certificate of approved work only, and warnings worded for who reads
them (the contributor as "you", an organiser about the contributor)."""

from __future__ import annotations

import re
from datetime import date

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import EntryKind
from tests.a11y import problems
from tests.boxes import date_boxes
from tests.factories import make_user


def text(response) -> str:
    return response.get_data(as_text=True)


def status_of(entry_id: int) -> str:
    db.session.expire_all()
    return ledger.get_entry(entry_id).status


def _claim(books, pence=1840, person=None, day=date(2026, 6, 30)):
    person = person or books.contributor
    claim = ledger.claim_expense(
        person, ledger.ExpenseDetails("travel", day, pence, "Train to Leeds"), None, person
    )
    entry = ledger.entry_for_expense(claim.id)
    ledger.approve(entry, books.organiser)
    return ledger.get_entry(entry.id)


# --- the certificate: approved work only ------------------------------------------------------


def test_the_certificate_counts_only_approved_work(books):
    day = date(2026, 5, 12)
    books.approved(day=day, minutes=60)
    paid = books.approved(day=day, minutes=75)
    books.pay(paid)
    books.log(day=day, minutes=90, choice="decline")  # the person's choice: nothing to approve
    books.log(day=day, minutes=20)  # waiting for approval
    queried = books.log(day=day, minutes=25)
    ledger.query_entry(queried, "Which meeting?", books.organiser)
    rejected = books.log(day=day, minutes=30)
    ledger.reject(rejected, "Not ours", books.organiser)
    withdrawn = books.log(day=day, minutes=35)
    ledger.withdraw(withdrawn, books.contributor)
    reversed_ = books.approved(day=day, minutes=40)
    ledger.reverse(reversed_, "Logged twice", books.organiser)
    credits = books.log(day=day, minutes=45, choice="time_credits")
    ledger.approve(credits, books.organiser)

    certificate = ledger.certificate(books.contributor)
    counted = {item.involvement.minutes for item in certificate.activities}
    assert counted == {60, 75, 90, 45}
    assert certificate.total_minutes == 60 + 75 + 90 + 45
    assert ledger.certificate(books.contributor, ledger.TaxYear(2025)).activities == []

    # The portfolio still lists what is waiting or corrected, saying where each stands, and
    # its "on your certificate" figure is the certificate's.
    portfolio = ledger.portfolio(books.contributor)
    standing = {item.involvement.minutes: item.standing for item in portfolio.activities}
    assert standing == {
        60: "Approved",
        75: "Approved",
        90: "Payment declined",
        20: "Waiting for approval",
        25: "Question asked",
        40: "Corrected by the organisers",
        45: "Approved",
    }
    assert portfolio.approved_minutes == certificate.total_minutes


def test_an_entry_approved_later_joins_the_certificate(books):
    entry = books.log(minutes=60)
    assert ledger.certificate(books.contributor).activities == []
    ledger.approve(entry, books.organiser)
    assert ledger.certificate(books.contributor).total_minutes == 60


def test_the_certificate_page_leaves_out_an_entry_waiting_for_approval(browser, books):
    books.approved(day=date(2026, 5, 12), minutes=90)
    books.log(day=date(2026, 6, 2), minutes=120)  # waiting for approval
    browser.sign_in(books.contributor.email)
    page = text(browser.get("/involvement/certificate?year=2026"))
    assert "Tuesday 12 May 2026" in page and "1 h 30 min" in page
    assert "Tuesday 2 June 2026" not in page and "2 hours" not in page
    assert "approved activities only" in page
    portfolio = text(browser.get("/involvement/portfolio"))
    assert "Tuesday 2 June 2026" in portfolio and "Waiting for approval" in portfolio
    assert "On your certificate" in portfolio
    assert problems(portfolio) == []


# --- payment runs: figures to check ---------------------------------------------------------


def test_payment_summary_counts_and_adds_up_per_kind_and_per_person(books):
    other = make_user(roles=(Role.CONTRIBUTOR,), name="Amal Brown")
    ledger.save_profile(
        other, ledger.ProfileDetails("Amal Brown", payee_reference="SUP-9"), books.organiser
    )
    first = books.approved(minutes=60)  # £25.00
    second = books.approved(minutes=60)  # the same again: a separate line
    expense = _claim(books)  # £18.40
    credits = books.log(minutes=90, choice="time_credits", person=other, by=other)
    ledger.approve(credits, books.organiser)
    books.approved(minutes=30, person=other, by=other)  # £12.50
    corrected = books.approved(minutes=120, person=other, by=other)  # £50.00 ...
    ledger.reverse(corrected, "Wrong meeting", books.organiser)  # ... and −£50.00

    payable = ledger.payable_entries()
    summary = ledger.payment_summary(payable)
    assert summary.entries == 7
    assert summary.by_kind == {
        EntryKind.FEE: 2500 + 2500 + 1250 + 5000 - 5000,
        EntryKind.EXPENSE: 1840,
        EntryKind.TIME_CREDIT: 150,
    }
    assert summary.money == 2500 + 2500 + 1250 + 1840
    assert summary.kinds == [EntryKind.FEE, EntryKind.TIME_CREDIT, EntryKind.EXPENSE]
    assert summary.money_kinds == 2
    amal, priya = summary.people  # by name
    assert (amal.name, amal.payee_reference, amal.entries) == ("Amal Brown", "SUP-9", 4)
    assert amal.by_kind == {EntryKind.FEE: 1250, EntryKind.TIME_CREDIT: 150}
    assert amal.money == 1250  # time credits are not money
    assert (priya.name, priya.entries, priya.money) == ("Priya Shah", 3, 2500 + 2500 + 1840)

    # Only what is chosen counts; the recorded run gives the same figures as before it.
    chosen = [item for item in payable if item.entry.id in {first.id, second.id, expense.id}]
    before = ledger.payment_summary(chosen)
    assert (before.entries, before.money, len(before.people)) == (3, 6840, 1)
    run = books.pay(first, second, expense)
    after = ledger.payment_summary(ledger.payment_run_lines(run))
    assert (after.entries, after.by_kind, after.money) == (3, before.by_kind, 6840)
    assert [p.entries for p in after.people] == [3]
    assert ledger.payment_summary([]).entries == 0


def _pay_form(entry_ids, **extra):
    return {
        "entries": list(entry_ids),
        **date_boxes("paid_on", "10", "7", "2026"),
        "method": "bank_transfer",
        "reference": "BACS-9",
        **extra,
    }


def test_each_line_has_its_entry_number_and_date_and_the_totals_come_before_the_button(
    browser, books
):
    other = make_user(roles=(Role.CONTRIBUTOR,), name="Amal Brown")
    first = books.approved(day=date(2026, 5, 12), minutes=60)
    second = books.approved(day=date(2026, 5, 19), minutes=60)  # the same activity and amount
    theirs = books.approved(day=date(2026, 5, 20), minutes=30, person=other, by=other)
    browser.sign_in(books.organiser.email)
    page = text(browser.get("/ledger/payments/new"))
    labels = re.findall(r'<label for="entries-\d+">(.*?)</label>', page, re.S)
    assert len(labels) == 3 and len(set(labels)) == 3  # never two identical lines
    assert f"Entry {first.id}</strong>" in labels[0] and "Tuesday 12 May 2026" in labels[0]
    assert f"Entry {second.id}</strong>" in labels[1] and "Tuesday 19 May 2026" in labels[1]
    assert "£25.00" in labels[0] and "£25.00" in labels[1]
    totals = page.index('id="payment-totals"')
    assert totals < page.index('value="Record the payment"')
    summary = page[totals : page.index('value="Record the payment"')]
    assert "3 entries</strong> for 2 people" in summary and "£62.50" in summary
    assert "Totals per person" in summary
    assert re.search(r"Amal Brown</th>\s*<td>Not set</td>\s*<td class=\"numeric\">1</td>", summary)
    assert re.search(r"Priya Shah</th>\s*<td>Not set</td>\s*<td class=\"numeric\">2</td>", summary)
    assert problems(page) == []

    # Unticking one and working out the totals again: figures for what is ticked, nothing paid.
    checked = browser.submit(
        "/ledger/payments/new",
        _pay_form([first.id, second.id], check="Work out the totals", reference=""),
    )
    body = text(checked)
    assert checked.status_code == 200 and "There is a problem" not in body
    summary = body[body.index('id="payment-totals"') :]
    assert "2 entries</strong> for 1 person (Priya Shah)" in summary and "£50.00" in summary
    assert "Totals per person" not in summary
    assert f'name="summarised" type="hidden" value="{first.id},{second.id}"' in body
    assert 'formaction="/ledger/payments/new#payment-totals"' in body
    assert status_of(first.id) == "approved"

    # Recording with totals worked out for something else: told, nothing recorded.
    changed = browser.submit(
        "/ledger/payments/new",
        _pay_form([first.id], submit="Record the payment", summarised=f"{first.id},{second.id}"),
    )
    assert changed.status_code == 200 and "Nothing is recorded yet" in text(changed)
    assert "1 entry</strong> for 1 person" in text(changed)
    assert status_of(first.id) == "approved"

    # With the totals of what is ticked, it is recorded, and the run page shows the same.
    done = browser.submit(
        "/ledger/payments/new",
        _pay_form(
            [first.id, theirs.id], submit="Record the payment", summarised=f"{first.id},{theirs.id}"
        ),
    )
    assert done.status_code == 302 and status_of(first.id) == "paid"
    run_page = text(browser.get(done.headers["Location"]))
    assert "Payment recorded for 2 entries" in run_page
    assert "2 entries</strong> for 2 people" in run_page and "£37.50" in run_page
    assert f">Entry {first.id}</a>" in run_page and "Tuesday 12 May 2026" in run_page
    assert f">Entry {theirs.id}</a>" in run_page and "Wednesday 20 May 2026" in run_page
    assert f">Entry {second.id}</a>" not in run_page
    assert run_page.index('id="payment-totals"') < run_page.index("Entries paid")
    assert problems(run_page) == []


def test_errors_on_the_payment_form_keep_the_totals_of_what_is_ticked(browser, books):
    entry = books.approved(minutes=60)
    browser.sign_in(books.organiser.email)
    response = browser.submit(
        "/ledger/payments/new", _pay_form([entry.id], submit="Record the payment", reference="")
    )
    body = text(response)
    assert response.status_code == 200 and "There is a problem" in body
    assert "1 entry</strong> for 1 person" in body
    assert f'name="summarised" type="hidden" value="{entry.id}"' in body
    assert status_of(entry.id) == "approved"


def test_only_organisers_reach_payment_runs(browser, books):
    entry = books.approved(minutes=60)
    browser.sign_in(books.contributor.email)
    assert browser.get("/ledger/payments/new").status_code == 403
    response = browser.submit(
        "/ledger/payments/new",
        _pay_form([entry.id], submit="Record the payment", summarised=str(entry.id)),
        form_url="/involvement/",
    )
    assert response.status_code == 403 and status_of(entry.id) == "approved"


# --- warnings worded for who reads them -----------------------------------------------------


def _wants_benefits_guidance(books):
    ledger.save_profile(
        books.contributor,
        ledger.ProfileDetails("Priya Shah", benefits_guidance=True, public_sector_employee=True),
        books.contributor,
    )


def test_the_contributor_is_spoken_to_and_the_organiser_told_about_them(books):
    _wants_benefits_guidance(books)
    entry = books.log()
    texts = ledger.entry_view(entry).warnings
    assert [t.code for t in texts] == ["benefits", "public_sector"]

    theirs = ledger.worded_for(texts, books.contributor, books.contributor)
    assert all(w.for_contributor and w.about == "" for w in theirs)
    assert theirs[0].body.startswith("You asked to see guidance about benefits.")
    assert theirs[1].body.startswith("You told us you work for a public-sector organisation.")
    for warning in theirs:
        assert "This contributor" not in warning.body and "this person" not in warning.body

    organisers = ledger.worded_for(texts, books.contributor, books.organiser)
    assert not any(w.for_contributor for w in organisers)
    assert organisers[0].about == (
        "Priya Shah asked to see guidance about benefits before accepting a fee or vouchers."
    )
    assert organisers[1].about.startswith("Priya Shah told us they work for a public-sector")
    assert organisers[0].body == theirs[0].body  # one source: the same guidance
    assert ledger.about_the_contributor("benefits").startswith("This contributor asked")


def test_organisers_own_wording_still_reaches_both_readers(books):
    _wants_benefits_guidance(books)
    ledger.save_guidance(
        "benefits",
        ledger.GuidanceText("benefits", "Benefits", "You may want advice first."),
        books.organiser,
    )
    texts = ledger.entry_view(books.log()).warnings
    assert ledger.worded_for(texts, books.contributor, books.contributor)[0].body == (
        "You may want advice first."
    )
    organiser = ledger.worded_for(texts, books.contributor, books.organiser)[0]
    assert organiser.body == "You may want advice first." and "Priya Shah" in organiser.about


def test_the_tax_threshold_is_filled_in_for_both_readers(app, books, monkeypatch):
    monkeypatch.setitem(app.config, "FEE_WARNING_THRESHOLD_PENCE", 1000)
    texts = ledger.entry_view(books.log()).warnings
    assert [t.code for t in texts] == ["tax_threshold"]
    mine = ledger.worded_for(texts, books.contributor, books.contributor)[0]
    assert "your fees and vouchers" in mine.body and "£10.00" in mine.body
    theirs = ledger.worded_for(texts, books.contributor, books.organiser)[0]
    assert theirs.about == (
        "Priya Shah's fees and vouchers in this tax year, with this entry, add up to more "
        "than £10.00."
    )


def test_warning_pages_speak_to_whoever_reads_them(browser, books):
    _wants_benefits_guidance(books)
    entry = books.log()
    browser.sign_in(books.contributor.email)
    mine = text(browser.get(f"/involvement/entries/{entry.id}"))
    assert "Things for you to check" in mine
    assert "You asked to see guidance about benefits" in mine
    assert "This contributor" not in mine and "Priya Shah asked" not in mine
    assert f"Entry {entry.id}" in mine and "(recorded by you)" in mine
    assert problems(mine) == []
    log = text(
        browser.submit(
            "/involvement/log",
            {
                "activity_id": books.activity_id,
                **date_boxes("activity_on", "12", "5", "2026"),
                "hours": "1",
                "choice": "fee",
                "check": "Work out the fee",
            },
        )
    )
    assert "You asked to see guidance about benefits" in log and "Priya Shah asked" not in log
    browser.sign_out()

    browser.sign_in(books.organiser.email)
    review = text(browser.get(f"/ledger/entries/{entry.id}"))
    assert "Things to check before approval" in review
    assert "Priya Shah asked to see guidance about benefits" in review
    assert "The guidance they see:" in review
    assert "<blockquote><p>You asked to see guidance about benefits" in review
    assert "(recorded by the contributor)" in review
    assert problems(review) == []
    for_them = text(
        browser.submit(
            f"/ledger/contributors/{books.contributor.id}/log",
            {
                "activity_id": books.activity_id,
                **date_boxes("activity_on", "12", "5", "2026"),
                "hours": "1",
                "choice": "fee",
                "check": "Work out the fee",
            },
        )
    )
    assert "Priya Shah asked to see guidance about benefits" in for_them
    guidance = text(browser.get("/ledger/guidance"))
    assert "Organisers see first: “This contributor asked to see guidance" in guidance


def test_bad_entries_on_the_payment_form_are_told_not_a_500(browser, books):
    entry = books.approved(minutes=60)
    browser.sign_in(books.organiser.email)
    checked = browser.submit(
        "/ledger/payments/new", _pay_form(["abc"], check="Work out the totals")
    )
    assert checked.status_code == 200 and "No entries are ticked" in text(checked)
    record = _pay_form(["abc"], submit="Record the payment", summarised="abc")
    refused = browser.submit("/ledger/payments/new", record)
    assert refused.status_code == 200 and "There is a problem" in text(refused)
    gone = browser.submit(
        "/ledger/payments/new", _pay_form([999999], submit="Record the payment", summarised="")
    )
    assert gone.status_code == 200 and "There is a problem" in text(gone)
    assert status_of(entry.id) == "approved"
