"""The impact report as charts with their tables, and as CSV.

A `Chart` carries its SVG and the table of the same numbers, made from the same rows, so the
picture and the table can never disagree (the page shows the table right after the chart).
The CSV holds the public figures only (no free text, no access detail), written through
`cpweek.csvfiles`; money is in pounds with pence (`pence_to_plain`).

Access needs are special category data (DESIGN.md): the public version shows them only as
published by `cpweek.suppression` (rounded, small numbers hidden with whatever would give them
away), never as the exact counts organisers see, and leaves them out of its charts, its
year-on-year table and the CSV."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from cpweek import suppression
from cpweek.csvfiles import csv_text
from cpweek.money import format_pence, pence_to_plain
from cpweek.reports.charts import Row, bar_chart
from cpweek.reports.services.impact import Access, Headline, ImpactReport, MeasureCounts


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: Markup
    headers: list[str]  # the table's: the rows' heading, then one per series
    rows: list[Row]
    footnote: str = ""  # how its numbers were published, when suppression hid any


def _published_answers(
    question: MeasureCounts, responses: int, rule: suppression.Rule
) -> tuple[list[Row], str, str]:
    """A question's answers as the public may see them: rows (None where hidden), how many
    answered in words, and the footnote. When every response answered it, the page's exact
    number of responses is that total, so suppression is told it is known."""
    published = suppression.publish_breakdown(
        [count for _, count in question.counts],
        rule,
        total_known=question.answered == responses,
    )
    rows = [
        Row(words, [figure.value])
        for (words, _), figure in zip(question.counts, published.cells[0], strict=True)
    ]
    total = published.total
    answered = (
        f"fewer than {rule.threshold} answered"
        if published.too_few
        else f"{total.value} answered"
        if not total.hidden
        else "how many answered is not shown"
    )
    return rows, answered, published.footnote


def _chart(
    chart_id: str,
    title: str,
    description: str,
    rows: list[Row],
    series: list[str],
    heading: str,
    footnote: str = "",
) -> Chart:
    return Chart(
        chart_id,
        title,
        bar_chart(chart_id, title, description, rows, series if len(series) > 1 else [""]),
        [heading, *series],
        rows,
        footnote,
    )


def place_rows(headline: Headline) -> list[Row]:
    places = headline.places
    return [
        Row("Registrations made", [places.registered]),
        Row("Cancelled", [places.cancelled]),
        Row("Held a place", [places.with_place]),
        Row("Checked in", [places.checked_in]),
        Row("Places online", [places.online]),
        Row("Joined a waiting list", [places.waited]),
        Row("Given a place from it", [places.got_place]),
    ]


@dataclass(frozen=True)
class PublicAccess:
    """Access needs as the public version may show them."""

    # One row: met, partly met, not met, not marked yet; its total is the people who asked.
    outcomes: suppression.Published
    # A row per need (`labels`), columns asked for, met, partly met, not met.
    needs: suppression.Published | None
    labels: list[str]


OUTCOME_WORDS = ["Met", "Partly met", "Not met", "Not marked yet"]
NEED_HEADERS = ["Asked for", "Met", "Partly met", "Not met"]


def public_access(access: Access, rule: suppression.Rule) -> PublicAccess:
    unmarked = access.requests - access.marked
    outcomes = suppression.publish_breakdown(
        [access.met, access.partly, access.not_met, unmarked], rule
    )
    needs = (
        suppression.publish([[n.requested, n.met, n.partly, n.not_met] for n in access.needs], rule)
        if access.needs
        else None
    )
    return PublicAccess(outcomes, needs, [need.label for need in access.needs])


def charts(
    report: ImpactReport, *, public: bool = True, rule: suppression.Rule | None = None
) -> list[Chart]:
    """The report's charts. The public ones show each question's answers only as
    `cpweek.suppression` publishes them (`rule`, the site's by default): rounded, and a group
    under the threshold hidden with whatever would give it away."""
    rule = rule or suppression.Rule()
    year = report.edition.year
    found = [
        _chart(
            "chart-places",
            f"Registrations and attendance, {year}",
            "Bars of the number of registrations, cancellations, places, check-ins, online "
            "places and the waiting list; the table after the chart has the same numbers.",
            place_rows(report.headline),
            ["People"],
            "Figure",
        )
    ]
    access = report.headline.access
    if access.needs and not public:
        found.append(
            _chart(
                "chart-access",
                f"Access needs asked for and met, {year}",
                "For each access need, four bars: how many people with a place asked for it "
                "(solid), and of them how many had it met (striped), partly met (dotted) and "
                "not met (cross-hatched); the table after the chart has the same numbers.",
                [
                    Row(need.label, [need.requested, need.met, need.partly, need.not_met])
                    for need in access.needs
                ],
                ["Asked for", "Met", "Partly met", "Not met"],
                "Access need",
            )
        )
    for number, question in enumerate(report.feedback.questions, start=1):
        if public:
            rows, answered, footnote = _published_answers(question, report.feedback.responses, rule)
        else:
            rows = [Row(words, [count]) for words, count in question.counts]
            answered, footnote = f"{question.answered} answered", ""
        found.append(
            _chart(
                f"chart-q{number}",
                question.question,
                f"How many chose each answer, from the least to the most; {answered}. The "
                "table after the chart has the same numbers.",
                rows,
                ["People"],
                "Answer",
                footnote,
            )
        )
    return found


ACCESS_HEADERS = ("Access requests", "Access requests met in full")

HEADLINE_HEADERS = [
    "Year",
    "Registrations made",
    "Held a place",
    "Checked in",
    "Places online",
    "Joined a waiting list",
    "Given a place from it",
    "Access requests",
    "Access requests met in full",
    "Hours of involvement",
    "Paid (£)",
    "Median days from approval to payment",
    "Feedback responses",
]


def headline_headers(*, public: bool) -> list[str]:
    return [h for h in HEADLINE_HEADERS if not (public and h in ACCESS_HEADERS)]


def headline_cells(headline: Headline, *, money_plain: bool, public: bool) -> list[object]:
    cells = _all_headline_cells(headline, money_plain=money_plain)
    if not public:
        return cells
    return [
        cell
        for header, cell in zip(HEADLINE_HEADERS, cells, strict=True)
        if header not in ACCESS_HEADERS
    ]


def _all_headline_cells(headline: Headline, *, money_plain: bool) -> list[object]:
    places, access, ledger = headline.places, headline.access, headline.ledger
    median = ledger.median_days
    return [
        headline.edition.year,
        places.registered,
        places.with_place,
        places.checked_in,
        places.online,
        places.waited,
        places.got_place,
        access.requests,
        access.met,
        ledger.hours,
        pence_to_plain(ledger.paid_pence) if money_plain else format_pence(ledger.paid_pence),
        ("" if money_plain else "None paid") if median is None else median,
        headline.responses,
    ]


def csv(report: ImpactReport, rule: suppression.Rule | None = None) -> str:
    """Sections one after another: the year-on-year table, then each chart's table."""
    lines: list[list[object]] = [
        [f"Impact report, {report.edition.title}"],
        [],
        [*headline_headers(public=True)],
    ]
    lines += [headline_cells(item, money_plain=True, public=True) for item in report.history]
    for chart in charts(report, public=True, rule=rule):
        lines += [[], [chart.title], list(chart.headers)]
        lines += [
            [row.label, *("not shown" if value is None else value for value in row.values)]
            for row in chart.rows
        ]
        if chart.footnote:
            lines.append([chart.footnote])
    lines += [[], ["Free-text comments (not published)", report.feedback.comments]]
    return csv_text(lines)
