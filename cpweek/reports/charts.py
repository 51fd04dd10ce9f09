"""Horizontal bar charts as SVG, drawn on the server: no JavaScript and no library.

Each chart is an `<svg role="img" aria-labelledby="<id>-title <id>-desc">` with a `<title>` and
a `<desc>`, every row's label and every bar's number written as text inside it, and bars in
the site's palette (each colour at least 3:1 against white, WCAG 1.4.11). A chart with more
than one series also fills its bars with a pattern per series and draws a key, so colour is
never the only thing telling the series apart. The page always follows a chart with a table
of the same numbers (DESIGN.md: "Charts always come with the same numbers as a table"): the
chart is for seeing, the table for reading and for screen readers.

Text is escaped here, as the SVG is returned as Markup for the template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from markupsafe import Markup

# The site's palette (static/css/site.css): brand, link, success, visited link. Each has a
# contrast of more than 7:1 with white, so a bar stands out from the background.
PALETTE = ("#2b3e50", "#1d4f91", "#00703c", "#4c2c92")
TEXT = "#0b0c0c"

ROW_HEIGHT = 22  # one bar
ROW_GAP = 10
LABEL_WIDTH = 260  # room for the row's words, left of the bars
BAR_AREA = 300
VALUE_ROOM = 70  # the number after the longest bar
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_ROOM
LEGEND_HEIGHT = 26
LABEL_CHARACTERS = 38  # longer labels are shortened in the drawing (the table has them whole)


@dataclass(frozen=True)
class Row:
    label: str
    values: Sequence[int | None]  # one per series; None: not shown (cpweek/suppression.py)


HIDDEN_WORDS = "not shown"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _patterns(chart_id: str, count: int) -> str:
    """A solid fill for the first series, then diagonal stripes, dots and cross-hatching in
    each series' colour on white: told apart without colour."""
    shapes = (
        "",
        '<path d="M0,6 L6,0" stroke="{c}" stroke-width="3"/>',
        '<circle cx="3" cy="3" r="2" fill="{c}"/>',
        '<path d="M0,0 L6,6 M6,0 L0,6" stroke="{c}" stroke-width="1.5"/>',
    )
    defs = []
    for index in range(1, count):
        colour = PALETTE[index % len(PALETTE)]
        defs.append(
            f'<pattern id="{chart_id}-p{index}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#ffffff"/>'
            f"{shapes[index % len(shapes)].format(c=colour)}</pattern>"
        )
    return f"<defs>{''.join(defs)}</defs>" if defs else ""


def _fill(chart_id: str, series: int) -> str:
    return PALETTE[0] if series == 0 else f"url(#{chart_id}-p{series})"


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[Row],
    series: Sequence[str] = ("",),
) -> Markup:
    """The SVG of a horizontal bar chart: a group of bars per row, one bar per series, scaled
    to the largest value (an all-zero chart draws no bars, and says 0)."""
    largest = max((value or 0 for row in rows for value in row.values), default=0)
    several = len(series) > 1
    top = LEGEND_HEIGHT if several else 0
    group = ROW_HEIGHT * len(series) + ROW_GAP
    height = top + group * len(rows) + ROW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="sans-serif" '
        f'font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        _patterns(chart_id, len(series)),
    ]
    if several:
        x = LABEL_WIDTH
        for index, name in enumerate(series):
            parts.append(
                f'<rect x="{x}" y="4" width="16" height="16" fill="{_fill(chart_id, index)}" '
                f'stroke="{PALETTE[index % len(PALETTE)]}"/>'
                f'<text x="{x + 22}" y="17" fill="{TEXT}">{escape(name)}</text>'
            )
            x += 30 + 8 * len(name)
    for row_index, row in enumerate(rows):
        y = top + ROW_GAP + row_index * group
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + ROW_HEIGHT - 6}" text-anchor="end" '
            f'fill="{TEXT}">{escape(_short(row.label))}</text>'
        )
        for index, value in enumerate(row.values):
            bar_y = y + index * ROW_HEIGHT
            width = round(BAR_AREA * value / largest) if largest and value else 0
            if width:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{bar_y + 2}" width="{width}" '
                    f'height="{ROW_HEIGHT - 4}" fill="{_fill(chart_id, index)}" '
                    f'stroke="{PALETTE[index % len(PALETTE)]}"/>'
                )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 6}" y="{bar_y + ROW_HEIGHT - 6}" '
                f'fill="{TEXT}">{HIDDEN_WORDS if value is None else value}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it was escaped above
