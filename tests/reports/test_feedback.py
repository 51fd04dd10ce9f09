"""Feedback after an event, its rules without HTTP: a link works once (also when two
submissions arrive at once), closes after its days, a tampered token opens nothing, 100 KB of
text is refused with nothing saved, and the response holds nobody's identity."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, inspect, select, text

from cpweek.audit import AuditEntry
from cpweek.extensions import db
from cpweek.reports.errors import (
    FeedbackInvalid,
    FormClosed,
    LinkUnknown,
    LinkUsed,
    NotAllowed,
)
from cpweek.reports.feedback_models import (
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
)
from cpweek.reports.services import feedback
from cpweek.uow import unit_of_work
from tests.reports.conftest import adopt, make_link

TODAY = date(2099, 7, 1)


def responses() -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackResponse))


@pytest.fixture
def measure(edition, people):
    return adopt(edition, "confidence", people)


def test_an_answer_is_saved_once_and_the_link_marked_used(webinar, measure):
    link = make_link(webinar, closes_on=TODAY)
    given = feedback.FeedbackInput({measure.id: 4}, 5, "The captions", "More breaks")
    response = feedback.submit(link.token, given, on=TODAY)
    db.session.commit()
    assert (response.event_id, response.edition_id, response.overall) == (
        webinar.id,
        webinar.edition_id,
        5,
    )
    assert (response.source, response.easy_read, response.created_on) == ("online", False, TODAY)
    [answer] = db.session.scalars(select(FeedbackAnswer)).all()
    assert (answer.measure_id, answer.option) == (measure.id, 4)
    db.session.expire_all()
    assert db.session.get_one(FeedbackRequest, link.request.id).used_on == TODAY
    with pytest.raises(LinkUsed):
        feedback.submit(link.token, given, on=TODAY)
    with pytest.raises(LinkUsed):
        feedback.open_link(link.token, on=TODAY)
    assert responses() == 1


def test_the_response_names_no_person_registration_or_instant():
    columns = {column.name: column for column in inspect(FeedbackResponse).columns}
    assert set(columns) == {
        "id",
        "event_id",
        "edition_id",
        "overall",
        "what_worked",
        "could_be_better",
        "source",
        "easy_read",
        "created_on",
    }
    assert {fk.column.table.name for c in columns.values() for fk in c.foreign_keys} == {
        "events",
        "editions",
    }
    # The request keeps only the day its link was used.
    assert type(inspect(FeedbackRequest).columns["used_on"].type).__name__ == "Date"
    assert type(columns["created_on"].type).__name__ == "Date"


def test_online_answers_leave_nothing_in_the_audit_log(webinar, measure):
    link = make_link(webinar, closes_on=TODAY)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    feedback.submit(link.token, feedback.FeedbackInput(overall=3), on=TODAY)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_closed_form_takes_nothing(webinar, measure):
    link = make_link(webinar, closes_on=TODAY)
    with pytest.raises(FormClosed, match="closed on 1 July 2099"):
        feedback.submit(link.token, feedback.FeedbackInput(overall=3), on=TODAY + timedelta(days=1))
    assert responses() == 0
    feedback.open_link(link.token, on=TODAY)  # still open on its last day


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "a/b", "é" * 43, "x" * 5000])
def test_a_tampered_or_unknown_token_opens_nothing(webinar, measure, token):
    make_link(webinar, closes_on=TODAY)
    with pytest.raises(LinkUnknown):
        feedback.open_link(token, on=TODAY)


def test_a_token_changed_by_one_character_opens_nothing(webinar, measure):
    link = make_link(webinar, closes_on=TODAY)
    changed = link.token[:-1] + ("A" if link.token[-1] != "A" else "B")
    with pytest.raises(LinkUnknown):
        feedback.submit(changed, feedback.FeedbackInput(overall=3), on=TODAY)


def test_100_kb_of_text_is_refused_and_nothing_saved(webinar, measure):
    link = make_link(webinar, closes_on=TODAY)
    given = feedback.FeedbackInput(overall=4, what_worked="x" * 100_000)
    with pytest.raises(FeedbackInvalid, match="5,000 characters or fewer") as raised:
        feedback.submit(link.token, given, on=TODAY)
    assert raised.value.field == "what_worked"
    db.session.rollback()
    assert responses() == 0
    db.session.expire_all()
    assert db.session.get_one(FeedbackRequest, link.request.id).used_on is None


@pytest.mark.parametrize(
    "given, field",
    [
        (feedback.FeedbackInput(), "overall"),  # nothing at all
        (feedback.FeedbackInput(overall=6), "overall"),
        (feedback.FeedbackInput(overall=0), "overall"),
        (feedback.FeedbackInput(answers={999_999: 3}), "measure_999999"),
        (feedback.FeedbackInput(could_be_better="y" * 5001), "could_be_better"),
    ],
)
def test_bad_answers_are_refused(webinar, measure, given, field):
    link = make_link(webinar, closes_on=TODAY)
    with pytest.raises(FeedbackInvalid) as raised:
        feedback.submit(link.token, given, on=TODAY)
    assert raised.value.field == field


def test_a_measure_option_off_the_scale_is_refused(webinar, measure):
    link = make_link(webinar, closes_on=TODAY)
    with pytest.raises(FeedbackInvalid) as raised:
        feedback.submit(link.token, feedback.FeedbackInput({measure.id: 9}), on=TODAY)
    assert raised.value.field == f"measure_{measure.id}"


def test_two_submissions_at_once_save_one(app, webinar, measure):
    link = make_link(webinar, closes_on=TODAY)
    token = link.token
    barrier, results = threading.Barrier(2), []

    def send(text: str):
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    feedback.submit(token, feedback.FeedbackInput(what_worked=text), on=TODAY)
                results.append("saved")
            except LinkUsed:
                results.append("used")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(text,)) for text in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["saved", "used"]
    assert responses() == 1


def test_organisers_enter_phone_and_paper_answers_and_the_audit_log_says_who(
    webinar, measure, people
):
    given = feedback.FeedbackInput({measure.id: 5}, 4, "Phoned in", "", easy_read=True)
    response = feedback.enter_answers(webinar, given, "phone", people.organiser, on=TODAY)
    db.session.commit()
    assert (response.source, response.easy_read) == ("phone", True)
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "reports.feedback_entered")
    ).all()
    assert entry.actor_id == people.organiser.id
    assert entry.after == {"response_id": response.id, "source": "phone"}
    with pytest.raises(FeedbackInvalid) as raised:
        feedback.enter_answers(webinar, given, "online", people.organiser)
    assert raised.value.field == "source"
    with pytest.raises(NotAllowed):
        feedback.enter_answers(webinar, given, "paper", people.co_producer)


def test_the_form_asks_only_adopted_measures(webinar, edition, people, measure):
    from cpweek.reports.services import outcomes

    outcomes.propose_from_bank(edition, "wellbeing", people.organiser)  # proposed only
    db.session.commit()
    link = make_link(webinar, closes_on=TODAY)
    assert [m.id for m in feedback.open_link(link.token, on=TODAY).measures] == [measure.id]


@pytest.mark.parametrize("value", ["0", "-1", "366", "two weeks"])
def test_feedback_open_days_must_be_a_sensible_number(monkeypatch, tmp_path, value):
    from cpweek.config import ConfigError, load_config

    monkeypatch.setenv("FEEDBACK_OPEN_DAYS", value)
    with pytest.raises(ConfigError, match="FEEDBACK_OPEN_DAYS"):
        load_config(str(tmp_path), {"SECRET_KEY": "x"})


def test_feedback_open_days_defaults_to_14(monkeypatch, tmp_path):
    from cpweek.config import load_config

    monkeypatch.delenv("FEEDBACK_OPEN_DAYS", raising=False)
    assert load_config(str(tmp_path), {"SECRET_KEY": "x"})["FEEDBACK_OPEN_DAYS"] == 14


def test_answers_are_not_entered_for_an_event_still_to_come(edition, people, measure):
    from datetime import datetime

    from tests.factories import make_event

    coming = make_event(edition, datetime(2099, 6, 29, 10, 0), slug="coming")
    with pytest.raises(FeedbackInvalid, match="not ended yet"):
        feedback.enter_answers(coming, feedback.FeedbackInput(overall=3), "phone", people.organiser)


def test_equality_tidy_unlinks_a_used_link_from_its_response(webinar, measure, runner):
    # PostgreSQL stamps both rows with the transaction that wrote them (xmin): joined on it,
    # the anonymous response would name its registration until the daily tidy rewrites links.
    link = make_link(webinar, closes_on=TODAY)
    given = feedback.FeedbackInput({measure.id: 4}, 5, "The captions", "More breaks")
    feedback.submit(link.token, given, on=TODAY)
    db.session.commit()
    postgres = db.engine.dialect.name == "postgresql"
    join = text(
        "SELECT count(*) FROM feedback_requests q JOIN feedback_responses r ON r.xmin = q.xmin"
    )
    if postgres:
        assert db.session.scalar(join) == 1  # the leak the tidy closes
    db.session.commit()  # nothing open: VACUUM FULL needs the tables to itself
    result = runner.invoke(args=["equality-tidy"])
    assert result.exit_code == 0, result.output
    assert "1 used feedback links rewritten" in result.output
    db.session.expire_all()
    assert db.session.get_one(FeedbackRequest, link.request.id).used_on == TODAY  # still used
    if postgres:
        assert db.session.scalar(join) == 0
