"""Credits on a resource, through the services: who may be credited and how the public sees
them; every refusal says what to put right and saves nothing; people who asked not to be
credited in public are named nowhere (resources, events, evidence reviews)."""

from __future__ import annotations

import pytest

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.resources.errors import NotAllowed, ResourceError
from cpweek.resources.models import Credit
from cpweek.resources.services import credits
from cpweek.resources.services.credits import CreditDetails, ShownCredit
from tests.factories import make_edition, make_event, make_user
from tests.resources.credit_helpers import (
    actions,
    contributor,
    count_rows,
    make_resource,
    organiser,
)

DECLINED_MESSAGE = (
    "Priya Shah asked not to be credited in public. Ask them first; they can change this in "
    "their profile."
)


@pytest.fixture
def helen():
    return organiser()


@pytest.fixture
def toolkit():
    return make_resource("Co-production toolkit")


def _add(resource, by, **details):
    return credits.add_credit(resource, CreditDetails(**details), by)


def _refused(resource, by, **details) -> ResourceError:
    with pytest.raises(ResourceError) as refused:
        _add(resource, by, **details)
    db.session.rollback()
    assert count_rows(Credit) == 0
    return refused.value


# --- how the public sees a credit -----------------------------------------------------------


def test_each_person_is_shown_as_their_profile_says(helen, toolkit):
    named = contributor()  # no profile yet: their account's name
    pseudonymous = contributor(
        "Marcus Bell", "m@example.org", public_credit="pseudonym", pseudonym="M. B."
    )
    anonymous = contributor("Sam Secret", "s@example.org", public_credit="anonymous")
    _add(toolkit, helen, role="co_author", person_id=named.id)
    _add(toolkit, helen, role="illustrator", person_id=pseudonymous.id)
    _add(toolkit, helen, role="lived_experience_adviser", person_id=anonymous.id)
    _add(
        toolkit,
        helen,
        role="reviewer",
        name="Jo Bloggs",
        consent_note="Agreed by phone with Sam, 3 Dec 2026",
    )
    db.session.commit()
    assert credits.shown_credits([toolkit.id]) == {
        toolkit.id: [
            ShownCredit("Priya Shah", "Co-author"),
            ShownCredit("M. B.", "Illustrator"),
            ShownCredit("A contributor with lived experience", "Lived-experience adviser"),
            ShownCredit("Jo Bloggs", "Reviewer"),
        ]
    }
    assert "Marcus Bell" not in str(credits.shown_credits([toolkit.id]))
    assert "Sam Secret" not in str(credits.shown_credits([toolkit.id]))


def test_a_person_changing_their_mind_changes_every_credit(helen, toolkit):
    person = contributor()
    _add(toolkit, helen, role="co_author", person_id=person.id)
    db.session.commit()
    ledger.save_profile(
        person,
        ledger.ProfileDetails("Priya Shah", public_credit="pseudonym", pseudonym="P."),
        person,
    )
    assert credits.shown_credits([toolkit.id])[toolkit.id] == [ShownCredit("P.", "Co-author")]
    # Declining later takes them off the public list; the organisers still see why.
    ledger.save_profile(
        person, ledger.ProfileDetails("Priya Shah", public_credit="declined"), person
    )
    assert credits.shown_credits([toolkit.id]) == {toolkit.id: []}
    [line] = credits.credit_lines(toolkit.id)
    assert line.who == "Priya Shah" and line.shown_as is None


def test_several_roles_are_several_credits_in_order(helen, toolkit):
    person = contributor()
    first = _add(toolkit, helen, role="co_author", person_id=person.id)
    second = _add(toolkit, helen, role="speaker", person_id=person.id)
    assert (first.position, second.position) == (0, 1)
    assert [c.role for c in credits.shown_credits([toolkit.id])[toolkit.id]] == [
        "Co-author",
        "Speaker",
    ]


def test_shown_credits_of_nothing_is_nothing():
    assert credits.shown_credits([]) == {}


def test_shown_credits_take_the_same_queries_for_3_or_30_resources(helen, count_queries):
    people = [contributor(f"Person {i}", f"p{i}@example.org") for i in range(3)]
    ledger.save_profile(
        people[1], ledger.ProfileDetails("P1", public_credit="anonymous"), people[1]
    )
    resources = []
    for n in range(30):
        resource = make_resource(f"Resource {n}")
        for person in people:
            _add(resource, helen, role="co_author", person_id=person.id)
        for name in ("Ann", "Bo"):
            _add(resource, helen, role="reviewer", name=name, consent_note="By email, 1 Dec")
        resources.append(resource.id)
    db.session.commit()

    def queries(ids) -> int:
        db.session.expire_all()
        with count_queries() as statements:
            shown = credits.shown_credits(ids)
        assert all(len(shown[i]) == 5 for i in ids)
        return len(statements)

    assert queries(resources[:3]) == queries(resources) == 1


# --- refusals: a clear message, nothing saved -----------------------------------------------


def test_someone_who_declined_public_credit_is_refused(helen, toolkit):
    person = contributor(public_credit="declined")
    refused = _refused(toolkit, helen, role="co_author", person_id=person.id)
    assert refused.message == DECLINED_MESSAGE
    assert refused.field == "person_id"
    assert "resource.credit_added" not in actions()


def test_a_name_without_a_consent_note_is_refused(helen, toolkit):
    refused = _refused(toolkit, helen, role="co_author", name="Jo Bloggs", consent_note="  ")
    assert refused.field == "consent_note"
    assert "how and when they agreed" in refused.message


def test_a_person_without_the_contributor_role_is_refused(helen, toolkit):
    attendee = make_user("a@example.org", name="Alex Attendee")
    refused = _refused(toolkit, helen, role="speaker", person_id=attendee.id)
    assert refused.field == "person_id"
    assert refused.message.startswith("Alex Attendee is not a contributor")


@pytest.mark.parametrize("person_id", [424242, 0, -1, 2**40])
def test_an_unknown_person_is_refused(helen, toolkit, person_id):
    refused = _refused(toolkit, helen, role="speaker", person_id=person_id)
    assert (refused.field, refused.message) == ("person_id", "Choose a contributor from the list")


@pytest.mark.parametrize("role", ["", "author", "co_author ", "x" * 500])
def test_an_unknown_role_is_refused(helen, toolkit, role):
    person = contributor()
    refused = _refused(toolkit, helen, role=role, person_id=person.id)
    assert (refused.field, refused.message) == ("role", "Choose how they contributed")


def test_the_same_person_twice_in_the_same_role_is_refused(helen, toolkit):
    person = contributor()
    _add(toolkit, helen, role="co_author", person_id=person.id)
    db.session.commit()
    with pytest.raises(ResourceError) as refused:
        _add(toolkit, helen, role="co_author", person_id=person.id)
    db.session.rollback()
    assert refused.value.field == "role"
    assert "already credited as co-author" in refused.value.message
    assert count_rows(Credit) == 1


def test_the_same_name_twice_in_the_same_role_is_refused(helen, toolkit):
    _add(toolkit, helen, role="reviewer", name="Jo Bloggs", consent_note="By email")
    db.session.commit()
    with pytest.raises(ResourceError):
        _add(toolkit, helen, role="reviewer", name="jo bloggs ", consent_note="By email")
    db.session.rollback()
    assert count_rows(Credit) == 1


def test_the_same_person_on_another_resource_is_fine(helen, toolkit):
    person = contributor()
    other = make_resource("Another")
    _add(toolkit, helen, role="co_author", person_id=person.id)
    _add(other, helen, role="co_author", person_id=person.id)
    assert count_rows(Credit) == 2


def test_nobody_or_both_is_refused(helen, toolkit):
    person = contributor()
    assert _refused(toolkit, helen, role="speaker").field == "person_id"
    both = _refused(
        toolkit, helen, role="speaker", person_id=person.id, name="Jo", consent_note="By phone"
    )
    assert both.field == "name"


def test_a_name_or_note_too_long_is_refused(helen, toolkit):
    long_name = _refused(toolkit, helen, role="speaker", name="J" * 201, consent_note="ok")
    assert long_name.field == "name"
    long_note = _refused(toolkit, helen, role="speaker", name="Jo", consent_note="n" * 1001)
    assert long_note.field == "consent_note"


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.CO_PRODUCER, Role.ADMIN, None])
def test_only_organisers_change_credits(toolkit, role):
    person = contributor()
    someone = make_user("x@example.org", (role,) if role else ())
    with pytest.raises(NotAllowed):
        _add(toolkit, someone, role="co_author", person_id=person.id)
    db.session.rollback()
    assert count_rows(Credit) == 0


# --- removing and ordering, audited ---------------------------------------------------------


def test_adding_and_removing_are_audited(helen, toolkit):
    person = contributor()
    credit = _add(toolkit, helen, role="co_author", person_id=person.id)
    db.session.commit()
    credits.remove_credit(credit, helen)
    db.session.commit()
    assert count_rows(Credit) == 0
    assert actions() == ["resource.credit_added", "resource.credit_removed"]


def test_reordering_puts_credits_where_typed(helen, toolkit):
    a = _add(toolkit, helen, role="co_author", name="Ann", consent_note="By email")
    b = _add(toolkit, helen, role="co_author", name="Bo", consent_note="By email")
    c = _add(toolkit, helen, role="co_author", name="Cy", consent_note="By email")
    credits.reorder_credits(toolkit, {a.id: 2, b.id: 2, c.id: 1}, helen)
    db.session.commit()
    assert [line.who for line in credits.credit_lines(toolkit.id)] == ["Cy", "Ann", "Bo"]
    assert actions()[-1] == "resource.credits_reordered"


def test_reordering_refuses_a_place_out_of_range_or_a_changed_list(helen, toolkit):
    a = _add(toolkit, helen, role="co_author", name="Ann", consent_note="By email")
    b = _add(toolkit, helen, role="co_author", name="Bo", consent_note="By email")
    db.session.commit()
    with pytest.raises(ResourceError) as refused:
        credits.reorder_credits(toolkit, {a.id: 0, b.id: 1}, helen)
    assert refused.value.field == f"position_{a.id}"
    with pytest.raises(ResourceError):
        credits.reorder_credits(toolkit, {a.id: 1}, helen)
    db.session.rollback()
    assert [line.who for line in credits.credit_lines(toolkit.id)] == ["Ann", "Bo"]


def test_a_credit_belongs_to_its_resource(helen, toolkit):
    credit = _add(toolkit, helen, role="co_author", name="Ann", consent_note="By email")
    other = make_resource("Other")
    assert credits.credit_of(toolkit, credit.id) == credit
    assert credits.credit_of(other, credit.id) is None
    assert credits.credit_of(toolkit, 2**40) is None
    assert credits.resource_for_credits(2**40) is None


def test_contributors_to_choose_say_how_they_are_credited(helen):
    contributor()
    contributor("Marcus Bell", "m@example.org", public_credit="pseudonym", pseudonym="M. B.")
    contributor("Sam Secret", "s@example.org", public_credit="declined")
    make_user("a@example.org", name="Alex Attendee")
    labels = [label for _, label in credits.contributor_choices()]
    assert labels == [
        "Marcus Bell (credited as “M. B.”)",
        "Priya Shah (credited by name)",
        "Sam Secret (asked not to be credited in public)",
    ]


# --- declining public credit holds everywhere -----------------------------------------------


def test_declined_people_are_left_out_of_an_events_credits(helen):
    event = make_event(make_edition(2026))
    named = contributor()
    declined = contributor("Sam Secret", "s@example.org", public_credit="declined")
    for person in (named, declined):
        ledger.issue_recognition(
            person, ledger.RecognitionDetails("credit", "Co-facilitated", event_id=event.id), helen
        )
    assert ledger.public_credits(event.id) == ["Priya Shah"]


def test_declined_reviewers_are_not_named_on_evidence(helen):
    from cpweek.evidence.services import inclusion
    from tests.evidence.factories import make_collection, make_item

    reviewer = make_user("co@example.org", (Role.CO_PRODUCER,), name="Cleo")
    draft = make_item(make_collection(), "Carers in rural areas", status="draft")
    db.session.commit()
    decision = inclusion.propose(draft, "include", "", helen)
    inclusion.agree(decision, reviewer)
    ledger.save_profile(reviewer, ledger.ProfileDetails("Cleo", public_credit="name"), reviewer)
    db.session.expire_all()
    assert inclusion.review_credit(draft).by == "the hub's panel (Cleo)"
    ledger.save_profile(reviewer, ledger.ProfileDetails("Cleo", public_credit="declined"), reviewer)
    db.session.expire_all()
    assert inclusion.review_credit(draft).by == "the hub's panel"


def test_the_profile_offers_declining(browser):
    person = contributor()
    browser.sign_in(person.email)
    page = browser.get("/involvement/profile").get_data(as_text=True)
    assert "Please do not credit me in public" in page
    response = browser.submit(
        "/involvement/profile",
        {"preferred_name": "Priya Shah", "preference": "payment", "public_credit": "declined"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert ledger.get_profile(person.id).public_credit == "declined"
