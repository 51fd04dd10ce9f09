"""The ledger through the browser: from logging to a paid statement, form errors that keep
what was typed, receipts only for their owner and organisers, query counts, accessibility."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.demo import DEMO_PASSWORD, seed_demo
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import Involvement, LedgerEntry
from tests.a11y import problems
from tests.boxes import date_boxes
from tests.factories import PASSWORD, make_user

PDF = b"%PDF-1.4\n%%EOF\n"


def text(response) -> str:
    return response.get_data(as_text=True)


def status_of(entry_id: int) -> str:
    db.session.expire_all()  # the pages wrote in their own sessions
    return ledger.get_entry(entry_id).status


def test_from_logging_to_a_paid_statement(browser, books):
    ledger.save_profile(
        books.contributor,
        ledger.ProfileDetails("Priya Shah", benefits_guidance=True),
        books.contributor,
    )
    browser.sign_in(books.contributor.email)
    form = {
        "activity_id": books.activity_id,
        **date_boxes("activity_on", "12", "5", "2026"),
        "hours": "1:30",
        "units": "1",
        "event_id": "",
        "choice": "fee",
    }
    checked = browser.submit("/involvement/log", {**form, "check": "Work out the fee"})
    assert checked.status_code == 200 and "£37.50" in text(checked)
    assert "Payments and vouchers can affect benefits" in text(checked)  # shown before logging
    assert db.session.scalar(select(func.count()).select_from(Involvement)) == 0
    # Straight to "Log this activity" with a warning not yet seen: shown first, nothing saved.
    bounced = browser.submit("/involvement/log", {**form, "submit": "Log this activity"})
    assert bounced.status_code == 200 and "Nothing is saved yet" in text(bounced)
    assert db.session.scalar(select(func.count()).select_from(Involvement)) == 0
    shown = re.search(r'name="warnings_shown" type="hidden" value="([^"]*)"', text(bounced))
    assert shown.group(1) == "benefits"
    logged = browser.submit(
        "/involvement/log", {**form, "warnings_shown": "benefits", "submit": "Log this activity"}
    )
    assert logged.status_code == 302
    entry = db.session.scalar(select(LedgerEntry))
    assert logged.headers["Location"] == f"/involvement/entries/{entry.id}"
    assert "Waiting for approval" in text(browser.get(logged.headers["Location"]))

    browser.sign_out()
    browser.sign_in(books.organiser.email)
    review = f"/ledger/entries/{entry.id}"
    page = text(browser.get(review))
    assert "Priya Shah (contributor) saw" in page
    refused = browser.submit(f"{review}/approve", {"approve": "Approve"}, form_url=review)
    assert refused.status_code == 200 and "tick the box" in text(refused)
    assert status_of(entry.id) == "pending"
    approved = browser.submit(
        f"{review}/approve", {"acknowledge": "y", "approve": "Approve"}, form_url=review
    )
    assert approved.status_code == 302 and status_of(entry.id) == "approved"
    assert "37.50" in text(browser.get("/ledger/"))  # in the aged list

    payment = {
        "entries": [entry.id],
        **date_boxes("paid_on", "10", "7", "2026"),
        "method": "bank_transfer",
        "reference": "BACS-77",
        "submit": "Record the payment",
    }
    # Recorded only once the totals shown were worked out for exactly what is ticked.
    unchecked = browser.submit("/ledger/payments/new", payment)
    assert unchecked.status_code == 200 and "Nothing is recorded yet" in text(unchecked)
    assert status_of(entry.id) == "approved"
    paid = browser.submit("/ledger/payments/new", {**payment, "summarised": str(entry.id)})
    assert paid.status_code == 302
    csv_file = browser.get(paid.headers["Location"] + ".csv")
    assert csv_file.mimetype == "text/csv" and "BACS-77" in text(csv_file)
    assert "attachment" in csv_file.headers["Content-Disposition"]

    browser.sign_out()
    browser.sign_in(books.contributor.email)
    statement = text(browser.get("/involvement/statement?year=2026"))
    assert "tax year 2026 to 2027" in statement and "BACS-77" in statement
    assert problems(statement) == []
    csv_statement = text(browser.get("/involvement/statement.csv?year=2026"))
    assert ",fee," in csv_statement and ",paid,37.50,,2026-07-10,BACS-77" in csv_statement


def test_form_errors_keep_what_was_typed_and_save_nothing(browser, books):
    browser.sign_in(books.contributor.email)
    page = browser.submit(
        "/involvement/log",
        {
            "activity_id": books.activity_id,
            **date_boxes("activity_on", "30", "2", "2026"),
            "hours": "lots",
            "choice": "less",
            "less_amount": "-5",
            "related_to": "The gap map",
            "submit": "Log this activity",
        },
    )
    body = text(page)
    assert page.status_code == 200 and "There is a problem" in body
    assert "The date of the activity must be a real date" in body
    assert 'href="#activity_on-day"' in body and "Enter hours as a number" in body
    assert "Enter an amount of £0.01 or more" in body
    assert 'value="lots"' in body and 'value="The gap map"' in body
    assert problems(body) == []
    assert db.session.scalar(select(func.count()).select_from(Involvement)) == 0


def test_a_future_date_is_refused_next_to_the_field(browser, books):
    browser.sign_in(books.contributor.email)
    body = text(
        browser.submit(
            "/involvement/log",
            {
                "activity_id": books.activity_id,
                **date_boxes("activity_on", "1", "1", "2099"),
                "hours": "2",
                "choice": "fee",
                "submit": "Log this activity",
            },
        )
    )
    assert 'href="#activity_on-day"' in body and "cannot be in the future" in body


@pytest.mark.parametrize(
    "hours, words",
    [
        ("1e999999", "as a number"),
        ("9" * 40, "as a number"),
        ("0.01", "at least 0.25"),
        ("-2", "as a number"),
        ("25", "24 hours or less"),
        ("nan", "as a number"),
    ],
)
def test_hours_that_are_not_hours_are_refused_quickly(browser, books, hours, words):
    browser.sign_in(books.contributor.email)
    response = browser.submit(
        "/involvement/log",
        {
            "activity_id": books.activity_id,
            **date_boxes("activity_on", "12", "5", "2026"),
            "hours": hours,
            "choice": "fee",
            "submit": "Log this activity",
        },
    )
    assert response.status_code == 200 and words in text(response)
    assert db.session.scalar(select(func.count()).select_from(Involvement)) == 0


def test_status_refusals_are_told_at_the_top(browser, books):
    entry = books.approved()
    browser.sign_in(books.organiser.email)
    review = f"/ledger/entries/{entry.id}"
    again = browser.submit(f"{review}/approve", {"approve": "Approve"}, form_url=review)
    assert again.status_code == 302
    assert "already approved" in text(browser.get(again.headers["Location"]))


def test_huge_ids_in_the_query_string_are_not_found(browser, books):
    browser.sign_in(books.contributor.email)
    assert browser.get("/involvement/log?event=99999999999999999999").status_code == 404


@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999", "-1", "0"])
def test_numbers_of_any_size_in_the_query_string_are_never_a_500(browser, books, value):
    browser.sign_in(books.contributor.email)
    assert browser.get(f"/involvement/log?event={value}").status_code == 404
    assert browser.get(f"/involvement/log?reviewing={value}").status_code == 404
    for url in ("/involvement/statement", "/involvement/certificate", "/involvement/"):
        assert browser.get(f"{url}?year={value}").status_code == 200, url  # the current year
    browser.sign_out()
    browser.sign_in(books.organiser.email)
    contributor = books.contributor.id
    for url in (
        f"/ledger/contributors/{contributor}/statement",
        f"/ledger/contributors/{contributor}/statement.csv",
        "/ledger/",
    ):
        assert browser.get(f"{url}?year={value}").status_code == 200, url


def test_receipts_upload_and_are_only_for_their_owner_and_organisers(app, browser, books):
    browser.sign_in(books.contributor.email)
    response = browser.submit(
        "/involvement/expenses/new",
        {
            "category": "travel",
            "description": "Train",
            **date_boxes("spent_on", "30", "6", "2026"),
            "amount": "18.40",
            "receipt": (io.BytesIO(PDF), "ticket.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)[:500]
    page = text(browser.get(response.headers["Location"]))
    receipt_url = re.search(r'href="(/receipts/\d+)"', page).group(1)
    download = browser.get(receipt_url)
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    renamed = browser.submit(
        "/involvement/expenses/new",
        {
            "category": "travel",
            "description": "Taxi",
            **date_boxes("spent_on", "30", "6", "2026"),
            "amount": "9",
            "receipt": (io.BytesIO(b"MZ\x90 not a pdf"), "receipt.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert renamed.status_code == 200 and "must be a PDF" in text(renamed)
    assert 'value="Taxi"' in text(renamed)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1

    browser.sign_out()
    stranger = make_user(roles=(Role.CONTRIBUTOR,))
    browser.sign_in(stranger.email)
    assert browser.get(receipt_url).status_code == 404
    entry_id = db.session.scalar(select(LedgerEntry.id))
    assert browser.get(f"/involvement/entries/{entry_id}").status_code == 404
    assert (
        browser.submit(f"/involvement/entries/{entry_id}/withdraw", {}, form_url="/").status_code
        == 404
    )
    browser.sign_out()
    browser.sign_in(books.organiser.email)
    assert browser.get(receipt_url).status_code == 200


def test_a_question_is_answered_on_the_entry_page(browser, books):
    entry = books.log()
    ledger.query_entry(entry, "Was this online?", books.organiser)
    browser.sign_in(books.contributor.email)
    url = f"/involvement/entries/{entry.id}"
    assert "Was this online?" in text(browser.get(url))
    empty = browser.submit(f"{url}/answer", {"answer": " "}, form_url=url)
    assert empty.status_code == 200 and 'href="#answer"' in text(empty)
    done = browser.submit(f"{url}/answer", {"answer": "Yes, on Zoom."}, form_url=url)
    assert done.status_code == 302 and status_of(entry.id) == "pending"


def test_an_overlapping_rate_is_refused_on_the_page(browser, books):
    browser.sign_in(books.organiser.email)
    page = browser.submit(
        "/ledger/rates",
        {
            "activity_id": books.activity_id,
            "unit": "hour",
            "pounds": "30",
            **date_boxes("starts_on", "6", "4", "2024"),
            "source": "Board decision",
        },
    )
    body = text(page)
    assert page.status_code == 200 and "already has a rate" in body
    assert 'value="Board decision"' in body and 'value="30"' in body


def test_the_organiser_logs_for_someone_who_phoned(browser, books):
    browser.sign_in(books.organiser.email)
    url = f"/ledger/contributors/{books.contributor.id}/log"
    response = browser.submit(
        url,
        {
            "activity_id": books.activity_id,
            **date_boxes("activity_on", "12", "5", "2026"),
            "hours": "2",
            "choice": "time_credits",
            "submit": "Log this activity",
        },
    )
    assert response.status_code == 302 and "/ledger/entries/" in response.headers["Location"]
    involvement = db.session.scalar(select(Involvement))
    assert involvement.logged_by_id == books.organiser.id
    assert involvement.contributor_id == books.contributor.id
    assert browser.get(f"/ledger/contributors/{make_user().id}").status_code == 404


def test_bad_year_and_ids_are_not_errors(browser, books):
    browser.sign_in(books.contributor.email)
    for url in (
        "/involvement/statement?year=abc",
        "/involvement/statement?year=99999",
        "/involvement/certificate?year=-1",
    ):
        assert browser.get(url).status_code == 200, url
    assert browser.get("/involvement/entries/99999999").status_code == 404
    assert browser.get("/involvement/log?event=12345").status_code == 404


def _queries_for(browser, count_queries, url) -> int:
    with count_queries() as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_ledger_pages_do_not_query_per_entry(browser, books, count_queries):
    other = make_user(roles=(Role.CONTRIBUTOR,))
    books.approved()
    books.log(person=other)
    browser.sign_in(books.organiser.email)
    pages = ("/ledger/", "/ledger/payments/new")
    few = {url: _queries_for(browser, count_queries, url) for url in pages}
    for number in range(12):
        person = make_user(roles=(Role.CONTRIBUTOR,), password=None)
        books.approved(person=person, minutes=30 + number)
        books.log(person=person, choice="vouchers")
    many = {url: _queries_for(browser, count_queries, url) for url in pages}
    assert many == few
    browser.sign_out()
    browser.sign_in(books.contributor.email)
    mine = _queries_for(browser, count_queries, "/involvement/")
    for _ in range(10):
        books.log()
    assert _queries_for(browser, count_queries, "/involvement/") == mine


@pytest.fixture
def demo(app):
    seed_demo()


CONTRIBUTOR_PAGES = [
    "/involvement/",
    "/involvement/profile",
    "/involvement/log",
    "/involvement/expenses/new",
    "/involvement/statement",
    "/involvement/portfolio",
    "/involvement/certificate",
]
ORGANISER_PAGES = [
    "/ledger/",
    "/ledger/rates",
    "/ledger/payments/new",
    "/ledger/guidance",
    "/ledger/guidance/benefits",
]


def test_every_ledger_page_passes_the_structural_checks(browser, demo):
    browser.sign_in("contributor@example.org", DEMO_PASSWORD)
    home = text(browser.get("/involvement/"))
    entry_pages = sorted(set(re.findall(r'href="(/involvement/entries/\d+)"', home)))
    prompt = re.search(r'href="(/involvement/log\?event=\d+)"', home).group(1)
    for url in [*CONTRIBUTOR_PAGES, *entry_pages, prompt.replace("&amp;", "&")]:
        response = browser.get(url)
        assert response.status_code == 200, url
        assert problems(text(response)) == [], url
    browser.sign_out()
    browser.sign_in("organiser@example.org", DEMO_PASSWORD)
    ledger_page = text(browser.get("/ledger/"))
    more = sorted(
        set(re.findall(r'href="(/ledger/(?:entries|contributors|payments)/\d+)"', ledger_page))
    )
    assert more
    for url in [*ORGANISER_PAGES, *more]:
        response = browser.get(url)
        assert response.status_code == 200, url
        assert problems(text(response)) == [], url


def test_demo_statement_for_the_closing_note(browser, demo):
    """The demo contributor's statement: fees paid and approved, time credits and an expense
    kept apart, a declined fee listed."""
    browser.sign_in("contributor@example.org", DEMO_PASSWORD)
    page = text(browser.get("/involvement/statement?year=2026"))
    for words in (
        "£82.50",
        "£75.00",
        "£18.40",
        "£55.00",
        "1.5 credits",
        "BACS-2026-07-10",
        "Payment declined",
    ):
        assert words in page, words


def test_attendees_do_not_see_the_ledger(browser):
    attendee = make_user(password=PASSWORD)
    browser.sign_in(attendee.email)
    assert browser.get("/involvement/").status_code == 403
    assert "Your involvement" not in text(browser.get("/"))


def test_public_credit_on_the_event_page(client, books):
    from tests.factories import make_edition, make_event

    event = make_event(make_edition(2026), slug="gap-map")
    ledger.save_profile(
        books.contributor,
        ledger.ProfileDetails("Priya", public_credit="anonymous"),
        books.contributor,
    )
    ledger.issue_recognition(
        books.contributor,
        ledger.RecognitionDetails("credit", "Co-facilitated", event_id=event.id),
        books.organiser,
    )
    page = text(client.get("/2026/events/gap-map"))
    assert "Co-produced with</dt><dd>A contributor with lived experience" in page
    assert "Priya" not in page


def test_the_certificate_prints_activities_dates_and_hours(browser, books):
    books.log(day=date(2026, 5, 12), minutes=90, choice="decline")
    browser.sign_in(books.contributor.email)
    page = text(browser.get("/involvement/certificate?year=2026"))
    assert "Certificate of contribution" in page and "Tuesday 12 May 2026" in page
    assert "1 h 30 min" in page


def test_long_lists_show_the_oldest_and_say_how_many(browser, books):
    from cpweek.reciprocity.models import LedgerEntry as Entry

    # 55 approved entries written straight to the table: the page, not the rules, is tested.
    db.session.add_all(
        Entry(
            contributor_id=books.contributor.id,
            kind="fee",
            amount=100 + n,
            occurred_on=date(2026, 5, 1),
            description=f"Old entry {n}",
            status="approved",
            decided_by_id=books.organiser.id,
            decided_at=ledger.utcnow(),
        )
        for n in range(55)
    )
    db.session.commit()
    browser.sign_in(books.organiser.email)
    page = text(browser.get("/ledger/"))
    assert "55 entries are waiting; the oldest 50 are shown" in page
    assert page.count("Old entry") == 50
    assert text(browser.get("/ledger/payments/new")).count("Old entry") == 55


def test_an_organiser_records_an_answer_given_by_phone(browser, books):
    entry = books.log()
    ledger.query_entry(entry, "Which meeting was it?", books.organiser)
    browser.sign_in(books.organiser.email)
    review = f"/ledger/entries/{entry.id}"
    assert "Answer for them" in text(browser.get(review))
    done = browser.submit(
        f"{review}/answer", {"answer": "The March steering group"}, form_url=review
    )
    assert done.status_code == 302 and status_of(entry.id) == "pending"
    assert "The March steering group" in text(browser.get(review))


def test_statement_also_counts_money_by_the_date_it_was_paid(browser, books):
    late = books.approved(day=date(2026, 4, 4), minutes=60)  # 2025 to 2026 tax year...
    books.pay(late, day=date(2026, 4, 20))  # ...paid in 2026 to 2027
    earlier = ledger.statement(books.contributor, ledger.TaxYear(2025))
    later = ledger.statement(books.contributor, ledger.TaxYear(2026))
    fee = ledger.EntryKind.FEE
    assert earlier.totals[fee].paid == 2500 and earlier.paid_in_year[fee] == 0
    assert later.totals[fee].paid == 0 and later.paid_in_year[fee] == 2500
    books.approved(day=date(2025, 6, 1))  # approved, unpaid, an older tax year
    browser.sign_in(books.contributor.email)
    home = text(browser.get("/involvement/"))
    assert "In every tax year together: £0.00 waiting for approval and £50.00 approved" in home


def test_the_activity_date_is_asked_as_day_month_and_year(browser, books):
    browser.sign_in(books.contributor.email)
    page = text(browser.get("/involvement/log"))
    assert "2026-07-01" not in page and "For example, 27 3 2027" in page
    for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        assert f'for="activity_on-{part}">{label}</label>' in page
    assert problems(page) == []
