"""Outcome measures chosen together: a measure is adopted only when a co-producer and an
organiser have both agreed; withdrawal before it stands; the bank copied into rows; audited."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.reports.errors import MeasureInvalid, NotAllowed, ReportsError
from cpweek.reports.feedback_models import MeasureStatus, OutcomeMeasure
from cpweek.reports.measure_bank import BANK, BY_KEY
from cpweek.reports.services import outcomes
from cpweek.uow import unit_of_work
from tests.reports.conftest import adopt


def fresh(measure: OutcomeMeasure) -> OutcomeMeasure:
    db.session.expire_all()
    return db.session.get_one(OutcomeMeasure, measure.id)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


OWN = outcomes.MeasureInput(
    question="After this event, how much do you feel listened to?",
    audience="everyone",
    options=("Not at all", "A little", "Some", "Quite a lot", "Completely"),
)


def test_the_bank_covers_the_2022_domains_in_words():
    domains = {measure.domain for measure in BANK}
    for domain in (
        "Confidence",
        "Self-esteem",
        "Empowerment",
        "Wellbeing",
        "Trust in services",
        "Awareness of services",
        "Job satisfaction",
        "Motivation",
        "Practice",
        "Trust",
        "Changes in practice and service design",
        "Uptake of services",
    ):
        assert domain in domains
    for measure in BANK:
        assert len(measure.options) == 5 and len(set(measure.options)) == 5
        assert not any(option.strip().isdigit() for option in measure.options)
        assert measure.audience in ("lived_experience", "staff", "organisation", "everyone")
    assert BY_KEY["confidence"].options[0] == "Much less confident"


def test_an_organiser_alone_does_not_adopt_and_a_co_producer_completes_it(people, edition):
    measure = outcomes.propose_from_bank(edition, "confidence", people.organiser)
    assert fresh(measure).status == MeasureStatus.PROPOSED
    assert outcomes.adopted_measures(edition.id) == []
    [state] = outcomes.measures_of(edition)
    assert state.standing.needed == ("a co-producer",)
    assert outcomes.agree(measure, people.co_producer) is True
    assert fresh(measure).status == MeasureStatus.ADOPTED and fresh(measure).adopted_at
    assert outcomes.adopted_measures(edition.id) == [fresh(measure)]
    assert actions() == [
        "reports.measure_proposed",
        "reports.measure_agreed",
        "reports.measure_adopted",
    ]


def test_a_co_producer_alone_does_not_adopt_either(people, edition):
    measure = outcomes.propose_own(edition, OWN, people.co_producer)
    assert outcomes.agree(measure, people.co_producer2) is False
    assert fresh(measure).status == MeasureStatus.PROPOSED
    [state] = outcomes.measures_of(edition)
    assert state.standing.needed == ("an organiser",)
    assert outcomes.agree(measure, people.organiser) is True


def test_two_organisers_do_not_adopt(people, edition):
    measure = outcomes.propose_from_bank(edition, "motivation", people.organiser)
    assert outcomes.agree(measure, people.organiser2) is False
    assert fresh(measure).status == MeasureStatus.PROPOSED


def test_the_bank_is_copied_into_a_row(people, edition):
    measure = outcomes.propose_from_bank(edition, "trust_in_services", people.co_producer)
    banked = BY_KEY["trust_in_services"]
    row = fresh(measure)
    assert (row.question, row.easy_question, row.audience) == (
        banked.question,
        banked.easy_question,
        banked.audience,
    )
    assert row.options == list(banked.options) and row.bank_key == "trust_in_services"
    assert "trust_in_services" not in [m.key for m in outcomes.bank_left_for(edition)]
    with pytest.raises(ReportsError, match="already been proposed"):
        outcomes.propose_from_bank(edition, "trust_in_services", people.organiser)
    with pytest.raises(MeasureInvalid):
        outcomes.propose_from_bank(edition, "no_such_measure", people.organiser)


def test_withdrawing_before_it_stands(people, edition):
    measure = outcomes.propose_from_bank(edition, "wellbeing", people.organiser)
    outcomes.withdraw_agreement(measure, people.organiser)
    assert fresh(measure).status == MeasureStatus.WITHDRAWN
    assert outcomes.measures_of(edition) == []
    assert "wellbeing" in [m.key for m in outcomes.bank_left_for(edition)]
    with pytest.raises(ReportsError, match="withdrawn"):
        outcomes.agree(measure, people.co_producer)
    # Proposed again, it starts afresh: its withdrawn agreement does not count.
    again = outcomes.propose_from_bank(edition, "wellbeing", people.co_producer)
    assert again.id == measure.id and fresh(again).status == MeasureStatus.PROPOSED
    assert outcomes.agree(again, people.organiser) is True
    assert "reports.measure_agreement_withdrawn" in actions()


def test_withdrawing_one_of_two_agreements_keeps_it_proposed(people, edition):
    measure = outcomes.propose_from_bank(edition, "practice", people.co_producer)
    outcomes.agree(measure, people.co_producer2)
    outcomes.withdraw_agreement(measure, people.co_producer)
    assert fresh(measure).status == MeasureStatus.PROPOSED
    [state] = outcomes.measures_of(edition)
    assert [person.name for _, person in state.agreements] == ["Cal Coproducer"]


def test_an_adopted_measure_cannot_be_withdrawn_or_agreed_again(people, edition):
    measure = adopt(edition, "confidence", people)
    with pytest.raises(ReportsError, match="already adopted"):
        outcomes.withdraw_agreement(measure, people.organiser)
    with pytest.raises(ReportsError, match="already adopted"):
        outcomes.agree(measure, people.organiser2)


def test_no_one_agrees_twice_and_only_deciders_take_part(people, edition):
    measure = outcomes.propose_from_bank(edition, "confidence", people.organiser)
    with pytest.raises(ReportsError, match="already agreed"):
        outcomes.agree(measure, people.organiser)
    for who in (people.contributor, people.attendee):
        with pytest.raises(NotAllowed):
            outcomes.agree(measure, who)
        with pytest.raises(NotAllowed):
            outcomes.propose_own(edition, OWN, who)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"question": "  "}, "question"),
        ({"question": "x" * 301}, "question"),
        ({"audience": "aliens"}, "audience"),
        ({"options": ("a", "b", "", "d", "e")}, "option_3"),
        ({"options": ("a", "b", "c", "d", "x" * 61)}, "option_5"),
        ({"options": ("a", "b", "c", "d")}, "option_1"),
        ({"options": ("Same", "same", "c", "d", "e")}, "option_1"),
    ],
)
def test_own_measures_are_checked(people, edition, change, field):
    details = outcomes.MeasureInput(**{**OWN.__dict__, **change})
    with pytest.raises(MeasureInvalid) as raised:
        outcomes.propose_own(edition, details, people.organiser)
    assert raised.value.field == field


def test_two_agreements_at_once_adopt_once(app, people, edition):
    measure = outcomes.propose_from_bank(edition, "empowerment", people.organiser)
    measure_id = measure.id
    agreeing = [people.co_producer.id, people.co_producer2.id]
    db.session.commit()
    barrier, results = threading.Barrier(2), []

    def agree(user_id):
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    results.append(
                        outcomes.agree(
                            db.session.get_one(OutcomeMeasure, measure_id),
                            db.session.get_one(User, user_id),
                        )
                    )
            except ReportsError as error:
                results.append(error.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=agree, args=(uid,)) for uid in agreeing]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 1 and len(results) == 2
    assert actions().count("reports.measure_adopted") == 1
