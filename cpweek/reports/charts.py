"""Horizontal bar charts as SVG, drawn on the server: no JavaScript and no library.

Each chart is an `<svg role="img" aria-labelledby="<id>-title <id>-desc">` with a `<title>` and
a `<desc>`, every row's label and every bar's number written as text inside it, and bars in
the site's palette (each colour at least 3:1 against white, WCAG 1.4.11). A chart with more
than one series also fills its bars with a pattern per series and draws a key, so colour is
never the only thing telling the series apart. The page always follows a chart with a table
of the same numbers (DESIGN.md: "Charts always come with the same numbers as a table"): the
chart is for seeing, the table for reading and for screen readers.

One narrow layout for every width: each row's label on its own line (two at most) above its
bars, and each bar's number just after it. The drawing is `WIDTH` units wide with text of
`FONT_SIZE` units, and the stylesheet lets it fill the page up to 28rem, so its text shows at
about 14 px on a phone 390 px wide and 17 px on a wide screen (a side-by-side layout 630 units
wide shrank it to 7 px on that phone).

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

FONT_SIZE = 14
LINE_HEIGHT = 18  # one line of a label
BAR_HEIGHT = 18  # one bar
BAR_GAP = 4  # between a label and its first bar, and between a row's bars
ROW_GAP = 14  # after a row's last bar
WIDTH = 360
BAR_X = 1  # a bar's left edge, so its outline is not cut by the drawing's edge
BAR_AREA = 300  # the longest bar; the rest of the width is for its number (six digits)
# A label has the whole width: 44 characters of ordinary words take at most about 325 units
# at 14 in the widest usual sans-serif (DejaVu Sans, about 7.3 a character; Arial about 6.4).
# A longer label goes onto a second line, and past that is shortened in the drawing (the
# table has it whole).
LINE_CHARACTERS = 44
LABEL_LINES = 2
KEY_HEIGHT = 24  # one line of the key
KEY_CHARACTER = 9  # room kept per character of a series' name in the key


@dataclass(frozen=True)
class Row:
    label: str
    values: Sequence[int | None]  # one per series; None: not shown (cpweek/suppression.py)


HIDDEN_WORDS = "not shown"


def _short(line: str) -> str:
    return line if len(line) <= LINE_CHARACTERS else line[: LINE_CHARACTERS - 1] + "…"


def label_lines(label: str) -> list[str]:
    """The label broken between words into lines of at most `LINE_CHARACTERS`, at most
    `LABEL_LINES` of them; what does not fit is shortened with "…"."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LINE_CHARACTERS:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > LABEL_LINES:
        lines[LABEL_LINES - 1 :] = [" ".join(lines[LABEL_LINES - 1 :])]
    return [_short(line) for line in lines] or [""]


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


def _key(chart_id: str, series: Sequence[str]) -> tuple[list[str], int]:
    """Each series' swatch and name, left to right, starting a new line when the next would
    not fit; and the height the key takes."""
    parts = []
    x, y = 0, 0
    for index, name in enumerate(series):
        room = 23 + KEY_CHARACTER * len(name)
        if x and x + room > WIDTH:
            x, y = 0, y + KEY_HEIGHT
        parts.append(
            f'<rect x="{x + BAR_X}" y="{y + 3}" width="16" height="16" '
            f'fill="{_fill(chart_id, index)}" stroke="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 23}" y="{y + 16}" fill="{TEXT}">{escape(name)}</text>'
        )
        x += room + 16
    return parts, y + KEY_HEIGHT + ROW_GAP - BAR_GAP


def _label(y: int, lines: list[str]) -> str:
    """The label's first line with its baseline at `y`, and its second line below it."""
    if len(lines) == 1:
        return f'<text x="0" y="{y}" fill="{TEXT}">{escape(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="0" dy="{0 if index == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text x="0" y="{y}" fill="{TEXT}">{spans}</text>'


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[Row],
    series: Sequence[str] = ("",),
) -> Markup:
    """The SVG of a horizontal bar chart: for each row its label, then a bar per series below
    it, scaled to the largest value (an all-zero chart draws no bars, and says 0)."""
    largest = max((value or 0 for row in rows for value in row.values), default=0)
    body: list[str] = []
    y = 0
    if len(series) > 1:
        body, y = _key(chart_id, series)
    for row in rows:
        lines = label_lines(row.label)
        body.append(_label(y + FONT_SIZE, lines))
        y += LINE_HEIGHT * len(lines) + BAR_GAP
        for index, value in enumerate(row.values):
            width = round(BAR_AREA * value / largest) if largest and value else 0
            if width:
                body.append(
                    f'<rect x="{BAR_X}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
                    f'fill="{_fill(chart_id, index)}" stroke="{PALETTE[index % len(PALETTE)]}"/>'
                )
            body.append(
                f'<text x="{BAR_X + width + 6 if width else 0}" y="{y + FONT_SIZE}" fill="{TEXT}">'
                f"{HIDDEN_WORDS if value is None else value}</text>"
            )
            y += BAR_HEIGHT + BAR_GAP
        y += ROW_GAP - BAR_GAP
    height = max(y - ROW_GAP + BAR_GAP, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family="sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        _patterns(chart_id, len(series)),
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))  # noqa: S704 - every text in it was escaped above
