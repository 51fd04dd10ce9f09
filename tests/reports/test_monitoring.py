"""Equality monitoring's services, without HTTP: the questions, invitations, recording answers
(and prefer not to say, and skipping), refusals, a link used twice or at once, and the counts."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cpweek.extensions import db
from cpweek.reports import questions
from cpweek.reports.errors import InvitationGone, UnknownAnswer
from cpweek.reports.models import ANSWER_COLUMNS, EqualityInvitation, EqualityResponse, Stage
from cpweek.reports.services import monitoring
from cpweek.uow import unit_of_work
from tests.factories import make_edition


def _responses() -> list[EqualityResponse]:
    db.session.expire_all()
    return list(db.session.scalars(select(EqualityResponse)))


def _invitations() -> int:
    return db.session.scalar(select(func.count()).select_from(EqualityInvitation))


@pytest.fixture
def edition():
    return make_edition(2099)


def test_the_questions_are_the_standard_ones_each_with_prefer_not_to_say():
    ethnic = questions.ETHNIC_GROUP
    groups = [option for option in ethnic.options if option.code != questions.PREFER_NOT]
    assert len(groups) == 19
    assert len({option.group for option in groups}) == 5
    words = {option.words for option in groups}
    assert {"White: Roma", "White: Gypsy or Irish Traveller", "Other ethnic group: Arab"} <= words
    for question in questions.QUESTIONS:
        assert question.options[-1].words == "Prefer not to say", question.key
        codes = [option.code for option in question.options]
        assert len(codes) == len(set(codes)), question.key
        assert all(len(code) <= 40 for code in codes)
    assert [o.words for o in questions.CONDITION_REDUCES.options][:3] == [
        "Yes, a lot",
        "Yes, a little",
        "Not at all",
    ]
    assert len(questions.REGION.options) == 11  # nine regions, outside England, prefer not
    assert len(questions.UNPAID_CARE.options) == 7
    # One column per question, named by its key.
    assert tuple(q.key for q in questions.QUESTIONS) == ANSWER_COLUMNS
    assert set(ANSWER_COLUMNS) <= set(EqualityResponse.__table__.c.keys())


def test_answering_uses_the_invitation_and_keeps_the_answers(edition):
    token = monitoring.invite(edition.id, Stage.REGISTRATION)
    assert monitoring.invitation(token).edition_id == edition.id
    monitoring.record_answers(
        token,
        {"ethnic_group": "white_roma", "long_condition": "yes", "condition_reduces": "a_little"},
    )
    db.session.commit()
    [response] = _responses()
    assert response.edition_id == edition.id and response.stage == "registration"
    assert response.ethnic_group == "white_roma" and response.condition_reduces == "a_little"
    assert response.sex is None and response.region is None  # not answered: skipped
    assert monitoring.invitation(token) is None and _invitations() == 0


def test_prefer_not_to_say_is_an_answer_and_skipping_is_not(edition):
    first = monitoring.invite(edition.id, "registration")
    second = monitoring.invite(edition.id, "registration")
    monitoring.record_answers(first, {"sex": "prefer_not", "region": ""})
    monitoring.record_answers(second, {})  # "Skip all questions"
    db.session.commit()
    by_sex = {response.sex: response for response in _responses()}
    assert set(by_sex) == {"prefer_not", None}
    assert all(getattr(by_sex[None], key) is None for key in ANSWER_COLUMNS)
    assert by_sex["prefer_not"].region is None


def test_the_follow_up_counts_only_after_a_yes(edition):
    token = monitoring.invite(edition.id, "proposal")
    monitoring.record_answers(token, {"long_condition": "no", "condition_reduces": "a_lot"})
    [response] = _responses()
    assert response.long_condition == "no" and response.condition_reduces is None


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"ethnic_group": "martian"}, "ethnic_group"),
        ({"sex": "yes"}, "sex"),  # a code, but another question's
        ({"age_band": "16_24; DROP TABLE users"}, "age_band"),
        ({"favourite_colour": "blue"}, None),
    ],
)
def test_unknown_answers_are_refused_and_nothing_is_used(edition, answers, field):
    token = monitoring.invite(edition.id, "registration")
    db.session.commit()
    with pytest.raises(UnknownAnswer) as refused:
        monitoring.record_answers(token, answers)
    assert refused.value.field == field
    assert "Choose one of the answers" in refused.value.message or "no question" in (
        refused.value.message
    )
    db.session.rollback()
    assert _responses() == [] and monitoring.invitation(token) is not None


def test_a_link_works_once(edition):
    token = monitoring.invite(edition.id, "registration")
    monitoring.record_answers(token, {"sex": "female"})
    db.session.commit()
    with pytest.raises(InvitationGone) as refused:
        monitoring.record_answers(token, {"sex": "male"})
    assert "used already" in refused.value.message
    db.session.rollback()
    assert [response.sex for response in _responses()] == ["female"]


def test_an_expired_link_opens_nothing(edition, monkeypatch):
    token = monitoring.invite(edition.id, "registration")
    db.session.commit()
    last_day = date.today() + timedelta(days=monitoring.INVITATION_DAYS)
    assert db.session.scalar(select(EqualityInvitation.expires_on)) >= last_day - timedelta(1)
    monkeypatch.setattr(monitoring, "_today", lambda: last_day + timedelta(days=1))
    assert monitoring.invitation(token) is None
    with pytest.raises(InvitationGone):
        monitoring.record_answers(token, {"sex": "female"})
    db.session.rollback()
    assert _responses() == []
    assert monitoring.purge_expired_invitations() == 1 and _invitations() == 0


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t[:-1],  # cut short
        lambda t: t + "x",
        lambda t: "",
        lambda t: "é" * 43,
        lambda t: "../" + t[3:],
    ],
)
def test_an_altered_link_opens_nothing(edition, tamper):
    token = monitoring.invite(edition.id, "registration")
    db.session.commit()
    assert monitoring.invitation(tamper(token)) is None
    with pytest.raises(InvitationGone):
        monitoring.record_answers(tamper(token), {})
    db.session.rollback()
    assert monitoring.invitation(token) is not None


def test_only_the_hash_of_the_token_is_kept(edition):
    token = monitoring.invite(edition.id, "contributor")
    db.session.commit()
    stored = db.session.scalar(select(EqualityInvitation.token_hash))
    assert token not in stored and len(stored) == 64


def test_a_stage_that_does_not_exist_is_refused(edition):
    with pytest.raises(ValueError):
        monitoring.invite(edition.id, "attendee")


def test_two_answers_at_once_with_one_link_save_one(app, edition):
    token = monitoring.invite(edition.id, "registration")
    db.session.commit()
    start = threading.Barrier(6)
    outcomes: list[str] = []

    def answer(sex: str) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                with unit_of_work():
                    monitoring.record_answers(token, {"sex": sex, "region": "london"})
                outcomes.append("saved")
            except InvitationGone:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=answer, args=(sex,)) for sex in ["female", "male"] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["refused"] * 5 + ["saved"]
    assert len(_responses()) == 1 and _invitations() == 0


def test_counts_come_by_edition_stage_question_and_option_in_one_query(edition, count_queries):
    other = make_edition(2098)
    given = [("female", "registration"), ("female", "registration"), ("male", "proposal")]
    for sex, stage in given:
        monitoring.record_answers(monitoring.invite(edition.id, stage), {"sex": sex})
    monitoring.record_answers(monitoring.invite(other.id, "registration"), {"region": "london"})
    db.session.commit()
    edition_id, other_id = edition.id, other.id
    with count_queries() as queries:
        counts = monitoring.answer_counts([edition_id])
    assert len(queries) == 1
    table = {(c.stage, c.question, c.option): c.count for c in counts}
    assert {c.edition_id for c in counts} == {edition_id}
    assert table[("registration", "sex", "female")] == 2
    assert table[("proposal", "sex", "male")] == 1
    assert table[("registration", "region", None)] == 2  # skipped, counted as such
    assert len(counts) == 2 * len(questions.QUESTIONS)  # here one option a question a stage
    every = monitoring.answer_counts()
    assert {c.edition_id for c in every} == {edition_id, other_id}


def test_no_function_hands_out_responses_row_by_row():
    public = [name for name in dir(monitoring) if not name.startswith("_")]
    returning_rows = {"responses", "export", "export_responses", "all_responses", "rows"}
    assert not returning_rows & set(public)


def test_a_reshuffle_racing_answers_loses_nothing_and_brings_no_link_back(app, edition):
    tokens = [monitoring.invite(edition.id, "registration") for _ in range(8)]
    db.session.commit()
    start = threading.Barrier(len(tokens) + 1)
    saved: list[str] = []

    def run(job) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                with unit_of_work():
                    job()
            except InvitationGone:
                pass
            finally:
                db.session.remove()

    def answer(token: str):
        def job() -> None:
            monitoring.record_answers(token, {"sex": "female"})
            saved.append(token)

        return job

    jobs = [monitoring.reshuffle, *(answer(token) for token in tokens)]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # Every valid link is taken, before the rewrite or after it (never refused as gone).
    assert sorted(saved) == sorted(tokens)
    assert len(_responses()) == len(tokens) and _invitations() == 0
    for token in tokens:
        assert monitoring.invitation(token) is None
