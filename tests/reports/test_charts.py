"""The server-drawn SVG charts: well-formed XML with a title and a description it is labelled
by, text labels and numbers inside, the palette's colours, patterns when there are several
series, and nothing from a label left unescaped. The layout is narrow, so it stays readable
on a phone: 360 units wide, 14-unit text, each row's label on its own line above its bars."""

from __future__ import annotations

from xml.etree import ElementTree

from cpweek.reports.charts import (
    BAR_AREA,
    FONT_SIZE,
    LINE_CHARACTERS,
    PALETTE,
    WIDTH,
    Row,
    bar_chart,
    label_lines,
)

SVG = "{http://www.w3.org/2000/svg}"


def _contrast(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return 1.05 / (luminance + 0.05)


def _root(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 (our own SVG)


def _texts(root: ElementTree.Element) -> list[str]:
    """Each <text>'s words; a label on two lines is one <text> with a <tspan> per line."""
    return [" ".join(t.strip() for t in text.itertext()) for text in root.iter(f"{SVG}text")]


def _bars(root: ElementTree.Element) -> list[ElementTree.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("height") == "18"]


def test_a_chart_is_well_formed_labelled_svg_with_its_numbers_as_text():
    svg = bar_chart(
        "c1", "Places <2025>", "Bars & numbers", [Row("Held a place", [6]), Row("Checked in", [3])]
    )
    root = _root(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Places <2025>"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert root.find(f"{SVG}desc").text == "Bars & numbers"
    assert _texts(root) == ["Held a place", "6", "Checked in", "3"]
    assert [int(bar.get("width")) for bar in _bars(root)] == [BAR_AREA, BAR_AREA // 2]
    assert "<script" not in str(svg)


def test_the_layout_is_narrow_with_each_label_above_its_bar_and_its_number_after_it():
    root = _root(str(bar_chart("c1", "T", "D", [Row("Held a place", [6]), Row("Checked in", [3])])))
    x, y, width, height = (int(n) for n in root.get("viewBox").split())
    assert (x, y) == (0, 0) and 360 <= width == WIDTH <= 400
    assert root.get("font-size") == str(FONT_SIZE) == "14"
    texts = list(root.iter(f"{SVG}text"))
    bars = _bars(root)
    bottom = 0
    for label, number, bar in zip(texts[::2], texts[1::2], bars, strict=True):
        bar_top = int(bar.get("y"))
        # the label on its own line at the left, wholly above its bar and below the row before
        assert label.get("x") == "0" and bottom <= int(label.get("y")) - FONT_SIZE
        assert int(label.get("y")) <= bar_top
        # the number on the bar's line, just after its end, inside the drawing
        bar_end = int(bar.get("x")) + int(bar.get("width"))
        assert bar_top < int(number.get("y")) <= bar_top + 18
        assert bar_end < int(number.get("x")) <= bar_end + 10 and int(number.get("x")) < WIDTH
        bottom = bar_top + 18
    assert bottom <= height


def test_the_palette_has_three_to_one_contrast_with_white():
    assert all(_contrast(colour) >= 3 for colour in PALETTE)


def test_several_series_get_patterns_and_a_key_so_colour_is_not_alone():
    svg = bar_chart(
        "c2", "Access", "Asked and met", [Row("Captions", [2, 1])], ["Asked for", "Met"]
    )
    root = _root(str(svg))
    assert [p.get("id") for p in root.iter(f"{SVG}pattern")] == ["c2-p1"]
    assert [bar.get("fill") for bar in _bars(root)] == [PALETTE[0], "url(#c2-p1)"]
    texts = _texts(root)
    assert texts == ["Asked for", "Met", "Captions", "2", "1"]  # the key, in words, first
    # a row's bars one under the other, below the key and the row's label
    label = list(root.iter(f"{SVG}text"))[2]
    tops = [int(bar.get("y")) for bar in _bars(root)]
    assert int(label.get("y")) <= tops[0] < tops[1]


def test_a_key_too_wide_for_one_line_goes_on_to_the_next():
    names = ["Asked for", "Met", "Partly met", "Not met"]
    root = _root(str(bar_chart("c4", "T", "D", [Row("Captions", [4, 3, 1, 0])], names)))
    texts = list(root.iter(f"{SVG}text"))
    key = texts[:4]
    assert [text.text for text in key] == names
    assert len({text.get("y") for text in key}) == 2  # two lines
    assert all(int(text.get("x")) + 9 * len(text.text) <= WIDTH for text in key)
    assert int(texts[4].get("y")) - FONT_SIZE > max(int(text.get("y")) for text in key)
    assert [p.get("id") for p in root.iter(f"{SVG}pattern")] == ["c4-p1", "c4-p2", "c4-p3"]


def test_an_all_zero_chart_draws_no_bars_but_says_zero():
    root = _root(str(bar_chart("c3", "T", "D", [Row("None", [0])])))
    assert [rect for rect in root.iter(f"{SVG}rect")] == []
    assert _texts(root) == ["None", "0"]


def test_a_hidden_number_says_not_shown_and_draws_no_bar():
    root = _root(str(bar_chart("c5", "T", "D", [Row("Poor", [None]), Row("Good", [12])])))
    assert _texts(root) == ["Poor", "not shown", "Good", "12"]
    assert [int(bar.get("width")) for bar in _bars(root)] == [BAR_AREA]


def test_labels_and_series_names_are_escaped():
    svg = str(bar_chart("c6", "T", "D", [Row("<b>Tea & cake</b>", [1, 2])], ["A < B", "C & D"]))
    assert "<b>" not in svg and "&lt;b&gt;Tea &amp; cake&lt;/b&gt;" in svg
    assert _texts(_root(svg))[:3] == ["A < B", "C & D", "<b>Tea & cake</b>"]


def test_a_label_that_fits_is_whole_on_one_line():
    label = "A quiet room and information in Easy Read"  # 41 characters
    assert len(label) <= LINE_CHARACTERS and label_lines(label) == [label]
    root = _root(str(bar_chart("c7", "T", "D", [Row(label, [1])])))
    assert root.find(f"{SVG}text").text == label


def test_a_long_label_wraps_on_to_a_second_line_and_past_that_is_shortened():
    two = "A step-free route, a quiet room, large print and information in Easy Read"
    assert label_lines(two) == [
        "A step-free route, a quiet room, large print",
        "and information in Easy Read",
    ]
    three = two + " sent before the day, and a named person to meet at the door"
    first, second = label_lines(three)
    assert first == "A step-free route, a quiet room, large print"
    assert second.startswith("and information in Easy Read sent") and second.endswith("…")
    assert len(second) == LINE_CHARACTERS
    assert label_lines("x" * 60) == ["x" * (LINE_CHARACTERS - 1) + "…"]
    assert label_lines("") == [""]

    root = _root(str(bar_chart("c8", "T", "D", [Row(two, [5])])))
    label = root.find(f"{SVG}text")
    spans = label.findall(f"{SVG}tspan")
    assert [span.text for span in spans] == label_lines(two)
    assert [span.get("x") for span in spans] == ["0", "0"]
    assert [span.get("dy") for span in spans] == ["0", "18"]
    # both lines above the bar
    assert int(label.get("y")) + 18 <= int(_bars(root)[0].get("y"))
