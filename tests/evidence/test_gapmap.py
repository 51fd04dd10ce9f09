"""The gap map's counts: one grouped statement, each item once per cell and once in a total,
only included items of the collection that match the filters, and every cell's link listing
exactly the items it counts."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from cpweek.evidence.models import EvidenceItemTerm, EvidenceTerm, Vocabulary
from cpweek.evidence.services import filters, gapmap, vocabularies
from cpweek.extensions import db
from tests.evidence.factories import make_collection, make_item, term

TOPIC, DIMENSION = Vocabulary.TOPIC, Vocabulary.DIMENSION
DEFAULT = gapmap.Axes(TOPIC, DIMENSION)


def _map(collection, args=None, axes=DEFAULT):
    known = vocabularies.all_terms()
    chosen = filters.parse_filters(args or {}, known)
    return gapmap.build(collection, chosen, known, axes), chosen, known


def _cell(grid, row_slug, col_slug):
    row = next(t for t in grid.rows if t.slug == row_slug)
    col = next(t for t in grid.cols if t.slug == col_slug)
    return grid.count(row, col)


def _totals(grid, which, slug):
    terms = grid.rows if which == "row" else grid.cols
    totals = grid.row_totals if which == "row" else grid.col_totals
    return totals.get(next(t for t in terms if t.slug == slug).id, 0)


@pytest.fixture
def hub():
    collection = make_collection()
    make_item(
        collection,
        "Carers in rural black communities",
        year=2023,
        terms={
            "topic": ["unpaid-carers", "housing"],
            "dimension": ["ethnicity", "rurality"],
            "geography": ["london"],
        },
    )
    make_item(
        collection,
        "Carers and language",
        year=2019,
        terms={"topic": ["unpaid-carers"], "dimension": ["ethnicity"]},
    )
    make_item(collection, "Housing, no dimension yet", terms={"topic": ["housing"]})
    for status in ("draft", "excluded"):
        make_item(
            collection,
            f"A {status} item",
            status=status,
            terms={"topic": ["unpaid-carers", "workforce"], "dimension": ["ethnicity", "age"]},
        )
    other = make_collection(slug="another-hub", title="Another hub")
    make_item(other, terms={"topic": ["workforce"], "dimension": ["age"]})
    return collection


def test_an_item_counts_once_in_each_of_its_cells_and_once_in_each_total(hub):
    grid, _, _ = _map(hub)

    assert len(grid.rows) == 10 and len(grid.cols) == 10
    assert {
        (r, c): _cell(grid, r, c)
        for r, c in [
            ("unpaid-carers", "ethnicity"),
            ("unpaid-carers", "rurality"),
            ("housing", "ethnicity"),
            ("housing", "rurality"),
        ]
    } == {
        ("unpaid-carers", "ethnicity"): 2,
        ("unpaid-carers", "rurality"): 1,
        ("housing", "ethnicity"): 1,
        ("housing", "rurality"): 1,
    }
    # The first item sits in four cells but is one item in each total.
    assert _totals(grid, "row", "unpaid-carers") == 2
    assert _totals(grid, "row", "housing") == 1
    assert _totals(grid, "col", "ethnicity") == 2
    assert _totals(grid, "col", "rurality") == 1
    assert grid.in_any_cell == 2
    assert grid.matching == 3 and grid.outside == 1  # the housing item without a dimension
    assert grid.gaps == 100 - 4


def test_draft_excluded_and_other_collections_items_are_never_counted(hub):
    grid, _, _ = _map(hub)

    assert _cell(grid, "workforce", "age") == 0
    assert _cell(grid, "unpaid-carers", "age") == 0
    assert _totals(grid, "row", "workforce") == 0
    assert _totals(grid, "col", "age") == 0
    assert sum(grid.cells.values()) == 5


@pytest.mark.parametrize(
    ("args", "expected_cells", "in_any_cell"),
    [
        ({"from": "2020"}, {("unpaid-carers", "ethnicity"): 1, ("housing", "rurality"): 1}, 1),
        ({"to": "2020"}, {("unpaid-carers", "ethnicity"): 1, ("housing", "rurality"): 0}, 1),
        ({"geography": ["london"]}, {("unpaid-carers", "ethnicity"): 1}, 1),
        ({"dimension": ["rurality"]}, {("unpaid-carers", "rurality"): 1}, 1),
        ({"q": "language"}, {("unpaid-carers", "ethnicity"): 1, ("housing", "ethnicity"): 0}, 1),
        ({"q": "nothing-matches-this"}, {("unpaid-carers", "ethnicity"): 0}, 0),
    ],
)
def test_the_lists_filters_apply_to_the_map(hub, args, expected_cells, in_any_cell):
    grid, _, _ = _map(hub, args)

    for (row, col), count in expected_cells.items():
        assert _cell(grid, row, col) == count, (row, col)
    assert grid.in_any_cell == in_any_cell


def test_choosing_terms_of_an_axis_shows_only_those_rows(hub):
    grid, _, _ = _map(hub, {"topic": ["housing", "workforce"]})

    assert [t.slug for t in grid.rows] == ["workforce", "housing"]  # in the vocabulary's order
    assert grid.rows_narrowed and not grid.cols_narrowed
    assert len(grid.cols) == 10
    assert _cell(grid, "housing", "ethnicity") == 1


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"from": "2020"},
        {"topic": ["housing", "unpaid-carers"]},
        {"dimension": ["rurality"], "q": "carers"},
        {"geography": ["london"], "to": "2030"},
    ],
)
def test_every_cell_lists_exactly_the_items_it_counts(hub, args):
    """The cell's link is the list with `cell_filters`: the list starts from the same query,
    so counting what it would show must give the cell's number, for every cell."""
    grid, chosen, known = _map(hub, args)

    for row in grid.rows:
        for col in grid.cols:
            narrowed = gapmap.cell_filters(chosen, DEFAULT, row, col)
            listed = db.session.scalar(
                select(func.count()).select_from(
                    filters.matching_items(hub, narrowed, known).subquery()
                )
            )
            assert listed == grid.count(row, col), (row.slug, col.slug)


def test_other_axes_count_the_same_way(hub):
    make_item(
        hub,
        terms={"focus": ["outcomes", "access"], "setting": ["home-care"], "topic": ["housing"]},
    )
    make_item(hub, terms={"focus": ["outcomes"], "setting": ["home-care", "residential"]})

    grid, _, _ = _map(hub, axes=gapmap.Axes(Vocabulary.FOCUS, Vocabulary.SETTING))

    assert [t.slug for t in grid.rows] == ["access", "experience", "outcomes"]
    assert len(grid.cols) == 6
    assert _cell(grid, "outcomes", "home-care") == 2
    assert _cell(grid, "access", "home-care") == 1
    assert _cell(grid, "outcomes", "residential") == 1
    assert _totals(grid, "row", "outcomes") == 2
    assert _totals(grid, "col", "home-care") == 2
    assert grid.in_any_cell == 2


@pytest.mark.parametrize(
    ("args", "rows", "cols", "problem"),
    [
        ({}, "topic", "dimension", None),
        ({"rows": "focus", "cols": "setting"}, "focus", "setting", None),
        ({"rows": "design", "cols": "geography"}, "design", "geography", None),
        ({"rows": "dimension"}, "dimension", "topic", None),
        ({"cols": "topic"}, "dimension", "topic", None),
        ({"rows": "setting"}, "setting", "dimension", None),
        ({"rows": "nonsense"}, "topic", "dimension", "cannot use “nonsense” for its rows"),
        ({"cols": "<script>"}, "topic", "dimension", "cannot use “<script>” for its columns"),
        ({"rows": "topic", "cols": "topic"}, "topic", "dimension", "must be different"),
        ({"rows": "focus", "cols": "focus"}, "topic", "dimension", "must be different"),
        ({"rows": "x" * 10_000}, "topic", "dimension", "x" * 40 + "”"),
        ({"rows": "TOPIC", "cols": " "}, "topic", "dimension", "“TOPIC”"),
    ],
)
def test_axes_come_from_the_query_string_and_fall_back_with_a_message(args, rows, cols, problem):
    axes = gapmap.parse_axes(args)

    assert (axes.rows.value, axes.cols.value) == (rows, cols)
    if problem is None:
        assert axes.problems == ()
    else:
        assert any(problem in p for p in axes.problems), axes.problems
        assert all(len(p) < 200 for p in axes.problems)


def test_the_default_axes_need_no_query_arguments():
    assert gapmap.Axes(TOPIC, DIMENSION).to_args() == {}
    assert gapmap.Axes(Vocabulary.FOCUS, Vocabulary.SETTING).to_args() == {
        "rows": "focus",
        "cols": "setting",
    }
    assert gapmap.Axes(Vocabulary.FOCUS, Vocabulary.SETTING).title == (
        "Outcome area by care setting"
    )


@pytest.mark.parametrize(
    ("largest", "bands"),
    [
        (0, []),
        (1, [(1, 1)]),
        (2, [(1, 1), (2, 2)]),
        (3, [(1, 1), (2, 2), (3, 3)]),
        (10, [(1, 4), (5, 7), (8, 10)]),
    ],
)
def test_shading_bands_cover_one_to_the_largest_cell(largest, bands):
    grid = gapmap.GapMap(DEFAULT, [], [], cells={(1, 1): largest} if largest else {})

    assert [(b.low, b.high) for b in grid.bands] == bands
    assert [b.number for b in grid.bands] == list(range(1, len(bands) + 1))
    if largest:
        assert grid.band(largest).number == len(bands)


def test_the_suggestion_pre_fill_names_the_cells_vocabularies():
    make_collection()
    carers, rural = term("topic", "unpaid-carers"), term("dimension", "rurality")
    outcomes, home = term("focus", "outcomes"), term("setting", "home-care")

    assert gapmap.suggestion_args(DEFAULT, carers, rural) == {
        "kind": "new_evidence",
        "topic": "unpaid-carers",
        "dimension": "rurality",
    }
    other = gapmap.Axes(Vocabulary.FOCUS, Vocabulary.SETTING)
    assert gapmap.suggestion_args(other, outcomes, home) == {
        "kind": "new_evidence",
        "focus": "outcomes",
        "setting": "home-care",
    }


def test_a_vocabulary_without_terms_gives_an_empty_map():
    collection = make_collection()
    make_item(collection, terms={"topic": ["housing"], "dimension": ["age"]})
    db.session.execute(delete(EvidenceItemTerm).where(EvidenceItemTerm.vocabulary == "dimension"))
    db.session.execute(delete(EvidenceTerm).where(EvidenceTerm.vocabulary == "dimension"))

    grid, _, _ = _map(collection)

    assert grid.cols == [] and grid.cells == {} and grid.in_any_cell == 0
    assert grid.matching == 1


def test_the_csv_rows_are_the_grid_with_its_totals(hub):
    grid, _, _ = _map(hub, {"topic": ["unpaid-carers", "housing"]})

    lines = gapmap.csv_rows(grid)

    assert lines[0][0] == "Topic" and lines[0][-1] == "Total (distinct items)"
    assert lines[0][1:3] == ["Ethnicity", "Disability"]
    assert lines[1][0] == "Unpaid carers"
    assert lines[1][1] == 2 and lines[1][-1] == 2
    assert lines[-1][0] == "Total (distinct items)"
    assert lines[-1][1] == 2 and lines[-1][-1] == 2
    assert len(lines) == 1 + 2 + 1
    assert all(len(line) == 12 for line in lines)
