"""The server-drawn SVG charts: well-formed XML with a title and a description it is labelled
by, text labels and numbers inside, the palette's colours, patterns when there are several
series, and nothing from a label left unescaped."""

from __future__ import annotations

from xml.etree import ElementTree

from cpweek.reports.charts import PALETTE, Row, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _contrast(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def test_a_chart_is_well_formed_labelled_svg_with_its_numbers_as_text():
    svg = bar_chart(
        "c1", "Places <2025>", "Bars & numbers", [Row("Held a place", [6]), Row("Checked in", [3])]
    )
    root = ElementTree.fromstring(str(svg))  # noqa: S314 (our own SVG)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Places <2025>"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}desc").text == "Bars & numbers"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts == ["Held a place", "6", "Checked in", "3"]
    bars = [rect for rect in root.iter(f"{SVG}rect")]
    assert [int(bar.get("width")) for bar in bars] == [300, 150]
    assert "<script" not in str(svg)


def test_the_palette_has_three_to_one_contrast_with_white():
    assert all(_contrast(colour) >= 3 for colour in PALETTE)


def test_several_series_get_patterns_and_a_key_so_colour_is_not_alone():
    svg = bar_chart(
        "c2", "Access", "Asked and met", [Row("Captions", [2, 1])], ["Asked for", "Met"]
    )
    root = ElementTree.fromstring(str(svg))  # noqa: S314 (our own SVG)
    assert [p.get("id") for p in root.iter(f"{SVG}pattern")] == ["c2-p1"]
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect") if rect.get("height") == "18"]
    assert fills == [PALETTE[0], "url(#c2-p1)"]
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts[:2] == ["Asked for", "Met"]  # the key, in words


def test_an_all_zero_chart_draws_no_bars_but_says_zero():
    root = ElementTree.fromstring(str(bar_chart("c3", "T", "D", [Row("None", [0])])))  # noqa: S314 (our own SVG)
    assert [rect for rect in root.iter(f"{SVG}rect")] == []
    assert [element.text for element in root.iter(f"{SVG}text")] == ["None", "0"]
