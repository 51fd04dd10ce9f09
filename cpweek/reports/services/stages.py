"""Who is still left out: for one edition and one monitored characteristic, how many people
answered at each stage (registered, attended, proposed, accepted, became a contributor, were
paid), as they may be published, beside the population's share, and where a group falls away
between stages (issue 14, point 5).

Answers carry no identity, so the stages are not one group of people followed along: each
column is the people who answered when they reached that stage. A person who registered and
came answers (at most) twice.

Everything shown comes out of `suppression`: each stage's column (the characteristic's groups,
then "Prefer not to say" and "Not answered", and its total) is published as one breakdown, so
secondary suppression works down the column and with its total. Not one table of rows x stages:
its row totals would add the same person up at several stages, mean nothing, and never be
shown, yet `publish` counts every total as published, so its audit would hide good numbers to
protect sums nobody sees (40 women who registered hidden because nobody has been paid yet, as
tests/reports/test_stages.py shows). A row across the stages is no sum a reader can use: each
stage is asked apart and answering is voluntary at each, so no count bounds another. The shares
and the
"falls away" sentences are computed from the published, rounded numbers only, never from the
raw counts: a share worked out from a raw count (13 of 130 is 10 %, where the published 15 of
130 would say 12 %) would give the hidden exact number away. A function of published numbers
says nothing a reader could not work out from the table.

A stable snapshot (cpweek/suppression.py: a count that grows one person at a time gives the
newcomer's answer away when a group crosses the threshold between two visits): only answers
given before the current month count. Responses keep only their month, so the table changes
once a month, by a month's answers at once, not one person at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from flask import current_app
from sqlalchemy import func, select

from cpweek import suppression
from cpweek.extensions import db
from cpweek.reports.models import EqualityResponse, PopulationShare, Stage
from cpweek.reports.questions import BY_KEY, PREFER_NOT, PREFER_NOT_WORDS, QUESTIONS, Question
from cpweek.reports.services.monitoring import month_of

STAGES: tuple[Stage, ...] = tuple(Stage)
DEFAULT_CHARACTERISTIC = "ethnic_group"
NOT_ANSWERED = "not_answered"
NOT_ANSWERED_WORDS = "Not answered"
#: A group "falls away" when its share of answers drops by at least this many percentage points
#: from one stage to the next: with numbers rounded to 5, smaller moves are mostly rounding.
FALL_POINTS = 5


@dataclass(frozen=True)
class Category:
    """A row of the table: a group of people (one option, or for ethnic group one of the
    Census's five high-level groups, since its 19 options would all be hidden), or "Prefer
    not to say" or "Not answered", which say something about the monitoring itself."""

    code: str  # also the key of its population share
    words: str
    options: frozenset[str | None]
    is_group: bool = True


def categories(question: Question) -> tuple[Category, ...]:
    rows: list[Category] = []
    if any(option.group for option in question.options):
        headings: dict[str, list[str]] = {}
        for option in question.options:
            if option.group:
                headings.setdefault(option.group, []).append(option.code)
        for heading, codes in headings.items():
            # The group's code is the prefix its options share ("asian_indian" -> "asian").
            rows.append(Category(codes[0].split("_")[0], heading, frozenset(codes)))
    else:
        rows.extend(
            Category(option.code, option.words, frozenset({option.code}))
            for option in question.options
            if option.code != PREFER_NOT
        )
    rows.append(Category(PREFER_NOT, PREFER_NOT_WORDS, frozenset({PREFER_NOT}), False))
    rows.append(Category(NOT_ANSWERED, NOT_ANSWERED_WORDS, frozenset({None}), False))
    return tuple(rows)


def characteristic(key: str) -> Question | None:
    """The question a `?characteristic=` names, or None for one that does not exist."""
    return BY_KEY.get(key)


def characteristics() -> tuple[Question, ...]:
    return QUESTIONS


@dataclass(frozen=True)
class Population:
    per_mille: int | None  # None: not yet entered
    source: str = ""
    source_url: str = ""
    as_of: date | None = None

    @property
    def percent(self) -> str:
        """81.7 %, as words for the page; "" when not entered."""
        if self.per_mille is None:
            return ""
        whole, tenth = divmod(self.per_mille, 10)
        return f"{whole}.{tenth}%"


@dataclass(frozen=True)
class Row:
    category: Category
    figures: tuple[suppression.Figure, ...]  # one per stage
    shares: tuple[int | None, ...]  # whole per cents of the published column total, or None
    population: Population | None  # None for "Prefer not to say" and "Not answered"


@dataclass(frozen=True)
class Comparison:
    question: Question
    stages: tuple[Stage, ...]
    rows: tuple[Row, ...]
    totals: tuple[suppression.Figure, ...]  # everyone who answered (or skipped) at each stage
    columns: tuple[suppression.Published, ...]  # each stage's breakdown as published
    rule: suppression.Rule
    before: date  # answers given before this day count (the 1st of this month)
    falls: tuple[str, ...]  # plain sentences: where a group's share drops between stages

    @property
    def too_few(self) -> bool:
        """Fewer people than the threshold answered at every stage: the page says so in words."""
        return all(column.too_few for column in self.columns)

    @property
    def footnote(self) -> str:
        return self.rule.footnote

    @property
    def sources(self) -> list[Population]:
        """Each distinct source of the population figures shown, once."""
        seen: dict[tuple[str, str], Population] = {}
        for row in self.rows:
            if row.population is not None and row.population.per_mille is not None:
                seen.setdefault((row.population.source, row.population.source_url), row.population)
        return list(seen.values())


def share(part: suppression.Figure, whole: suppression.Figure) -> int | None:
    """`part` as a whole per cent of `whole`, both published (rounded) figures; None when
    either is hidden or the whole is 0. Never given a raw count (see the module's docstring)."""
    if part.value is None or whole.value is None or whole.value == 0:
        return None
    return (200 * part.value + whole.value) // (2 * whole.value)  # rounded, halves up


def falls_away(rows: tuple[Row, ...], stages: tuple[Stage, ...]) -> list[str]:
    """A sentence for each group whose share drops by FALL_POINTS or more from a stage to the
    next stage where its share is shown. From published shares only."""
    sentences = []
    for row in rows:
        if not row.category.is_group:
            continue
        known = [(stage, s) for stage, s in zip(stages, row.shares, strict=True) if s is not None]
        for (first, before), (then, after) in pairwise(known):
            if before - after >= FALL_POINTS:
                sentences.append(
                    f"{row.category.words}: about {before}% of answers at “{first.heading}”, "
                    f"about {after}% at “{then.heading}”."
                )
    return sentences


def _counts(edition_id: int, question: Question, before: date) -> dict[tuple[str, str | None], int]:
    """Raw counts by stage and answer, in one grouped query: never shown as they are."""
    column = EqualityResponse.__table__.c[question.key]
    rows = db.session.execute(
        select(EqualityResponse.stage, column, func.count())
        .where(EqualityResponse.edition_id == edition_id, EqualityResponse.month < before)
        .group_by(EqualityResponse.stage, column)
    ).all()
    return {(stage, answer): int(n) for stage, answer, n in rows}


def population_shares(question_key: str) -> dict[str, Population]:
    return {
        share.category: Population(share.per_mille, share.source, share.source_url, share.as_of)
        for share in db.session.scalars(
            select(PopulationShare).where(PopulationShare.question == question_key)
        )
    }


def who_takes_part(
    edition_id: int,
    question: Question,
    today: date,
    rule: suppression.Rule | None = None,
) -> Comparison:
    """The comparison for one edition and characteristic, as it may be published. Two queries
    however many answers there are."""
    rule = rule or suppression.rule_from(current_app.config)
    before = month_of(today)
    raw = _counts(edition_id, question, before)
    rows_of = categories(question)
    table = [
        [sum(raw.get((stage.value, code), 0) for code in category.options) for stage in STAGES]
        for category in rows_of
    ]
    columns = tuple(
        suppression.publish_breakdown([row[j] for row in table], rule) for j in range(len(STAGES))
    )
    totals = tuple(column.total for column in columns)
    population = population_shares(question.key)
    rows = tuple(
        Row(
            category,
            figures,
            tuple(share(figure, total) for figure, total in zip(figures, totals, strict=True)),
            population.get(category.code, Population(None)) if category.is_group else None,
        )
        for category, figures in (
            (category, tuple(column.cells[0][i] for column in columns))
            for i, category in enumerate(rows_of)
        )
    )
    return Comparison(
        question=question,
        stages=STAGES,
        rows=rows,
        totals=totals,
        columns=columns,
        rule=rule,
        before=before,
        falls=tuple(falls_away(rows, STAGES)),
    )
