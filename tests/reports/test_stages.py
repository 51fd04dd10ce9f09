"""Who takes part, as a service: one table a characteristic, published through suppression;
shares and "falls away" worked out from the published numbers only; a stable snapshot (answers
before this month); population figures beside it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from cpweek import suppression
from cpweek.extensions import db
from cpweek.reports.models import EqualityResponse, PopulationShare, Stage
from cpweek.reports.questions import BY_KEY
from cpweek.reports.services import stages
from cpweek.reports.services.stages import Category, Population, Row
from tests.factories import make_edition

RULE = suppression.Rule(threshold=10, base=5)
TODAY = date(2026, 12, 1)
LAST_MONTH = date(2026, 11, 1)


def seed(edition_id: int, stage: str, n: int, *, month: date = LAST_MONTH, **answers) -> None:
    """n responses at a stage, with these answers (what monitoring.record_answers leaves)."""
    db.session.add_all(
        EqualityResponse(
            key=str(uuid.uuid4()), edition_id=edition_id, stage=stage, month=month, **answers
        )
        for _ in range(n)
    )
    db.session.flush()


@pytest.fixture
def edition():
    return make_edition(2026)


def test_ethnic_group_is_grouped_into_the_five_high_level_groups():
    rows = stages.categories(BY_KEY["ethnic_group"])
    assert [row.code for row in rows] == [
        "asian", "black", "mixed", "white", "other", "prefer_not", "not_answered",
    ]  # fmt: skip
    assert rows[0].words == "Asian, Asian British or Asian Welsh"
    assert "white_roma" in rows[3].options and None in rows[-1].options
    assert [row.is_group for row in rows[-2:]] == [False, False]
    sex = stages.categories(BY_KEY["sex"])
    assert [row.code for row in sex] == ["female", "male", "prefer_not", "not_answered"]


def test_the_table_is_published_through_suppression_with_stages_as_columns(edition):
    seed(edition.id, "registration", 23, ethnic_group="white_british")
    seed(edition.id, "registration", 13, ethnic_group="asian_indian")
    seed(edition.id, "registration", 7, ethnic_group="black_african")
    seed(edition.id, "registration", 12, ethnic_group="prefer_not")
    seed(edition.id, "registration", 15)  # skipped the question
    seed(edition.id, "attended", 13, ethnic_group="white_irish")
    comparison = stages.who_takes_part(edition.id, BY_KEY["ethnic_group"], TODAY, RULE)
    assert comparison.stages == tuple(Stage)
    # Rows: Asian, Black, Mixed, White, Other, Prefer not to say, Not answered.
    table = [
        [13, 0, 0, 0, 0, 0], [7, 0, 0, 0, 0, 0], [0] * 6, [23, 13, 0, 0, 0, 0], [0] * 6,
        [12, 0, 0, 0, 0, 0], [15, 0, 0, 0, 0, 0],
    ]  # fmt: skip
    for j, column in enumerate(comparison.columns):
        assert column == suppression.publish_breakdown([row[j] for row in table], RULE)
    shown = [f.value for row in comparison.rows for f in row.figures if not f.hidden]
    shown += [f.value for f in comparison.totals if not f.hidden]
    assert all(value % 5 == 0 and value >= 10 for value in shown)
    black = comparison.rows[1]
    assert black.figures[0].hidden and black.figures[0].reason == "fewer than 10"


def test_answers_of_this_month_wait_for_the_next_snapshot(edition):
    seed(edition.id, "registration", 30, sex="female")
    seed(edition.id, "registration", 20, sex="male")
    seed(edition.id, "registration", 15, sex="prefer_not")
    seed(edition.id, "registration", 12)
    seed(edition.id, "registration", 40, sex="male", month=TODAY)
    comparison = stages.who_takes_part(edition.id, BY_KEY["sex"], TODAY, RULE)
    assert comparison.before == TODAY
    assert [row.figures[0].value for row in comparison.rows] == [30, 20, 15, 10]
    assert comparison.totals[0].value == 75  # 77, not 117


def test_other_editions_and_other_stages_are_not_counted(edition):
    other = make_edition(2025)
    seed(other.id, "registration", 50, sex="female")
    seed(edition.id, "paid", 20, sex="female")
    seed(edition.id, "paid", 20, sex="male")
    seed(edition.id, "paid", 10, sex="prefer_not")
    seed(edition.id, "paid", 10)
    comparison = stages.who_takes_part(edition.id, BY_KEY["sex"], TODAY, RULE)
    female = comparison.rows[0]
    assert female.figures[-1].value == 20 and comparison.totals[-1].value == 60
    assert female.figures[0].hidden  # none registered in this edition: "fewer than 10"
    assert all(total.hidden for total in comparison.totals[:-1])


def test_a_share_comes_from_the_published_numbers_never_the_raw_ones():
    """23 of 48 is 48 %; the published 25 of 50 is 50 %. Showing 48 % would tell a reader
    that the hidden exact numbers are 23 and 48."""
    part, whole = suppression.Figure(RULE.rounded(23)), suppression.Figure(RULE.rounded(48))
    assert stages.share(part, whole) == 50
    assert stages.share(suppression.Figure(None, "fewer than 10"), whole) is None
    assert stages.share(part, suppression.Figure(None, suppression.SECONDARY)) is None
    assert stages.share(part, suppression.Figure(0)) is None


def test_shares_in_the_comparison_are_those_of_the_published_cells(edition):
    seed(edition.id, "registration", 23, sex="female")
    seed(edition.id, "registration", 25, sex="male")
    seed(edition.id, "registration", 12, sex="prefer_not")
    seed(edition.id, "registration", 11)  # 71 in all
    comparison = stages.who_takes_part(edition.id, BY_KEY["sex"], TODAY, RULE)
    for row in comparison.rows:
        for figure, total, got in zip(row.figures, comparison.totals, row.shares, strict=True):
            assert got == stages.share(figure, total)
    female = comparison.rows[0]
    assert female.figures[0].value == 25 and comparison.totals[0].value == 70
    assert female.shares[0] == 36  # 25 of 70; the raw 23 of 71 would be 32


def _row(code: str, shares: tuple[int | None, ...], is_group: bool = True) -> Row:
    category = Category(code, code.title(), frozenset({code}), is_group)
    return Row(category, (suppression.Figure(None),) * len(shares), shares, None)


def test_a_group_falls_away_when_its_published_share_drops_by_five_points_or_more():
    order = tuple(Stage)
    rows = (
        _row("asian", (20, None, 12, 10, None, None)),
        _row("white", (70, 72, 68, 80, 81, 90)),
        _row("prefer_not", (30, 10, 0, 0, 0, 0), is_group=False),
    )
    said = stages.falls_away(rows, order)
    # "Asian": 20 at Registered, hidden at Attended, 12 at Proposed: compared across the gap.
    assert said == ["Asian: about 20% of answers at “Registered”, about 12% at “Proposed”."]


def test_population_figures_sit_beside_the_groups(edition):
    db.session.add(
        PopulationShare(
            question="ethnic_group",
            category="white",
            per_mille=817,
            source="England and Wales: ONS",
            source_url="https://www.ons.gov.uk/",
            as_of=date(2021, 3, 21),
        )
    )
    db.session.flush()
    db.session.execute(
        PopulationShare.__table__.delete().where(PopulationShare.category != "white")
    )
    comparison = stages.who_takes_part(edition.id, BY_KEY["ethnic_group"], TODAY, RULE)
    by_code = {row.category.code: row.population for row in comparison.rows}
    assert by_code["white"].percent == "81.7%"
    assert by_code["asian"] == Population(None)  # not entered: no figure, not a guess
    assert by_code["prefer_not"] is None and by_code["not_answered"] is None
    [source] = comparison.sources
    assert source.source == "England and Wales: ONS"
