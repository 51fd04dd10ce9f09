"""The organisers' credits page for a resource: add (a contributor from the list, or a name with
a note of consent), order, remove; organisers only; bad input gets a message where it was
typed, keeps what was typed, and saves nothing; the public "Made by" partial."""

from __future__ import annotations

import re

import pytest
from flask import render_template

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.resources.models import Credit
from cpweek.resources.services import credits
from cpweek.resources.services.credits import CreditDetails, ShownCredit
from tests.a11y import problems
from tests.factories import make_user
from tests.resources.credit_helpers import (
    actions,
    contributor,
    count_rows,
    make_resource,
    organiser,
)


@pytest.fixture
def helen():
    return organiser()


@pytest.fixture
def toolkit():
    return make_resource("Co-production toolkit")


def url(resource) -> str:
    return f"/manage/resources/{resource.id}/credits"


def named(resource, by, name: str, role: str = "co_author"):
    """A credit for someone without an account, straight through the service."""
    return credits.add_credit(resource, CreditDetails(role, name=name, consent_note="ok"), by)


def add(browser, resource, **data):
    fields = {"person_id": "", "name": "", "consent_note": "", "role": "", "add": "Add"}
    return browser.submit(url(resource), {**fields, **data})


def test_an_organiser_credits_a_contributor_from_the_list(browser, helen, toolkit):
    priya = contributor()
    marcus = contributor(
        "Marcus Bell", "m@example.org", public_credit="pseudonym", pseudonym="M. B."
    )
    browser.sign_in(helen.email)
    page = browser.get(url(toolkit)).get_data(as_text=True)
    assert problems(page) == []
    assert "Nobody is credited yet." in page
    assert f'<option value="{priya.id}">Priya Shah (credited by name)</option>' in page
    assert "Marcus Bell (credited as “M. B.”)" in page

    response = add(browser, toolkit, person_id=str(marcus.id), role="illustrator")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{url(toolkit)}#credits")
    page = browser.get(url(toolkit)).get_data(as_text=True)
    assert "Credit added." in page
    assert "<td>Marcus Bell</td>" in page and "<td>M. B.</td>" in page
    assert "Their contributor profile" in page
    assert problems(page) == []
    assert actions()[-1] == "resource.credit_added"


def test_someone_without_an_account_is_credited_with_a_consent_note(browser, helen, toolkit):
    browser.sign_in(helen.email)
    response = add(browser, toolkit, name="Jo Bloggs", role="reviewer")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Say how and when they agreed to be credited by this name" in page
    assert 'value="Jo Bloggs"' in page  # what was typed is kept
    assert 'href="#consent_note"' in page  # the summary links to the field
    assert page.startswith("<!doctype html>") and "<title>Error: " in page
    assert problems(page) == []
    assert count_rows(Credit) == 0

    note = "Agreed by phone with Sam, 3 Dec 2026"
    response = add(browser, toolkit, name="Jo Bloggs", role="reviewer", consent_note=note)
    assert response.status_code == 302
    page = browser.get(url(toolkit)).get_data(as_text=True)
    assert "Jo Bloggs (no account)" in page and note in page


def test_someone_who_declined_is_refused_with_a_clear_message(browser, helen, toolkit):
    priya = contributor(public_credit="declined")
    browser.sign_in(helen.email)
    page = browser.get(url(toolkit)).get_data(as_text=True)
    assert "Priya Shah (asked not to be credited in public)" in page
    response = add(browser, toolkit, person_id=str(priya.id), role="co_author")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert (
        "Priya Shah asked not to be credited in public. Ask them first; they can change this "
        "in their profile." in page
    )
    assert 'href="#person_id"' in page
    assert f'<option selected value="{priya.id}">' in page
    assert problems(page) == []
    assert count_rows(Credit) == 0
    assert "resource.credit_added" not in actions()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"role": "co_author"}, "person_id", "Choose a contributor, or type the name"),
        ({"person_id": "424242", "role": "co_author"}, "person_id", "Choose a contributor from"),
        ({"person_id": "9" * 30, "role": "co_author"}, "person_id", "Choose a contributor"),
        ({"person_id": "abc", "role": "co_author"}, "person_id", "Choose a contributor"),
        ({"name": "Jo", "consent_note": "ok", "role": "nonsense"}, "role", "Not a valid choice"),
        ({"name": "Jo", "consent_note": "ok"}, "role", "Choose how they contributed"),
        ({"name": "J" * 201, "consent_note": "ok", "role": "speaker"}, "name", "200 characters"),
        ({"name": "Jo", "consent_note": "n" * 1001, "role": "speaker"}, "consent_note", "1,000"),
    ],
)
def test_bad_input_is_answered_where_it_was_typed(browser, helen, toolkit, data, field, message):
    browser.sign_in(helen.email)
    response = add(browser, toolkit, **data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'href="#{field}' in page and message in page
    assert count_rows(Credit) == 0


def test_a_person_who_is_not_a_contributor_is_refused(browser, helen, toolkit):
    attendee = make_user("a@example.org", name="Alex Attendee")
    browser.sign_in(helen.email)
    page = add(browser, toolkit, person_id=str(attendee.id), role="speaker").get_data(as_text=True)
    assert "Alex Attendee is not a contributor" in page
    assert count_rows(Credit) == 0


def test_the_same_person_twice_in_a_role_is_refused_on_the_page(browser, helen, toolkit):
    priya = contributor()
    browser.sign_in(helen.email)
    assert add(browser, toolkit, person_id=str(priya.id), role="co_author").status_code == 302
    page = add(browser, toolkit, person_id=str(priya.id), role="co_author").get_data(as_text=True)
    assert "already credited as co-author" in page
    assert add(browser, toolkit, person_id=str(priya.id), role="speaker").status_code == 302
    assert count_rows(Credit) == 2


def test_an_organiser_removes_a_credit(browser, helen, toolkit):
    priya = contributor()
    credit = credits.add_credit(toolkit, CreditDetails("co_author", person_id=priya.id), helen)
    db.session.commit()
    browser.sign_in(helen.email)
    page = browser.get(url(toolkit)).get_data(as_text=True)
    assert f'action="{url(toolkit)}/{credit.id}/remove"' in page
    response = browser.submit(f"{url(toolkit)}/{credit.id}/remove", {}, form_url=url(toolkit))
    assert response.status_code == 302
    assert count_rows(Credit) == 0
    assert "Credit removed." in browser.get(url(toolkit)).get_data(as_text=True)
    assert actions()[-1] == "resource.credit_removed"


def test_another_resources_credit_or_an_unknown_one_is_404(browser, helen, toolkit):
    other = make_resource("Other")
    credit = named(other, helen, "Jo", "speaker")
    db.session.commit()
    browser.sign_in(helen.email)
    token_url = url(toolkit)
    for target in (f"{url(toolkit)}/{credit.id}/remove", f"{url(toolkit)}/{2**40}/remove"):
        assert browser.submit(target, {}, form_url=token_url).status_code == 404
    assert count_rows(Credit) == 1
    assert browser.get("/manage/resources/424242/credits").status_code == 404
    assert browser.get(f"/manage/resources/{2**40}/credits").status_code == 404


def test_the_order_is_typed_as_places(browser, helen, toolkit):
    ann = named(toolkit, helen, "Ann")
    bo = named(toolkit, helen, "Bo")
    db.session.commit()
    browser.sign_in(helen.email)
    page = browser.get(url(toolkit)).get_data(as_text=True)
    assert problems(page) == []
    assert f'name="position_{ann.id}"' in page
    bad = browser.submit(
        url(toolkit), {f"position_{ann.id}": "0", f"position_{bo.id}": "1", "save_order": "Save"}
    ).get_data(as_text=True)
    assert "Enter a place from 1 to 999" in bad and f'href="#position_{ann.id}"' in bad
    words = browser.submit(
        url(toolkit), {f"position_{ann.id}": "two", f"position_{bo.id}": "1", "save_order": "Save"}
    ).get_data(as_text=True)
    assert "Enter a whole number" in words
    assert [line.who for line in credits.credit_lines(toolkit.id)] == ["Ann", "Bo"]
    response = browser.submit(
        url(toolkit), {f"position_{ann.id}": "2", f"position_{bo.id}": "1", "save_order": "Save"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [line.who for line in credits.credit_lines(toolkit.id)] == ["Bo", "Ann"]


@pytest.mark.parametrize("role", [None, Role.CONTRIBUTOR, Role.CO_PRODUCER, Role.ADMIN])
def test_only_organisers_see_or_change_credits(browser, helen, toolkit, role):
    credit = named(toolkit, helen, "Jo", "speaker")
    db.session.commit()
    person = make_user("p@example.org", (role,) if role else ())
    browser.sign_in(person.email)
    assert browser.get(url(toolkit)).status_code == 403
    assert add(browser, toolkit, name="Al", consent_note="ok", role="speaker").status_code == 403
    removed = browser.submit(f"{url(toolkit)}/{credit.id}/remove", {}, form_url="/")
    assert removed.status_code == 403
    assert count_rows(Credit) == 1


def test_anonymous_people_are_sent_to_sign_in(client, toolkit):
    response = client.get(url(toolkit))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_credits_page_is_constant_in_the_number_of_credits(
    browser, helen, toolkit, count_queries
):
    people = [contributor(f"Person {i}", f"p{i}@example.org") for i in range(12)]
    browser.sign_in(helen.email)

    def queries() -> int:
        with count_queries() as statements:
            assert browser.get(url(toolkit)).status_code == 200
        return len(statements)

    for person in people[:2]:
        credits.add_credit(toolkit, CreditDetails("co_author", person_id=person.id), helen)
    few = queries()
    for person in people[2:]:
        credits.add_credit(toolkit, CreditDetails("co_author", person_id=person.id), helen)
    assert queries() == few


# --- the public "Made by" partial -----------------------------------------------------------


def test_the_made_by_partial(app):
    shown = [ShownCredit("M. B.", "Illustrator"), ShownCredit("Jo Bloggs", "Co-author")]
    with app.test_request_context():
        html = render_template("resources/_credits.html", credits=shown)
        empty = render_template("resources/_credits.html", credits=[])
    assert '<h2 id="made-by">Made by</h2>' in html
    assert re.search(r"<li>M\. B\., illustrator</li>\s*<li>Jo Bloggs, co-author</li>", html)
    assert empty.strip() == ""
