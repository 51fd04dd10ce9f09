"""Co-produced inclusion: a draft item is included or excluded only when a co-producer and an
organiser have both agreed; every step audited; the queue and the decision page."""

from __future__ import annotations

import threading

import pytest
from flask import render_template
from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role, User
from cpweek.evidence.errors import NotAllowed
from cpweek.evidence.models import EvidenceItem, InclusionDecision
from cpweek.evidence.services import inclusion
from cpweek.extensions import db
from cpweek.uow import unit_of_work
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item
from tests.factories import make_user


@pytest.fixture
def panel():
    class Panel:
        organiser = make_user("org@example.org", (Role.ORGANISER,), name="Olu Organiser")
        co_producer = make_user("co@example.org", (Role.CO_PRODUCER,), name="Cleo Coproducer")
        co_producer2 = make_user("co2@example.org", (Role.CO_PRODUCER,), name="Cal Coproducer")
        contributor = make_user("contrib@example.org", (Role.CONTRIBUTOR,))
        attendee = make_user("att@example.org")

    return Panel


@pytest.fixture
def hub():
    collection = make_collection(criteria="1. An **equity focus**\n2. Robust methods")
    draft = make_item(collection, "Carers in rural areas", status="draft")
    db.session.commit()
    return collection, draft


def fresh(item: EvidenceItem) -> EvidenceItem:
    db.session.expire_all()
    return db.session.get(EvidenceItem, item.id)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- the shared-decision rule ---------------------------------------------------------------


def test_an_organiser_alone_does_not_include_and_a_co_producer_completes_it(panel, hub):
    _, draft = hub
    decision = inclusion.propose(draft, "include", "", panel.organiser)
    assert decision.stands_at is None
    assert fresh(draft).status == "draft" and fresh(draft).included_at is None
    assert inclusion.agree(decision, panel.co_producer) is True
    item = fresh(draft)
    assert item.status == "included"
    assert item.included_at is not None and item.reviewed_at is not None
    assert actions() == [
        "evidence.decision_proposed",
        "evidence.decision_agreed",
        "evidence.item_included",
    ]


def test_the_proposer_counts_as_agreeing(panel, hub):
    _, draft = hub
    decision = inclusion.propose(draft, "include", "", panel.co_producer)
    [(agreement, person)] = inclusion.agreements_of(decision)
    assert person.id == panel.co_producer.id and agreement.perspective == "co_producer"
    assert inclusion.agree(decision, panel.organiser) is True
    assert fresh(draft).status == "included"


def test_two_people_of_one_side_do_not_make_it_stand(panel, hub):
    _, draft = hub
    decision = inclusion.propose(draft, "include", "", panel.co_producer)
    assert inclusion.agree(decision, panel.co_producer2) is False
    assert fresh(draft).status == "draft"


def test_no_one_agrees_twice(panel, hub):
    _, draft = hub
    decision = inclusion.propose(draft, "include", "", panel.organiser)
    with pytest.raises(inclusion.InclusionError, match="already agreed"):
        inclusion.agree(decision, panel.organiser)
    db.session.rollback()


def test_a_new_proposal_replaces_one_not_yet_standing(panel, hub):
    _, draft = hub
    first = inclusion.propose(draft, "include", "", panel.organiser)
    second = inclusion.propose(draft, "exclude", "No equity focus", panel.co_producer)
    db.session.commit()
    assert db.session.get(InclusionDecision, first.id).replaced is True
    assert inclusion.current_decision(draft).id == second.id
    with pytest.raises(inclusion.InclusionError, match="no longer open"):
        inclusion.agree(first, panel.co_producer2)
    db.session.rollback()
    assert inclusion.agree(second, panel.organiser) is True
    item = fresh(draft)
    assert item.status == "excluded" and item.exclusion_reason == "No equity focus"
    assert item.included_at is None and item.reviewed_at is not None
    assert "evidence.item_excluded" in actions()


def test_excluding_needs_a_reason(panel, hub):
    _, draft = hub
    with pytest.raises(inclusion.InclusionError) as refused:
        inclusion.propose(draft, "exclude", "   ", panel.organiser)
    assert refused.value.field == "reason"
    db.session.rollback()
    assert db.session.scalar(select(func.count(InclusionDecision.id))) == 0


@pytest.mark.parametrize("who", ["contributor", "attendee"])
def test_only_co_producers_and_organisers_decide(panel, hub, who):
    _, draft = hub
    person = getattr(panel, who)
    with pytest.raises(NotAllowed):
        inclusion.propose(draft, "include", "", person)
    decision = inclusion.propose(draft, "include", "", panel.organiser)
    with pytest.raises(NotAllowed):
        inclusion.agree(decision, person)
    db.session.rollback()


def test_an_included_item_takes_no_new_decision(panel, hub):
    _, draft = hub
    decision = inclusion.propose(draft, "include", "", panel.organiser)
    inclusion.agree(decision, panel.co_producer)
    with pytest.raises(inclusion.InclusionError, match="already included"):
        inclusion.propose(draft, "exclude", "Changed our minds", panel.co_producer2)
    db.session.rollback()


def test_two_agreements_at_once_include_once(app, panel, hub):
    _, draft = hub
    decision = inclusion.propose(draft, "include", "", panel.organiser)
    decision_id, item_id = decision.id, draft.id
    agreeing = [panel.co_producer.id, panel.co_producer2.id]
    db.session.commit()
    barrier, results = threading.Barrier(2), []

    def agree(user_id):
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    results.append(
                        inclusion.agree(
                            db.session.get(InclusionDecision, decision_id),
                            db.session.get(User, user_id),
                        )
                    )
            except inclusion.InclusionError as error:
                results.append(error.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=agree, args=(uid,)) for uid in agreeing]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert True in results and len(results) == 2
    assert results.count(True) == 1
    db.session.expire_all()
    assert db.session.get(EvidenceItem, item_id).status == "included"
    assert actions().count("evidence.item_included") == 1


# --- pages ----------------------------------------------------------------------------------


def test_the_decision_page_shows_the_criteria_and_the_shared_decision_through_the_web(
    browser, panel, hub
):
    collection, draft = hub
    browser.sign_in(panel.organiser.email)
    page = browser.get(f"/review/evidence/items/{draft.id}").get_data(as_text=True)
    assert "<strong>equity focus</strong>" in page and "Robust methods" in page
    assert problems(page) == []
    response = browser.submit(
        f"/review/evidence/items/{draft.id}/decision",
        {"outcome": "include", "reason": ""},
        form_url=f"/review/evidence/items/{draft.id}",
    )
    assert response.status_code == 302
    page = browser.get(f"/review/evidence/items/{draft.id}").get_data(as_text=True)
    assert "Still needed: a co-producer" in page
    assert "You have agreed to this decision" in page
    assert fresh(draft).status == "draft"
    queue = browser.get(f"/review/evidence/{collection.slug}/").get_data(as_text=True)
    assert "Needs a co-producer" in queue and "Olu Organiser (organiser)" in queue
    browser.sign_out()

    browser.sign_in(panel.co_producer.email)
    decision = inclusion.current_decision(draft)
    response = browser.submit(
        f"/review/evidence/items/{draft.id}/agree",
        {"decision_id": str(decision.id)},
        form_url=f"/review/evidence/items/{draft.id}",
    )
    assert response.status_code == 302
    assert fresh(draft).status == "included"


def test_agreeing_to_a_decision_that_changed_meanwhile_is_refused(browser, panel, hub):
    _, draft = hub
    shown = inclusion.propose(draft, "include", "", panel.organiser)
    inclusion.propose(draft, "exclude", "Methods unclear", panel.co_producer2)
    db.session.commit()
    browser.sign_in(panel.co_producer.email)
    response = browser.submit(
        f"/review/evidence/items/{draft.id}/agree",
        {"decision_id": str(shown.id)},
        form_url=f"/review/evidence/items/{draft.id}",
        follow_redirects=True,
    )
    assert "The decision changed while you were reading it" in response.get_data(as_text=True)
    assert fresh(draft).status == "draft"
    assert actions().count("evidence.decision_agreed") == 0


@pytest.mark.parametrize("decision_id", ["", "abc", "99999999999999999999999"])
def test_a_bad_decision_id_is_refused_not_a_500(browser, panel, hub, decision_id):
    _, draft = hub
    inclusion.propose(draft, "include", "", panel.organiser)
    browser.sign_in(panel.co_producer.email)
    response = browser.submit(
        f"/review/evidence/items/{draft.id}/agree",
        {"decision_id": decision_id},
        form_url=f"/review/evidence/items/{draft.id}",
    )
    assert response.status_code == 302
    assert fresh(draft).status == "draft"


def test_excluding_without_a_reason_shows_the_error_on_the_form(browser, panel, hub):
    _, draft = hub
    browser.sign_in(panel.organiser.email)
    response = browser.submit(
        f"/review/evidence/items/{draft.id}/decision",
        {"outcome": "exclude", "reason": ""},
        form_url=f"/review/evidence/items/{draft.id}",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "Give the reason for excluding it" in page
    assert problems(page) == []
    assert db.session.scalar(select(func.count(InclusionDecision.id))) == 0


@pytest.mark.parametrize("who", ["contributor", "attendee"])
def test_contributors_and_attendees_get_403_on_the_review_pages(browser, panel, hub, who):
    collection, draft = hub
    browser.sign_in(getattr(panel, who).email)
    assert browser.get(f"/review/evidence/{collection.slug}/").status_code == 403
    response = browser.submit(
        f"/review/evidence/items/{draft.id}/decision",
        {"outcome": "include"},
        form_url="/",
    )
    assert response.status_code == 403
    assert fresh(draft).status == "draft"


def test_huge_and_unknown_ids_are_404(browser, panel, hub):
    browser.sign_in(panel.organiser.email)
    assert browser.get("/review/evidence/items/99999999999999999999").status_code == 404
    assert browser.get("/review/evidence/items/424242").status_code == 404
    assert browser.get("/review/evidence/no-such-hub/").status_code == 404


def test_draft_and_excluded_items_are_404_to_the_public(client, panel, hub):
    collection, draft = hub
    excluded = make_item(collection, "Left out", status="excluded", exclusion_reason="Off topic")
    db.session.commit()
    for item in (draft, excluded):
        assert client.get(f"/evidence/{collection.slug}/items/{item.id}").status_code == 404
        response = client.get(f"/review/evidence/items/{item.id}")
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_queue_page_counts_queries_the_same_for_many_items(browser, panel, hub, count_queries):
    collection, _ = hub
    browser.sign_in(panel.organiser.email)

    def queries() -> int:
        with count_queries() as statements:
            assert browser.get(f"/review/evidence/{collection.slug}/").status_code == 200
        return len(statements)

    first = make_item(collection, "With a decision", status="draft")
    inclusion.propose(first, "include", "", panel.organiser)
    db.session.commit()
    few = queries()
    for number in range(8):
        item = make_item(collection, f"Draft {number}", status="draft")
        decision = inclusion.propose(item, "include", "", panel.organiser)
        inclusion.agree(decision, panel.co_producer2) if number % 2 else None
    db.session.commit()
    assert queries() == few
    page = browser.get(f"/review/evidence/{collection.slug}/").get_data(as_text=True)
    assert problems(page) == []


# --- what the public item page says ---------------------------------------------------------


def test_the_review_credit_names_only_people_who_chose_to_be_named(app, panel, hub):
    from cpweek.reciprocity import services as reciprocity

    _, draft = hub
    decision = inclusion.propose(draft, "include", "", panel.organiser)
    inclusion.agree(decision, panel.co_producer)
    credit = inclusion.review_credit(fresh(draft))
    assert credit.by == "the hub's panel"  # no profiles: nobody named
    reciprocity.save_profile(
        panel.co_producer,
        reciprocity.ProfileDetails(preferred_name="Cleo", public_credit="name"),
        panel.co_producer,
    )
    assert inclusion.review_credit(fresh(draft)).by == "the hub's panel (Cleo)"
    reciprocity.save_profile(
        panel.co_producer,
        reciprocity.ProfileDetails(preferred_name="Cleo", public_credit="anonymous"),
        panel.co_producer,
    )
    credit = inclusion.review_credit(fresh(draft))
    assert credit.by == "the hub's panel"
    with app.test_request_context():
        html = render_template("evidence/review_credit.html", credit=credit)
    assert "Reviewed by the hub&#39;s panel on" in html


def test_a_draft_has_no_review_credit(hub):
    _, draft = hub
    assert inclusion.review_credit(draft) is None
