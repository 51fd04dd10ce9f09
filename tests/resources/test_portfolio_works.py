"""Crediting a contributor offers them an involvement entry for the work once it is published
(nothing is logged without them), and the work appears on their portfolio. Drafts never."""

from __future__ import annotations

import re
from datetime import date

import pytest

from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import Involvement
from cpweek.resources.services import credits
from cpweek.resources.services.credits import CreditDetails
from tests.a11y import problems
from tests.boxes import date_boxes
from tests.resources.credit_helpers import (
    contributor,
    count_rows,
    make_resource,
    organiser,
    publish,
)


@pytest.fixture
def helen():
    return organiser()


@pytest.fixture
def priya():
    return contributor()


@pytest.fixture
def credited(helen, priya):
    """Priya, co-author of a draft toolkit; an activity for making resources has a rate."""
    activity = ledger.add_activity("Co-producing resources", helen)
    ledger.add_rate(
        ledger.RateDetails(activity.id, "hour", 2500, date(2024, 4, 6), "NIHR example"), helen
    )
    toolkit = make_resource("Care equity toolkit")
    credit = credits.add_credit(toolkit, CreditDetails(role="co_author", person_id=priya.id), helen)
    db.session.commit()
    return toolkit, credit


def _log(person, prompt, **changes):
    details = ledger.prefill_prompt(person, prompt)
    for name, value in changes.items():
        setattr(details, name, value)
    return ledger.log_involvement(person, details, person)


def test_the_offer_comes_only_once_published(credited, priya):
    toolkit, credit = credited
    assert ledger.credit_prompts(priya) == []  # a draft: nothing offered
    publish(toolkit)
    [prompt] = ledger.credit_prompts(priya)
    assert prompt.key == f"resource-credit:{credit.id}"
    assert prompt.credit_id == credit.id
    assert prompt.related_to == "Co-author on Care equity toolkit"
    assert prompt.minutes == 120
    assert count_rows(Involvement) == 0  # nothing logged without them


def test_other_roles_start_from_an_hour(credited, priya, helen):
    toolkit, _ = credited
    credits.add_credit(toolkit, CreditDetails(role="speaker", person_id=priya.id), helen)
    publish(toolkit)
    assert [(p.role, p.minutes) for p in ledger.credit_prompts(priya)] == [
        ("Co-author", 120),
        ("Speaker", 60),
    ]


def test_the_offer_is_gone_once_logged_from_it(credited, priya):
    toolkit, _ = credited
    publish(toolkit)
    [prompt] = ledger.credit_prompts(priya)
    details = ledger.prefill_prompt(priya, prompt)
    assert details.activity_id  # "Co-producing resources", found by its name
    assert details.minutes == 120
    involvement = _log(priya, prompt, activity_on=date(2026, 11, 3), related_to="Reworded")
    assert involvement.prompt_key == prompt.key
    assert ledger.credit_prompts(priya) == []


def test_a_key_that_was_not_offered_links_nothing(credited, priya, helen):
    toolkit, credit = credited
    draft = make_resource("Still a draft")
    draft_credit = credits.add_credit(
        draft, CreditDetails(role="co_author", person_id=priya.id), helen
    )
    publish(toolkit)
    [prompt] = ledger.credit_prompts(priya)
    for typed in ("resource-credit:424242", f"resource-credit:{draft_credit.id}"):
        assert _log(priya, prompt, activity_on=date(2026, 11, 3), prompt_key=typed).prompt_key == ""
    # Someone else's credit is not theirs to log either.
    other = contributor("Marcus Bell", "m@example.org")
    other_prompt = ledger.prefill_prompt(priya, prompt)
    other_prompt.activity_on = date(2026, 11, 3)
    other_prompt.prompt_key = f"resource-credit:{credit.id}"
    assert ledger.log_involvement(other, other_prompt, other).prompt_key == ""
    assert [p.key for p in ledger.credit_prompts(priya)] == [prompt.key]


def test_removing_the_credit_withdraws_the_offer(credited, priya, helen):
    toolkit, credit = credited
    publish(toolkit)
    credits.remove_credit(credit, helen)
    db.session.commit()
    assert ledger.credit_prompts(priya) == []
    assert ledger.portfolio(priya).works == []


def test_the_home_page_offers_it_and_the_log_page_prefills_it(browser, credited, priya):
    toolkit, credit = credited
    browser.sign_in(priya.email)
    assert "You were credited" not in browser.get("/involvement/").get_data(as_text=True)
    assert browser.get(f"/involvement/log?credit={credit.id}").status_code == 404  # a draft
    publish(toolkit)
    home = browser.get("/involvement/").get_data(as_text=True)
    assert "You were credited as co-author on “Care equity toolkit”: log the time you gave" in home
    assert f"/involvement/log?credit={credit.id}" in home
    assert problems(home) == []
    page = browser.get(f"/involvement/log?credit={credit.id}").get_data(as_text=True)
    assert "Co-author on Care equity toolkit" in page
    shown = re.search(r'name="prompt_key" type="hidden" value="([^"]*)"', page)
    assert shown and shown.group(1) == f"resource-credit:{credit.id}"
    assert browser.get("/involvement/log?credit=424242").status_code == 404
    assert browser.get(f"/involvement/log?credit={2**40}").status_code == 404
    assert count_rows(Involvement) == 0

    activity = re.search(r'<option selected value="(\d+)">Co-producing resources', page)
    logged = browser.submit(
        "/involvement/log",
        {
            "activity_id": activity.group(1),
            **date_boxes("activity_on", "3", "11", "2026"),
            "hours": "2",
            "event_id": "",
            "related_to": "Co-author on Care equity toolkit",
            "choice": "decline",
            "prompt_key": shown.group(1),
            "submit": "Log this activity",
        },
        form_url=f"/involvement/log?credit={credit.id}",
    )
    assert logged.status_code == 302
    assert "You were credited" not in browser.get("/involvement/").get_data(as_text=True)
    assert browser.get(f"/involvement/log?credit={credit.id}").status_code == 404


def test_the_portfolio_lists_published_works_only(browser, credited, priya, helen):
    toolkit, _ = credited
    assert ledger.portfolio(priya).works == []
    publish(toolkit, on=date(2026, 11, 2))
    [work] = ledger.portfolio(priya).works
    assert (work.title, work.kind, work.role, work.published_on) == (
        "Care equity toolkit",
        "Guide or toolkit",
        "Co-author",
        date(2026, 11, 2),
    )
    assert work.url.endswith(f"/resources/{toolkit.slug}")
    browser.sign_in(priya.email)
    page = browser.get("/involvement/portfolio").get_data(as_text=True)
    assert "Resources you are credited on" in page
    assert f'<a href="{work.url}">Care equity toolkit</a>' in page
    assert "Co-author · Guide or toolkit · published Monday 2 November 2026" in page
    assert problems(page) == []
    certificate = browser.get("/involvement/certificate").get_data(as_text=True)
    assert "“Care equity toolkit” (Guide or toolkit): co-author" in certificate
    assert problems(certificate) == []


def test_the_certificate_for_a_tax_year_lists_that_years_works(credited, priya):
    toolkit, _ = credited
    publish(toolkit, on=date(2026, 11, 2))
    year_2026 = ledger.TaxYear(2026)
    year_2025 = ledger.TaxYear(2025)
    assert [w.title for w in ledger.certificate(priya, year_2026).works] == ["Care equity toolkit"]
    assert ledger.certificate(priya, year_2025).works == []


def test_someone_credited_by_name_only_has_no_offer(credited, helen, priya):
    toolkit, _ = credited
    credits.add_credit(
        toolkit,
        CreditDetails(role="reviewer", name="Priya Shah", consent_note="By phone, 1 Dec"),
        helen,
    )
    publish(toolkit)
    assert [p.role for p in ledger.credit_prompts(priya)] == ["Co-author"]


def test_the_portfolio_page_is_constant_in_the_number_of_works(
    browser, helen, priya, count_queries
):
    def add_works(n: int) -> None:
        for i in range(n):
            resource = make_resource(f"Work {i}")
            credits.add_credit(resource, CreditDetails(role="co_author", person_id=priya.id), helen)
            credits.add_credit(resource, CreditDetails(role="speaker", person_id=priya.id), helen)
            publish(resource)

    browser.sign_in(priya.email)

    def queries() -> int:
        with count_queries() as statements:
            page = browser.get("/involvement/portfolio").get_data(as_text=True)
        assert "Resources you are credited on" in page
        return len(statements)

    add_works(2)
    few = queries()
    add_works(10)
    assert queries() == few
    assert len(ledger.portfolio(priya).works) == 24
