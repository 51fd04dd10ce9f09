"""The impact report's figures, each computed from seeded rows (tests/reports/impact_world.py):
registrations, attendance, waiting lists, access requests and how many were met, hours and
payments (with the median days from approval to payment), feedback counts; an edition with
nothing (no payments, no feedback); the year-on-year table; the CSV."""

from __future__ import annotations

import csv
import io

from cpweek import suppression
from cpweek.extensions import db
from cpweek.reports.services import impact, impact_tables
from cpweek.reports.services.impact import Access, NeedCount
from tests.reports.impact_world import registration, seed


def test_registrations_attendance_and_waiting_lists(app):
    world = seed()
    places = impact.report(world.edition, for_organisers=False).headline.places
    assert places.registered == 9
    assert places.cancelled == 2
    assert places.with_place == 6  # Bea, Cal, Dee online; Hal, Ivy, Jo at the conference
    assert places.checked_in == 3  # Bea (arrived), Hal, Ivy
    assert places.online == 4  # Bea, Cal, Dee at the webinar, Jo online at the conference
    assert places.waited == 3  # Dee (given a place), Fay (still waiting), Gil (cancelled)
    assert places.got_place == 1


def test_access_requests_and_how_many_were_met(app):
    access = impact.report(seed().edition, for_organisers=False).headline.access
    # Fay asked for step-free access but never had a place: not counted.
    assert (access.requests, access.marked) == (4, 3)
    assert (access.met, access.partly, access.not_met) == (1, 1, 1)
    needs = {need.label: need for need in access.needs}
    assert list(needs) == [
        "British Sign Language (BSL) interpreter",
        "Live captions (speech to text)",
        "Step-free access",
        "Something else, in their own words",
    ]
    captions = needs["Live captions (speech to text)"]
    assert (captions.requested, captions.met, captions.partly, captions.not_met) == (2, 1, 1, 0)
    assert needs["Step-free access"].unmarked == 1
    assert needs["Something else, in their own words"].not_met == 1


def test_a_need_no_longer_on_the_list_counts_only_with_words_beside_it(app):
    """A code that is not one of today's needs is not a request on its own; with a note it is
    "own words"; a need ticked twice is counted as it was kept."""
    world = seed()
    registration(world.online, "Kit", "confirmed", access_needs=["no_longer_offered"])
    registration(
        world.online, "Lou", "confirmed", access_needs=["no_longer_offered"], access_notes="Ramp"
    )
    registration(world.online, "Max", "confirmed", access_needs=["breaks", "breaks"])
    db.session.commit()
    access = impact.report(world.edition, for_organisers=False).headline.access
    assert access.requests == 4 + 2  # Lou and Max; not Kit
    needs = {need.label: need for need in access.needs}
    assert needs["Something else, in their own words"].requested == 2
    assert needs["Regular breaks"].requested == 2  # ticked twice: counted as it was kept


def test_hours_payments_and_the_median_days_to_payment(app):
    ledger = impact.report(seed().edition, for_organisers=False).headline.ledger
    assert ledger.minutes == 180  # the rejected 45 minutes do not count
    assert ledger.hours == 3.0
    assert ledger.paid_pence == 7500  # the approved, unpaid £99 is not paid
    assert sorted(ledger.days_to_payment) == [1, 3, 10]
    assert ledger.median_days == 3


def test_feedback_is_counted_per_option_per_measure(app):
    world = seed()
    feedback = impact.report(world.edition, for_organisers=True).feedback
    assert (feedback.responses, feedback.comments) == (3, 1)
    overall, measure = feedback.questions
    assert overall.counts == [
        ("Very poor", 0),
        ("Poor", 0),
        ("OK", 0),
        ("Good", 1),
        ("Very good", 1),
    ]
    assert measure.question == "How confident do you feel?"
    assert measure.counts == [("A", 0), ("B", 1), ("C", 0), ("D", 2), ("E", 0)]
    assert feedback.texts == [("The captions", "")]
    assert impact.report(world.edition, for_organisers=False).feedback.texts == []


def test_an_edition_with_nothing_shows_zeros_and_no_median(app):
    world = seed()
    report = impact.report(world.empty, for_organisers=False)
    assert report.headline.places == impact.Places()
    assert report.headline.access.requests == 0 and report.headline.access.needs == []
    assert report.headline.ledger.paid_pence == 0
    assert report.headline.ledger.median_days is None
    assert report.feedback.responses == 0 and report.feedback.comments == 0
    assert [chart.id for chart in impact_tables.charts(report)] == ["chart-places", "chart-q1"]


def test_year_on_year_has_every_edition_oldest_first(app):
    world = seed()
    history = impact.report(world.edition, for_organisers=False).history
    assert [item.edition.year for item in history] == [2024, 2025]
    cells = impact_tables.headline_cells(history[1], money_plain=False, public=False)
    assert cells == [2025, 9, 6, 3, 4, 3, 1, 4, 1, 3.0, "£75.00", 3, 3]
    public = impact_tables.headline_cells(history[1], money_plain=False, public=True)
    assert public == [2025, 9, 6, 3, 4, 3, 1, 3.0, "£75.00", 3, 3]  # no access counts
    last = impact_tables.headline_cells(history[0], money_plain=False, public=True)[-2]
    assert last == "None paid"


def test_the_csv_holds_the_same_figures_and_no_free_text(app):
    world = seed()
    text = impact_tables.csv(impact.report(world.edition, for_organisers=True))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Impact report, Co-production Week 2025"]
    # Public figures only: access needs (special category data) are not in the CSV.
    assert rows[2] == impact_tables.headline_headers(public=True)
    assert "Access requests" not in rows[2]
    assert rows[3][0] == "2024" and rows[3][9] == ""
    assert rows[4] == ["2025", "9", "6", "3", "4", "3", "1", "3.0", "75.00", "3", "3"]
    assert not any(row and row[0] == "Access need" for row in rows)
    assert ["Checked in", "3"] in rows and ["Given a place from it", "1"] in rows
    assert not any(row and row[0] == "Live captions (speech to text)" for row in rows)
    assert ["Free-text comments (not published)", "1"] in rows
    assert "The captions" not in text


def test_the_public_sees_access_needs_only_as_suppression_publishes_them():
    # 40 people asked; BSL by 3 of them: hidden, and so is whatever would give it away.
    access = Access(
        requests=40,
        marked=40,
        met=30,
        partly=6,
        not_met=4,
        needs=[
            NeedCount("Step-free access", requested=25, met=20, partly=3, not_met=2),
            NeedCount("Live captions (speech to text)", requested=12, met=8, partly=2, not_met=2),
            NeedCount("British Sign Language interpreter", requested=3, met=2, partly=1),
        ],
    )
    shown = impact_tables.public_access(access, suppression.Rule(threshold=10, base=5))
    assert shown.outcomes.total.value == 40 and shown.outcomes.cells[0][0].value == 30
    assert shown.outcomes.cells[0][2].hidden  # 4 not met
    assert shown.needs is not None and shown.labels[2] == "British Sign Language interpreter"
    assert all(figure.hidden for figure in shown.needs.cells[2])
    every = [f.value for row in shown.needs.cells for f in row if not f.hidden]
    assert every and all(value >= 10 and value % 5 == 0 for value in every)
