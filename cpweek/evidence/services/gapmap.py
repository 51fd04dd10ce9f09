"""The evidence and gap map: a collection's included items counted in a grid, the terms of one
vocabulary down the side and another across the top (topics by equity dimensions unless the
person chose otherwise).

A cell counts the distinct items, among those matching the person's filters, that have both its
row's and its column's term; an empty cell is a gap (nobody has told the hub about evidence for
it yet, which is not the same as evidence of no effect). Every cell, the row and column totals,
the number of items in any cell and the number matching the filters come from ONE statement, so
a 12 x 10 map costs what a 3 x 3 one does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from sqlalchemy import Integer, cast, func, literal_column, null, select, union_all

from cpweek.evidence.models import EvidenceCollection, EvidenceItemTerm, EvidenceTerm, Vocabulary
from cpweek.evidence.services import filters as filtering
from cpweek.extensions import db

DEFAULT_AXES: tuple[Vocabulary, Vocabulary] = (Vocabulary.TOPIC, Vocabulary.DIMENSION)
# The arrangements the page offers in one click: (rows, columns, what to call it).
CHOICES: tuple[tuple[Vocabulary, Vocabulary, str], ...] = (
    (Vocabulary.TOPIC, Vocabulary.DIMENSION, "Topic by equity dimension"),
    (Vocabulary.FOCUS, Vocabulary.SETTING, "Outcome area by care setting"),
)
# What a vocabulary is called in a sentence ("topics by equity dimensions").
PLURALS = {
    Vocabulary.TYPE: "types of evidence",
    Vocabulary.TOPIC: "topics",
    Vocabulary.DIMENSION: "equity dimensions",
    Vocabulary.GEOGRAPHY: "places",
    Vocabulary.SETTING: "care settings",
    Vocabulary.FOCUS: "outcome areas (access, experience or outcomes)",
    Vocabulary.DESIGN: "study designs",
}
BANDS = 3  # shades of a non-empty cell, each spelled out in the legend

# Rows of the one statement, told apart by a number in the first column.
_CELL, _ROW, _COLUMN, _IN_ANY_CELL, _MATCHING = range(5)


@dataclass(frozen=True)
class Axes:
    rows: Vocabulary
    cols: Vocabulary
    problems: tuple[str, ...] = ()

    @property
    def is_default(self) -> bool:
        return (self.rows, self.cols) == DEFAULT_AXES

    @property
    def title(self) -> str:
        for rows, cols, title in CHOICES:
            if (rows, cols) == (self.rows, self.cols):
                return title
        return f"{self.rows.label} by {self.cols.label.lower()}"

    def to_args(self) -> dict[str, str]:
        """Query-string arguments for these axes; the default needs none."""
        return {} if self.is_default else {"rows": self.rows.value, "cols": self.cols.value}


def _vocabulary(raw: str) -> Vocabulary | None:
    for vocabulary in filtering.FACETS:
        if vocabulary.value == raw:
            return vocabulary
    return None


def parse_axes(args: Mapping[str, Any]) -> Axes:
    """The axes from `?rows=&cols=`: any two different vocabularies among the facets. A name we
    do not know, or the same one twice, falls back to a sensible pair, with a message."""
    problems: list[str] = []
    chosen: dict[str, Vocabulary | None] = {}
    for name, words in (("rows", "rows"), ("cols", "columns")):
        raw = " ".join(str(args.get(name) or "").split())
        chosen[name] = _vocabulary(raw)
        if raw and chosen[name] is None:
            problems.append(
                f"The map cannot use “{raw[:40]}” for its {words}: it shows "
                f"{PLURALS[DEFAULT_AXES[0 if name == 'rows' else 1]]} instead."
            )
    rows, cols = chosen["rows"], chosen["cols"]
    if rows is not None and rows == cols:
        problems.append(
            f"The rows and the columns must be different: the map shows "
            f"{PLURALS[DEFAULT_AXES[0]]} by {PLURALS[DEFAULT_AXES[1]]} instead."
        )
        rows, cols = DEFAULT_AXES
    if cols is None:
        cols = DEFAULT_AXES[1] if rows != DEFAULT_AXES[1] else DEFAULT_AXES[0]
    if rows is None:
        rows = next(v for v in DEFAULT_AXES if v != cols)
    return Axes(rows, cols, tuple(problems))


@dataclass(frozen=True)
class Band:
    number: int  # 1 (fewest) to BANDS (most); the CSS class says gap-map__cell--band<number>
    low: int
    high: int

    @property
    def label(self) -> str:
        if self.low == self.high:
            return f"{self.low} item{'' if self.low == 1 else 's'}"
        return f"{self.low} to {self.high} items"


@dataclass
class GapMap:
    axes: Axes
    rows: list[EvidenceTerm]
    cols: list[EvidenceTerm]
    cells: dict[tuple[int, int], int] = field(default_factory=dict)  # (row id, col id) -> items
    row_totals: dict[int, int] = field(default_factory=dict)  # distinct items in the row
    col_totals: dict[int, int] = field(default_factory=dict)
    in_any_cell: int = 0  # distinct items in the map
    matching: int = 0  # items matching the filters, in the map or not
    # True when the filters chose terms of the rows' (columns') vocabulary, so only those show.
    rows_narrowed: bool = False
    cols_narrowed: bool = False

    def count(self, row: EvidenceTerm, col: EvidenceTerm) -> int:
        return self.cells.get((row.id, col.id), 0)

    @property
    def gaps(self) -> int:
        return len(self.rows) * len(self.cols) - sum(1 for n in self.cells.values() if n)

    @property
    def outside(self) -> int:
        """Matching items in no cell: they lack a term of the rows' or the columns' vocabulary."""
        return max(self.matching - self.in_any_cell, 0)

    @cached_property
    def bands(self) -> list[Band]:
        """Up to BANDS even ranges from 1 to the largest cell, for the shading and its legend."""
        largest = max(self.cells.values(), default=0)
        found: list[Band] = []
        low = 1
        for step in range(1, BANDS + 1):
            high = math.ceil(largest * step / BANDS)
            if high >= low:
                found.append(Band(len(found) + 1, low, high))
                low = high + 1
        return found

    def band(self, count: int) -> Band | None:
        return next((band for band in self.bands if band.low <= count <= band.high), None)


def axis_terms(
    vocabulary: Vocabulary, filters: filtering.Filters, known: Mapping[str, list[EvidenceTerm]]
) -> tuple[list[EvidenceTerm], bool]:
    """The terms along one axis, and whether the filters narrowed them.

    When the filters choose terms of the axis's own vocabulary only those are shown: every
    other row would count items that ALSO have a chosen term, and the cell's link (which puts
    the cell's own term in place of the chosen ones) would then list different items."""
    everything = list(known.get(vocabulary.value, []))
    chosen = filters.chosen(vocabulary)
    if not chosen:
        return everything, False
    return [term for term in everything if term.slug in chosen], True


def build(
    collection: EvidenceCollection,
    filters: filtering.Filters,
    known: Mapping[str, list[EvidenceTerm]],
    axes: Axes,
) -> GapMap:
    """The map of the collection's included items matching `filters`, in one statement."""
    rows, rows_narrowed = axis_terms(axes.rows, filters, known)
    cols, cols_narrowed = axis_terms(axes.cols, filters, known)
    found = GapMap(axes, rows, cols, rows_narrowed=rows_narrowed, cols_narrowed=cols_narrowed)

    matching = filtering.matching_items(collection, filters, known)
    row_term = EvidenceItemTerm.__table__.alias("map_row")
    col_term = EvidenceItemTerm.__table__.alias("map_col")
    narrowing = []  # only the terms shown, when the filters chose some of an axis's terms
    if rows_narrowed:
        narrowing.append(row_term.c.term_id.in_([term.id for term in rows]))
    if cols_narrowed:
        narrowing.append(col_term.c.term_id.in_([term.id for term in cols]))
    # Each (item, row term, column term) at most once, as (item_id, term_id) is the key of item
    # terms: a cell is a plain count. Totals count distinct items through DISTINCT subqueries,
    # which the database can hash (COUNT(DISTINCT) sorts every pair once per total).
    pairs = (
        select(
            row_term.c.item_id.label("item_id"),
            row_term.c.term_id.label("row_id"),
            col_term.c.term_id.label("col_id"),
        )
        .join_from(row_term, col_term, col_term.c.item_id == row_term.c.item_id)
        .where(
            row_term.c.vocabulary == axes.rows.value,
            col_term.c.vocabulary == axes.cols.value,
            row_term.c.item_id.in_(matching),
            *narrowing,
        )
        .cte("map_pairs")
    )
    per_row = select(pairs.c.item_id, pairs.c.row_id).distinct().subquery("per_row")
    per_col = select(pairs.c.item_id, pairs.c.col_id).distinct().subquery("per_col")
    in_map = select(pairs.c.item_id).distinct().subquery("in_map")
    no_term = cast(null(), Integer)

    def kind(number: int):
        return literal_column(str(number), Integer).label("kind")

    statement = union_all(
        select(kind(_CELL), pairs.c.row_id, pairs.c.col_id, func.count()).group_by(
            pairs.c.row_id, pairs.c.col_id
        ),
        select(kind(_ROW), per_row.c.row_id, no_term, func.count()).group_by(per_row.c.row_id),
        select(kind(_COLUMN), no_term, per_col.c.col_id, func.count()).group_by(per_col.c.col_id),
        select(kind(_IN_ANY_CELL), no_term, no_term, func.count()).select_from(in_map),
        select(kind(_MATCHING), no_term, no_term, func.count()).select_from(matching.subquery()),
    )
    rows_found = filtering.cached(
        collection,
        "map",
        (axes.rows.value, axes.cols.value, *filters.cache_key()),
        lambda: [tuple(row) for row in db.session.execute(statement)],
    )
    for number, row_id, col_id, n in rows_found:
        if number == _CELL:
            found.cells[(row_id, col_id)] = n
        elif number == _ROW:
            found.row_totals[row_id] = n
        elif number == _COLUMN:
            found.col_totals[col_id] = n
        elif number == _IN_ANY_CELL:
            found.in_any_cell = n
        else:
            found.matching = n
    return found


def cell_filters(
    filters: filtering.Filters, axes: Axes, row: EvidenceTerm, col: EvidenceTerm
) -> filtering.Filters:
    """The filters that list exactly a cell's items: the person's, with the cell's two terms in
    place of anything chosen in those two vocabularies (see `axis_terms`)."""
    terms = {**filters.terms, axes.rows.value: (row.slug,), axes.cols.value: (col.slug,)}
    return replace(filters, terms=terms, page=1)


def suggestion_args(axes: Axes, row: EvidenceTerm, col: EvidenceTerm) -> dict[str, str]:
    """The pre-fill of "tell us about evidence for this": new evidence, with the cell's two
    terms named after their vocabularies (topic= and dimension= on the default map)."""
    return {"kind": "new_evidence", axes.rows.value: row.slug, axes.cols.value: col.slug}


def csv_rows(found: GapMap) -> list[list[object]]:
    """The grid as a spreadsheet: a row label, a count per column and the row's total; the last
    line has the column totals and the number of items in the map."""
    lines: list[list[object]] = [
        [found.axes.rows.label, *(col.label for col in found.cols), "Total (distinct items)"]
    ]
    for row in found.rows:
        lines.append(
            [
                row.label,
                *(found.count(row, col) for col in found.cols),
                found.row_totals.get(row.id, 0),
            ]
        )
    lines.append(
        [
            "Total (distinct items)",
            *(found.col_totals.get(col.id, 0) for col in found.cols),
            found.in_any_cell,
        ]
    )
    return lines
