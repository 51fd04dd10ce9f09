"""Published counts of equality data: small numbers hidden so that nobody can be picked out.

Pure Python, knowing no domain (like money.py): any room that publishes a count of people by a
characteristic (the "how it was made" page today, the reports room tomorrow) sends its table
through `publish` and shows what comes back.

A table is rows x columns of counts of people (a breakdown by one characteristic is a one-row
table). Its row totals, column totals and grand total are published too, so they are treated
as entries of one extended table whose every row and column is a sum ("a line"). Four steps:

1. **Primary suppression.** Every count below the threshold (`REPORTS_SUPPRESSION_THRESHOLD`,
   default 10) is hidden, totals included, and **zero included**. A true zero can give people
   away as surely as a small number (in a group of 12, "no disabled people" says something
   about each of the 12), and showing zeros would let a reader tell "none" from "a few" among
   the hidden cells. So the reader only ever learns "fewer than 10", which is always true.
2. **Secondary suppression.** A line (row or column, with its total) with exactly one hidden
   entry would give that entry away by subtraction, so one more entry of the line is hidden:
   the smallest shown one (cells before totals, then the first), so the same table is always
   hidden the same way. This repeats until every line has no hidden entry or at least two.
3. **Rounding.** Every shown number, cells and totals alike, is rounded on its own to the
   nearest `REPORTS_ROUNDING_BASE` (default 5, halves up). A shown 12 reads 10, so the reader
   knows it lies in 8..12; sums of rounded numbers no longer pin anything exactly.
4. **An audit.** What a reader can work out is computed as a careful attacker would (below),
   assuming the worst: that the reader knows every shown number exactly, as if unrounded. If
   any hidden entry is then left with fewer than three possible values (`MARGIN`: one more
   fact, such as a second report, must still leave two), the smallest shown entry of a line
   through it is hidden too, and steps 2 and 4 run again. This catches what the line rule
   cannot: a known total and shown cells that leave hidden zeros nothing to share, or two
   hidden cells whose sum forces both to their largest possible value.

The attacker this guards against knows the rule (threshold, base, the reasons), every published
number and reason, and that counts are whole and not negative. For each hidden entry they work
out the range its value must lie in: a primary entry lies in 0..threshold-1, a secondary one
at or above the threshold, a shown one within its rounding range, and every line sums.
`pinned` does exactly that (interval reasoning to a fixpoint), and `publish` leaves no hidden
entry with fewer than three values, even to a reader who knew the shown numbers exactly.

**Two reports** (the same table before and after one more person answered). Rounding means
most such pairs publish the very same numbers (a count moves its rounded value only when it
crosses a rounding boundary), and no count is published exactly (but a grand total the page
shows anyway, `total_known`); the audit's margin is there so that the one more fact a second
report gives (a count is the same or one more; a rounded number stepping from 10 to 15 was 12
and is now 13) leaves each small hidden count two values or more.
tests/reports/test_suppression.py attacks pairs of random tables this way (tried thousands of
times, not proven) and finds no group of fewer than 10 pinned. A number hidden only to
protect others (10 or more) can sometimes be worked out from two reports; it is no small
group, and the groups it protects stay open. One exception no rule can avoid: a count hidden as
"fewer than 10" in the first report and not in the second went from 9 to 10 (or, for an
answer taken back, the other way), so both values and that person's answer are known (and,
through its lines, possibly other hidden counts).
Any rule that shows a group once it reaches the threshold gives that away to a reader who
sees every version. So a count that grows one person at a time must be published from a
stable snapshot (counts frozen when a stage closes, as the "how it was made" page publishes
its proposers' answers only once the call has closed); that choice is the caller's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

THRESHOLD_SETTING = "REPORTS_SUPPRESSION_THRESHOLD"
BASE_SETTING = "REPORTS_ROUNDING_BASE"
# The audit leaves every hidden count at least this many possible values, so one more fact
# (a second report a person apart says a count is one less than a bound) still leaves two.
MARGIN = 3
SECONDARY = "hidden so a hidden number cannot be worked out"
# Larger than any count of people, for "at least the threshold, no upper bound known".
_UNBOUNDED = 10**12

Entry = tuple[int, int]  # (row, column) in the extended table: the totals are the last of each


@dataclass(frozen=True)
class Rule:
    """How counts are published: below `threshold` hidden, the rest rounded to `base`."""

    threshold: int = 10
    base: int = 5

    def __post_init__(self) -> None:
        # 1 would hide only zeros (a hidden cell would then always be 0); 1 as a base would
        # publish exact numbers, which two reports can be subtracted from.
        if self.threshold < 2 or self.base < 2:
            raise ValueError("the threshold and the rounding base must both be 2 or more")

    @property
    def primary(self) -> str:
        return f"fewer than {self.threshold}"

    @property
    def footnote(self) -> str:
        return (
            f"Numbers are rounded to the nearest {self.base}. Groups of fewer than "
            f"{self.threshold} people are not shown, nor any number that would let them be "
            "worked out."
        )

    def rounded(self, count: int) -> int:
        """To the nearest multiple of the base, halves up (integers only: no float error)."""
        return (count + self.base // 2) // self.base * self.base

    def rounding_range(self, shown: int) -> tuple[int, int]:
        """Every count that rounds to `shown`."""
        low = shown - self.base // 2
        return max(low, 0), low + self.base - 1


def rule_from(config: Mapping[str, Any]) -> Rule:
    """The rule from the app's settings (config.py has refused bad values already)."""
    return Rule(threshold=int(config[THRESHOLD_SETTING]), base=int(config[BASE_SETTING]))


@dataclass(frozen=True)
class Figure:
    """One published number: `value` (rounded), or None with the reason it is hidden."""

    value: int | None
    reason: str = ""

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Published:
    """A table as it may be shown: every entry a Figure; templates display it as it is."""

    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]
    column_totals: tuple[Figure, ...]
    total: Figure
    rule: Rule

    @property
    def footnote(self) -> str:
        return self.rule.footnote

    @property
    def all_hidden(self) -> bool:
        """Every cell hidden: a page may say so in words rather than a row of blanks."""
        return all(figure.hidden for row in self.cells for figure in row)

    @property
    def too_few(self) -> bool:
        """Fewer people in the whole table than the threshold, so every cell is hidden: a page
        says that in words ("fewer than 10 answered")."""
        total = self.total
        if total.hidden:
            return total.reason == self.rule.primary
        return total.value is not None and total.value < self.rule.threshold


def publish(counts: Sequence[Sequence[int]], rule: Rule, *, total_known: bool = False) -> Published:
    """The table as it may be published under `rule`.

    `total_known`: the grand total is published exactly elsewhere on the same page (the number
    of proposals), so it is shown exactly here too and the audit takes it as known.
    """
    grid = _extended(counts)
    known = _known_totals(grid) if total_known else set()
    hidden = {
        entry: rule.primary
        for entry, count in _entries(grid)
        if count < rule.threshold and entry not in known
    }
    while True:
        _complete_lines(grid, hidden, known)
        still_pinned = pinned(_view(grid, hidden, known, rule), rule, fewer_than=MARGIN)
        if not still_pinned or not _hide_beside(grid, hidden, known, still_pinned):
            break
    return _published(grid, hidden, known, rule)


def publish_breakdown(counts: Sequence[int], rule: Rule, *, total_known: bool = False) -> Published:
    """A breakdown by one characteristic: a one-row table (its column totals are its cells)."""
    return publish([list(counts)], rule, total_known=total_known)


# What a reader sees of an entry: ("shown", rounded value), ("known", exact value),
# ("primary", None) or ("secondary", None).
Seen = dict[Entry, tuple[str, int | None]]


def pinned(seen: Seen, rule: Rule, *, fewer_than: int = 2) -> list[Entry]:
    """The hidden entries a reader of `seen` can narrow to fewer than `fewer_than` values (2:
    work out exactly), by interval reasoning over every line until nothing narrows (sound: it
    only narrows what the sums force)."""
    ranges = _ranges(seen, rule)
    return sorted(
        e
        for e, (kind, _v) in seen.items()
        if kind in ("primary", "secondary") and ranges[e][1] - ranges[e][0] + 1 < fewer_than
    )


def _ranges(seen: Seen, rule: Rule) -> dict[Entry, tuple[int, int]]:
    ranges = {entry: _prior(kind, value, rule) for entry, (kind, value) in seen.items()}
    lines = _lines(*_shape(seen))
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            changed |= _narrow_line(ranges, parts, total)
    return ranges


def _prior(kind: str, value: int | None, rule: Rule) -> tuple[int, int]:
    """What a reader knows of one entry before any sum is used."""
    if kind == "known":
        assert value is not None
        return value, value
    if kind == "shown":
        assert value is not None
        low, high = rule.rounding_range(value)
        return max(low, rule.threshold), high  # shown means not below the threshold
    if kind == "primary":
        return 0, rule.threshold - 1
    return rule.threshold, _UNBOUNDED


def _narrow_line(ranges: dict[Entry, tuple[int, int]], parts: list[Entry], total: Entry) -> bool:
    """total = sum(parts): each side bounds the other. True when a range narrowed."""
    changed = False
    low_sum = sum(ranges[p][0] for p in parts)
    high_sum = sum(ranges[p][1] for p in parts)
    t_low, t_high = ranges[total]
    new_total = (max(t_low, low_sum), min(t_high, high_sum))
    if new_total != ranges[total]:
        ranges[total], changed = new_total, True
    t_low, t_high = ranges[total]
    for part in parts:
        low, high = ranges[part]
        others_low, others_high = low_sum - low, high_sum - high
        new = (max(low, t_low - others_high), min(high, t_high - others_low))
        if new != (low, high):
            ranges[part], changed = new, True
    return changed


def _extended(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with its row totals as a last column and column totals as a last row."""
    rows = [list(row) for row in counts]
    if not rows or not rows[0] or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("a table needs at least one cell and rows of one length")
    if any(not isinstance(c, int) or c < 0 for row in rows for c in row):
        raise ValueError("counts are whole numbers, not negative")
    grid = [[*row, sum(row)] for row in rows]
    grid.append([sum(column) for column in zip(*grid, strict=True)])
    return grid


def _known_totals(grid: list[list[int]]) -> set[Entry]:
    """The grand total, and the totals that are the same number in a one-row or one-column
    table (its only row's total, its only column's total)."""
    rows, columns = _corner(grid)
    known = {(rows, columns)}
    if rows == 1:
        known.add((0, columns))
    if columns == 1:
        known.add((rows, 0))
    return known


def _shape(entries: Iterable[Entry]) -> tuple[int, int]:
    """(rows, columns) of the table inside an extended table, from its entries."""
    last_row, last_column = map(max, zip(*entries, strict=True))
    return last_row, last_column


def _corner(grid: list[list[int]]) -> Entry:
    return len(grid) - 1, len(grid[0]) - 1


def _entries(grid: list[list[int]]) -> Iterable[tuple[Entry, int]]:
    for i, row in enumerate(grid):
        for j, count in enumerate(row):
            yield (i, j), count


def _lines(rows: int, columns: int) -> list[tuple[list[Entry], Entry]]:
    """Every sum of the extended table as (parts, total): each row and each column, totals'
    row and column included (the grand total is the sum of both)."""
    across = [([(i, j) for j in range(columns)], (i, columns)) for i in range(rows + 1)]
    down = [([(i, j) for i in range(rows)], (rows, j)) for j in range(columns + 1)]
    return across + down


def _is_total(entry: Entry, grid: list[list[int]]) -> bool:
    corner = _corner(grid)
    return entry[0] == corner[0] or entry[1] == corner[1]


def _complement(
    grid: list[list[int]], hidden: dict[Entry, str], known: set[Entry], line: list[Entry]
) -> Entry | None:
    """The entry of `line` to hide beside its hidden ones: the smallest shown, cells before
    totals, then the first, so the choice is always the same for the same table."""
    candidates = [e for e in line if e not in hidden and e not in known]
    if not candidates:
        return None
    return min(candidates, key=lambda e: (grid[e[0]][e[1]], _is_total(e, grid), e))


def _complete_lines(grid: list[list[int]], hidden: dict[Entry, str], known: set[Entry]) -> None:
    """Hide complements until no line has exactly one hidden entry (or none can be found)."""
    lines = [[*parts, total] for parts, total in _lines(*_shape(e for e, _c in _entries(grid)))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(e in hidden for e in line) == 1:
                complement = _complement(grid, hidden, known, line)
                if complement is not None:
                    hidden[complement] = SECONDARY
                    changed = True


def _hide_beside(
    grid: list[list[int]], hidden: dict[Entry, str], known: set[Entry], pinned: list[Entry]
) -> bool:
    """Hide one more entry to free the first pinned one: the smallest shown entry of a line
    through it, else of the whole table. False when nothing is left to hide."""
    entry = pinned[0]
    through = [
        e
        for parts, total in _lines(*_shape(e for e, _c in _entries(grid)))
        if entry in (*parts, total)
        for e in (*parts, total)
    ]
    complement = _complement(grid, hidden, known, through) or _complement(
        grid, hidden, known, [e for e, _c in _entries(grid)]
    )
    if complement is None:
        return False
    hidden[complement] = SECONDARY
    return True


def _view(grid: list[list[int]], hidden: dict[Entry, str], known: set[Entry], rule: Rule) -> Seen:
    """What the audit assumes a reader knows of every entry: every shown number exactly, as
    if it had not been rounded (a second report can give a rounded number away exactly, when
    one more person moves it from 10 to 15), and of each hidden one its reason."""
    seen: Seen = {}
    for entry, count in _entries(grid):
        if entry in known or entry not in hidden:
            seen[entry] = ("known", count)
        elif entry in hidden:
            seen[entry] = ("primary" if hidden[entry] == rule.primary else "secondary", None)
    return seen


def _figure(
    grid: list[list[int]], hidden: dict[Entry, str], known: set[Entry], rule: Rule, entry: Entry
) -> Figure:
    count = grid[entry[0]][entry[1]]
    if entry in known:
        return Figure(count)
    if entry in hidden:
        return Figure(None, hidden[entry])
    return Figure(rule.rounded(count))


def _published(
    grid: list[list[int]], hidden: dict[Entry, str], known: set[Entry], rule: Rule
) -> Published:
    rows, columns = _corner(grid)

    def figure(i: int, j: int) -> Figure:
        return _figure(grid, hidden, known, rule, (i, j))

    return Published(
        cells=tuple(tuple(figure(i, j) for j in range(columns)) for i in range(rows)),
        row_totals=tuple(figure(i, columns) for i in range(rows)),
        column_totals=tuple(figure(rows, j) for j in range(columns)),
        total=figure(rows, columns),
        rule=rule,
    )
