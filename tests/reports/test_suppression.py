"""Suppression that holds (issue 14, point 4): the attacks, written here as an attacker would
write them, against random tables.

The attacker knows the rule (threshold, rounding base, what each reason means), every published
number and reason, and that counts are whole and not negative. `Attacker` narrows every entry's
range by the sums of rows and columns until nothing changes (sound: it only keeps what the
publication forces), and for small tables also tries every table the publication allows, so
"not pinned" is checked exactly there. It is written apart from cpweek.suppression on purpose.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpweek.config import ConfigError, load_config
from cpweek.suppression import SECONDARY, Published, Rule, publish, publish_breakdown, rule_from

RULE = Rule(threshold=10, base=5)
BIG = 10**9
Entry = tuple[int, int]

counts = st.one_of(st.integers(0, 12), st.integers(0, 40))
tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda columns: st.lists(
            st.lists(counts, min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)
fast = settings(max_examples=200, deadline=None)


# --- The attacker -------------------------------------------------------------------------


def extended(table: list[list[int]]) -> dict[Entry, int]:
    rows, columns = len(table), len(table[0])
    grid = {(i, j): table[i][j] for i in range(rows) for j in range(columns)}
    for i in range(rows):
        grid[i, columns] = sum(table[i])
    for j in range(columns + 1):
        grid[rows, j] = sum(grid[i, j] for i in range(rows))
    return grid


def entries_of(published: Published) -> dict[Entry, object]:
    """Every published figure by its place in the extended table (totals last)."""
    rows, columns = len(published.cells), len(published.cells[0])
    found: dict[Entry, object] = {}
    for i, row in enumerate(published.cells):
        for j, figure in enumerate(row):
            found[i, j] = figure
        found[i, columns] = published.row_totals[i]
    for j, figure in enumerate(published.column_totals):
        found[rows, j] = figure
    found[rows, columns] = published.total
    return found


def what_it_says(figure, rule: Rule) -> tuple[int, int]:
    """The counts a published figure allows, worked out from the rule alone."""
    if figure.hidden:
        if figure.reason == f"fewer than {rule.threshold}":
            return 0, rule.threshold - 1
        assert figure.reason == SECONDARY
        return rule.threshold, BIG
    shown = [c for c in range(figure.value - rule.base, figure.value + rule.base + 1) if c >= 0]
    rounding = [c for c in shown if (c + rule.base // 2) // rule.base * rule.base == figure.value]
    return max(min(rounding), rule.threshold), max(rounding)


def sums(rows: int, columns: int) -> list[tuple[list[Entry], Entry]]:
    lines = []
    for i in range(rows + 1):
        lines.append(([(i, j) for j in range(columns)], (i, columns)))
    for j in range(columns + 1):
        lines.append(([(i, j) for i in range(rows)], (rows, j)))
    return lines


def narrow(ranges: dict, lines) -> bool:
    """One pass of bounds reasoning over `total = sum(parts)`; True if anything narrowed."""
    moved = False
    for parts, total in lines:
        for target in [total, *parts]:
            if target == total:
                low = sum(ranges[p][0] for p in parts)
                high = sum(ranges[p][1] for p in parts)
            else:
                others = [p for p in parts if p != target]
                low = ranges[total][0] - sum(ranges[p][1] for p in others)
                high = ranges[total][1] - sum(ranges[p][0] for p in others)
            old = ranges[target]
            new = (max(old[0], low), min(old[1], high))
            assert new[0] <= new[1], "the attacker's reasoning must stay consistent"
            if new != old:
                ranges[target], moved = new, True
    return moved


class Attacker:
    """Everything a reader can work out from one publication, or from two a person apart."""

    def __init__(self, rule: Rule, *publications: Published):
        self.rule = rule
        self.publications = publications
        first = publications[0]
        self.rows, self.columns = len(first.cells), len(first.cells[0])
        self.lines = sums(self.rows, self.columns)
        self.ranges = [
            {e: what_it_says(f, rule) for e, f in entries_of(p).items()} for p in publications
        ]
        self._narrow()

    def _narrow(self) -> None:
        moved = True
        while moved:
            moved = False
            for ranges in self.ranges:
                moved |= narrow(ranges, self.lines)
            if len(self.ranges) == 2:
                moved |= self._one_person_apart(*self.ranges)

    def _one_person_apart(self, before: dict, after: dict) -> bool:
        """Each count is the same or one more; the grand total is exactly one more."""
        moved = False
        corner = (self.rows, self.columns)
        for entry in before:
            step = (1, 1) if entry == corner else (0, 1)
            b, a = before[entry], after[entry]
            new_b = (max(b[0], a[0] - step[1]), min(b[1], a[1] - step[0]))
            new_a = (max(a[0], b[0] + step[0]), min(a[1], b[1] + step[1]))
            assert new_b[0] <= new_b[1] and new_a[0] <= new_a[1]
            if (new_b, new_a) != (b, a):
                before[entry], after[entry], moved = new_b, new_a, True
        return moved

    def hidden(self, which: int) -> list[Entry]:
        return sorted(e for e, f in entries_of(self.publications[which]).items() if f.hidden)

    def small(self, which: int) -> list[Entry]:
        """The hidden groups of fewer than the threshold: what suppression protects."""
        return sorted(
            e
            for e, f in entries_of(self.publications[which]).items()
            if f.reason == self.rule.primary
        )

    def values(self, which: int, entry: Entry) -> tuple[int, int]:
        return self.ranges[which][entry]

    def tables(self, cap: int = 20_000):
        """Every table (and, for two publications, every cell the newcomer joined) that the
        publications allow, when there are few enough to try; None when there are too many."""
        cells = [(i, j) for i in range(self.rows) for j in range(self.columns)]
        choices = [
            range(self.ranges[0][c][0], min(self.ranges[0][c][1], self.ranges[0][c][0] + 60) + 1)
            for c in cells
        ]
        joins = cells if len(self.publications) == 2 else [None]
        size = len(joins)
        for choice in choices:
            size *= len(choice)
        if size > cap:
            return None
        # A row whose own total the first publication rules out cannot be part of any table it
        # allows: leaving such rows out before combining them finds the same tables sooner.
        row_options = []
        for i in range(self.rows):
            low, high = self.ranges[0][i, self.columns]
            row_choices = choices[i * self.columns : (i + 1) * self.columns]
            row_options.append(
                [list(row) for row in itertools.product(*row_choices) if low <= sum(row) <= high]
            )
        found = []
        column_ranges = [self.ranges[0][self.rows, j] for j in range(self.columns)]
        for rows in itertools.product(*row_options):
            table = list(rows)
            if not all(
                low <= sum(column) <= high
                for column, (low, high) in zip(zip(*table, strict=True), column_ranges, strict=True)
            ):
                continue  # as for a row: a column total the first publication rules out
            for join in joins:
                grids = [extended(table)]
                if join is not None:
                    later = [row[:] for row in table]
                    later[join[0]][join[1]] += 1
                    grids.append(extended(later))
                # The narrowed ranges lie inside what each figure says, so this is the check.
                if all(
                    self.ranges[k][e][0] <= count <= self.ranges[k][e][1]
                    for k, grid in enumerate(grids)
                    for e, count in grid.items()
                ):
                    found.append(grids)
        return found


def naive(table: list[list[int]], threshold: int = 10) -> dict[Entry, int | None]:
    """What a first attempt would publish: small cells hidden, everything else exact."""
    return {
        e: None if e[0] < len(table) and e[1] < len(table[0]) and c < threshold else c
        for e, c in extended(table).items()
    }


def naive_attack(published: dict[Entry, int | None], rows: int, columns: int) -> dict:
    ranges = {e: (0, 9) if v is None else (v, v) for e, v in published.items()}
    while narrow(ranges, sums(rows, columns)):
        pass
    return ranges


# --- One publication ------------------------------------------------------------------------


@fast
@given(table=tables)
def test_no_published_number_counts_fewer_than_the_threshold(table):
    published = publish(table, RULE)
    truth = extended(table)
    for entry, figure in entries_of(published).items():
        if not figure.hidden:
            assert truth[entry] >= RULE.threshold  # zeros are hidden too
            assert figure.value == RULE.rounded(truth[entry]) and figure.value % RULE.base == 0
        elif truth[entry] < RULE.threshold:
            assert figure.reason == "fewer than 10"
        else:
            assert figure.reason == SECONDARY


@fast
@given(table=tables)
def test_no_line_gives_away_a_single_hidden_number(table):
    figures = entries_of(publish(table, RULE))
    for parts, total in sums(len(table), len(table[0])):
        assert sum(figures[e].hidden for e in [*parts, total]) != 1


@fast
@given(table=tables)
def test_the_attacker_cannot_pin_a_hidden_number_from_one_report(table):
    published = publish(table, RULE)
    attacker = Attacker(RULE, published)
    truth = extended(table)
    for entry in attacker.hidden(0):
        low, high = attacker.values(0, entry)
        assert low <= truth[entry] <= high  # the attacker is sound
        assert high > low, f"{entry} pinned to {low} in {table}"


@settings(max_examples=150, deadline=None)
@given(
    table=st.integers(1, 2).flatmap(
        lambda rows: st.lists(
            st.lists(st.integers(0, 14), min_size=2, max_size=2), min_size=rows, max_size=rows
        )
    )
)
def test_every_table_the_attacker_can_try_leaves_each_hidden_number_open(table):
    """Exactly, for small tables: every table consistent with the publication is tried."""
    published = publish(table, RULE)
    attacker = Attacker(RULE, published)
    candidates = attacker.tables()
    if candidates is None:
        return
    assert [extended(table)] in candidates
    for entry in attacker.hidden(0):
        assert len({grids[0][entry] for grids in candidates}) >= 2, (entry, table)


@fast
@given(table=tables)
def test_the_same_table_is_always_hidden_the_same_way(table):
    assert publish(table, RULE) == publish([row[:] for row in table], RULE)


def test_a_row_total_gives_a_lone_hidden_cell_away_unless_another_is_hidden():
    table = [[3, 20, 30], [25, 24, 40]]
    cracked = naive_attack(naive(table), 2, 3)
    assert cracked[0, 0] == (3, 3)  # 53 - 20 - 30: primary suppression alone fails
    published = publish(table, RULE)
    assert published.cells[0][1].reason == SECONDARY  # the 20 hides beside the 3
    attacker = Attacker(RULE, published)
    assert attacker.values(0, (0, 0)) == (0, 9)


def test_a_column_total_gives_a_lone_hidden_cell_away_unless_another_is_hidden():
    table = [[4, 30], [22, 31], [18, 33]]
    cracked = naive_attack(naive(table), 3, 2)
    assert cracked[0, 0] == (4, 4)  # 44 - 22 - 18
    published = publish(table, RULE)
    assert published.cells[2][0].reason == SECONDARY  # the smallest of its column: 18
    attacker = Attacker(RULE, published)
    low, high = attacker.values(0, (0, 0))
    assert high > low


def test_zeros_are_hidden_like_any_small_number():
    published = publish_breakdown([0, 14, 30], RULE)
    assert published.cells[0][0] == published.cells[0][0].__class__(None, "fewer than 10")


def test_a_known_total_with_nothing_to_share_hides_one_more_number():
    # 13 of 13 said yes: the two hidden zeros would be pinned (13 is known exactly, the shown
    # 15 could be 13), so the 13 is hidden too and the reader learns "10 or more said yes".
    published = publish_breakdown([13, 0, 0], RULE, total_known=True)
    assert [f.reason for f in published.cells[0]] == [SECONDARY, "fewer than 10", "fewer than 10"]
    assert published.total.value == 13 and published.row_totals[0].value == 13


def test_the_footnote_says_what_was_done():
    assert publish([[1]], Rule(threshold=10, base=5)).footnote == (
        "Numbers are rounded to the nearest 5. Groups of fewer than 10 people are not shown, "
        "nor any number that would let them be worked out."
    )


# --- Two publications, one person apart -----------------------------------------------------


def one_more(table: list[list[int]], cell: Entry) -> list[list[int]]:
    later = [row[:] for row in table]
    later[cell[0]][cell[1]] += 1
    return later


def crossed(before: Published, after: Published, entry: Entry) -> bool:
    """Hidden as "fewer than 10" before and not after: the one thing two live reports give
    away (see the module's docstring)."""
    return (
        entries_of(before)[entry].reason == "fewer than 10"
        and entries_of(after)[entry].reason != "fewer than 10"
    )


@fast
@given(table=tables, data=st.data())
def test_two_reports_a_person_apart_pin_no_hidden_number(table, data):
    cell = (data.draw(st.integers(0, len(table) - 1)), data.draw(st.integers(0, len(table[0]) - 1)))
    later = one_more(table, cell)
    before, after = publish(table, RULE), publish(later, RULE)
    attacker = Attacker(RULE, before, after)
    truth = [extended(table), extended(later)]
    crossings = [e for e in entries_of(before) if crossed(before, after, e)]
    for which in (0, 1):
        for entry in attacker.hidden(which):
            low, high = attacker.values(which, entry)
            assert low <= truth[which][entry] <= high
            if entry in crossings:
                # 9 then 10: known (the newcomer made the group reach 10).
                assert (low, high) == ((9, 9) if which == 0 else (10, 10))
            elif not crossings and entry in attacker.small(which):
                assert high > low, f"{entry} of report {which} pinned: {table} + {cell}"
    # With a crossing the known 9 and 10 can give more away (its line's other numbers):
    # the price of live reports, stated in the module's docstring and shown below.


@settings(max_examples=100, deadline=None)
@given(
    table=st.lists(st.lists(st.integers(0, 14), min_size=2, max_size=2), min_size=1, max_size=2),
    data=st.data(),
)
def test_every_pair_of_tables_the_attacker_can_try_leaves_each_hidden_number_open(table, data):
    cell = (data.draw(st.integers(0, len(table) - 1)), data.draw(st.integers(0, 1)))
    later = one_more(table, cell)
    before, after = publish(table, RULE), publish(later, RULE)
    if any(crossed(before, after, e) for e in entries_of(before)):
        return
    attacker = Attacker(RULE, before, after)
    candidates = attacker.tables()
    if candidates is None:
        return
    assert [extended(table), extended(later)] in candidates
    for which in (0, 1):
        for entry in attacker.small(which):
            assert len({grids[which][entry] for grids in candidates}) >= 2, (entry, table, cell)


@pytest.mark.parametrize(
    "table, cell",
    [
        # Found by the tests above while the audit let a hidden count keep only two values:
        # 13 and 14 read 15, but the second report's one more person pinned the first
        # report's grand total, then the cells.
        ([[9, 4], [9, 4]], (0, 1)),
        # ... and while it took the rounding as the reader's only uncertainty: 12 then 13
        # (10 then 15) is exact, and the hidden zeros beside a secondary 10 followed.
        ([[0, 12], [0, 10]], (0, 0)),
    ],
)
def test_pairs_that_once_gave_a_hidden_number_away(table, cell):
    later = one_more(table, cell)
    attacker = Attacker(RULE, publish(table, RULE), publish(later, RULE))
    candidates = attacker.tables()
    assert candidates is not None
    for which in (0, 1):
        for entry in attacker.hidden(which):
            assert len({grids[which][entry] for grids in candidates}) >= 2, (which, entry)


def test_two_reports_can_give_away_a_number_hidden_only_to_protect_others():
    # The first report hides the first column's total (10) beside the 1 and the 9; the second,
    # a person later, shows every total, and its grand total of 33 makes the first's 32.
    # The 10 is worked out; it is no small group, and the 1 and the 9 stay open.
    table = [[1, 11], [9, 11]]
    attacker = Attacker(RULE, publish(table, RULE), publish(one_more(table, (0, 1)), RULE))
    assert entries_of(attacker.publications[0])[2, 0].reason == SECONDARY
    assert attacker.values(0, (2, 0)) == (10, 10)
    assert attacker.values(0, (0, 0)) == (1, 5) and attacker.values(0, (1, 0)) == (5, 9)


def test_a_group_reaching_the_threshold_is_what_live_reports_give_away():
    table = [[0, 9]]
    later = one_more(table, (0, 1))
    attacker = Attacker(RULE, publish(table, RULE), publish(later, RULE))
    # Both totals are hidden, yet 9 then 10 people is known, so the hidden 0 is too.
    assert attacker.values(0, (1, 2)) == (9, 9) and attacker.values(0, (0, 0)) == (0, 0)


def test_before_and_after_one_more_answer():
    table = [[9, 8, 30]]
    later = one_more(table, (0, 0))  # the tenth person in the first group
    # Primary suppression with exact totals: the 9 shows as 10 next time, so the first
    # report's 47 - 30 - 9 gives the other hidden group away: 8.
    before, after = naive(table), naive(later)
    assert after[0, 0] == 10 and before[0, 3] - before[0, 2] - (after[0, 0] - 1) == 8
    # Rounded, the same subtraction (with both reports' sums) leaves a range.
    attacker = Attacker(RULE, publish(table, RULE), publish(later, RULE))
    assert attacker.values(0, (0, 1)) == (6, 9)
    assert attacker.values(0, (0, 0)) == (9, 9)  # the one thing live reports give away


def test_a_newcomer_inside_hidden_groups_changes_nothing_shown():
    table = [[4, 5, 30], [6, 5, 30]]
    before, after = publish(table, RULE), publish(one_more(table, (0, 0)), RULE)
    assert before == after  # 39 and 40 read 40, 10 and 11 read 10, 80 and 81 read 80


# --- Settings -------------------------------------------------------------------------------


def test_the_rule_comes_from_the_settings():
    assert rule_from({"REPORTS_SUPPRESSION_THRESHOLD": 12, "REPORTS_ROUNDING_BASE": 10}) == Rule(
        12, 10
    )


@pytest.mark.parametrize("name", ["REPORTS_SUPPRESSION_THRESHOLD", "REPORTS_ROUNDING_BASE"])
@pytest.mark.parametrize("value", ["0", "-1", "ten", "1", "2.5"])
def test_bad_settings_stop_the_app_starting(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config(str(tmp_path))


@pytest.mark.parametrize("value", [0, -1, "ten"])
def test_bad_settings_passed_to_the_app_are_refused_too(tmp_path, value):
    with pytest.raises(ConfigError, match="REPORTS_SUPPRESSION_THRESHOLD"):
        load_config(str(tmp_path), {"SECRET_KEY": "x", "REPORTS_SUPPRESSION_THRESHOLD": value})


def test_the_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("REPORTS_SUPPRESSION_THRESHOLD", raising=False)
    monkeypatch.delenv("REPORTS_ROUNDING_BASE", raising=False)
    assert rule_from(load_config(str(tmp_path))) == Rule(10, 5)
