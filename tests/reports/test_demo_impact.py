"""The demo's impact data (issue 14, point 8): measures adopted by both perspectives, feedback
worth reading, and equality answers that show some cells and hide others; a second run adds
nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from cpweek.demo import DEMO_PASSWORD, seed_demo
from cpweek.extensions import db
from cpweek.perspectives import CO_PRODUCER, ORGANISER
from cpweek.programme.models import Edition, Event, Registration
from cpweek.reports.feedback_models import (
    FeedbackAnswer,
    FeedbackResponse,
    FeedbackSource,
    MeasureAgreement,
    OutcomeMeasure,
)
from cpweek.reports.models import EqualityResponse, Stage
from cpweek.reports.questions import ETHNIC_GROUP, PREFER_NOT
from cpweek.reports.services.monitoring import answer_counts
from cpweek.suppression import Rule, publish_breakdown
from tests.a11y import problems

# The demo is loaded once for the module (`demo_world`); each test loses what it adds.
pytestmark = pytest.mark.usefixtures("demo_world")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _editions() -> dict[int, Edition]:
    return {edition.year: edition for edition in db.session.scalars(select(Edition))}


def test_the_demo_adopts_measures_both_perspectives_agreed_for_2025_and_2026():
    for year in (2025, 2026):
        measures = list(
            db.session.scalars(
                select(OutcomeMeasure).where(OutcomeMeasure.edition_id == _editions()[year].id)
            )
        )
        assert 3 <= len(measures) <= 4 and all(measure.is_adopted for measure in measures)
        for measure in measures:
            perspectives = set(
                db.session.scalars(
                    select(MeasureAgreement.perspective).where(
                        MeasureAgreement.measure_id == measure.id
                    )
                )
            )
            assert perspectives == {ORGANISER, CO_PRODUCER}


def test_the_demo_has_hundreds_of_anonymous_responses_online_by_phone_and_on_paper():
    editions = _editions()
    for year, at_least in ((2025, 250), (2026, 150)):
        edition_id = editions[year].id
        responses = list(
            db.session.scalars(
                select(FeedbackResponse).where(FeedbackResponse.edition_id == edition_id)
            )
        )
        assert len(responses) > at_least
        assert {response.source for response in responses} == {s.value for s in FeedbackSource}
        assert sum(bool(response.what_worked) for response in responses) > 20
        # Every adopted measure has answers, spread over its scale.
        for measure in db.session.scalars(
            select(OutcomeMeasure).where(OutcomeMeasure.edition_id == edition_id)
        ):
            options = set(
                db.session.scalars(
                    select(FeedbackAnswer.option).where(FeedbackAnswer.measure_id == measure.id)
                )
            )
            assert options == {1, 2, 3, 4, 5}
    # Anonymous: a response has no column that could name a person or a registration.
    columns = set(FeedbackResponse.__table__.columns.keys())
    assert not columns & {"registration_id", "person_id", "user_id", "created_at"}


def test_the_demo_equality_answers_show_some_cells_and_hide_others():
    edition_id = _editions()[2026].id
    counts = {
        count.option: count.count
        for count in answer_counts([edition_id])
        if count.stage == Stage.REGISTRATION.value and count.question == ETHNIC_GROUP.key
    }
    groups = [counts.get(option.code, 0) for option in ETHNIC_GROUP.options]
    assert any(count >= 10 for count in groups)
    assert any(1 <= count <= 9 for count in groups)
    assert counts.get(PREFER_NOT) and counts.get(None)  # "Prefer not to say", and skipped
    published = publish_breakdown(groups, Rule())
    shown = [figure for figure in published.cells[0] if not figure.hidden]
    assert shown and len(shown) < len(groups)
    stages = set(
        db.session.scalars(
            select(EqualityResponse.stage).where(EqualityResponse.edition_id == edition_id)
        )
    )
    assert stages == {stage.value for stage in Stage}


IMPACT_MODELS = (
    OutcomeMeasure,
    MeasureAgreement,
    FeedbackResponse,
    FeedbackAnswer,
    EqualityResponse,
)


def test_a_second_seed_adds_no_measures_feedback_or_equality_answers():
    assert _count(OutcomeMeasure) == 8
    assert _count(FeedbackResponse) > 400 and _count(EqualityResponse) > 600
    counts = [_count(model) for model in IMPACT_MODELS]
    registrations = _count(Registration)
    again = seed_demo()
    assert (again.outcome_measures, again.feedback_responses, again.equality_answers) == (0, 0, 0)
    assert again.past_registrations == 0 and _count(Registration) == registrations
    assert not again.added_anything
    assert counts == [_count(model) for model in IMPACT_MODELS]


def test_the_demo_equality_answers_are_the_same_every_run(app):
    # Deleted and seeded again, the answers come back the same: the generator is seeded.
    first = sorted(
        (count.stage, count.question, count.option or "", count.count) for count in answer_counts()
    )
    db.session.execute(EqualityResponse.__table__.delete())
    seed_demo()
    again = sorted(
        (count.stage, count.question, count.option or "", count.count) for count in answer_counts()
    )
    assert first == again


def test_an_organiser_sees_the_demo_feedback_of_an_event(browser):
    event = db.session.scalar(select(Event).where(Event.slug == "innovation-conference-2025"))
    browser.sign_in("organiser@example.org", DEMO_PASSWORD)
    page = browser.client.get(f"/manage/events/{event.id}/feedback")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "by phone" in html and "on paper" in html  # totals by source; comments carry no tag
    assert "how confident do you feel to take part in co-production?" in html
    assert problems(html) == []


def test_the_public_2026_report_hides_small_answers_and_what_would_give_them_away(client):
    # Issue 14's "done when": the outcome chart with its table, a cell below 10 hidden along
    # with the cell that would give it away.
    page = client.get("/2026/impact").get_data(as_text=True)
    assert problems(page) == []
    chart_table = r'<table class="table table--compact" data-chart="chart-q\d+">(.*?)</table>'
    tables = re.findall(chart_table, page, re.S)
    assert tables, "no outcome chart"
    seen_hidden = False
    for table in tables:
        cells = re.findall(r'<td class="numeric">([^<]*)</td>', table)
        shown = [int(cell) for cell in cells if cell.isdigit()]
        hidden = [cell for cell in cells if cell == "not shown"]
        assert all(value >= 10 and value % 5 == 0 for value in shown), cells
        assert len(hidden) != 1, cells  # never a lone hidden cell beside a known total
        seen_hidden = seen_hidden or bool(hidden)
    assert seen_hidden, "the demo should show suppression at work"
    assert "Groups of fewer than 10 people are not shown" in page
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="chart-q1-title', page)


def test_the_demo_has_the_people_who_came_for_the_report_to_count():
    from cpweek.demo.attendance import DEMAND
    from cpweek.programme.models import HOLDING_A_PLACE
    from cpweek.reports.impact_models import AccessMet
    from cpweek.reports.services import impact

    report = impact.report(_editions()[2025], for_organisers=True).headline
    assert report.places.registered > 500 and report.places.cancelled > 0
    assert report.places.checked_in > 0  # the in-person launch at Westminster
    assert report.places.waited > 0 and 0 < report.places.got_place < report.places.waited
    assert report.access.requests > 50 and report.access.marked < report.access.requests
    assert report.access.met and report.access.partly and report.access.not_met
    assert any(need.label == "Something else, in their own words" for need in report.access.needs)
    assert impact.report(_editions()[2026], for_organisers=True).headline.places.online > 300
    # Illustrative people: no accounts; never more places than an event has.
    assert not db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.person_id.is_not(None))
        .join(Event, Event.id == Registration.event_id)
        .where(Event.edition_id.in_([_editions()[2025].id, _editions()[2026].id]))
    )
    for slug in DEMAND:
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        held = db.session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(HOLDING_A_PLACE))
        )
        assert held == event.capacity
    marked = db.session.scalars(select(AccessMet)).all()
    assert all(mark.note for mark in marked if mark.outcome != "met")
