"""Markdown from organisers is rendered safely."""

from cpweek.text import render_markdown, strip_control_characters


def test_markdown_is_sanitised():
    html = str(
        render_markdown(
            "# Big\n\n**bold** <script>alert(1)</script> <img src=x onerror=alert(2)>"
            " [bad](javascript:alert(3)) [good](https://example.org) <b onclick=x>b</b>"
        )
    )
    assert "<h2>Big</h2>" in html and "<strong>bold</strong>" in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "onclick" not in html and "<img" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">good</a>' in html


def test_empty_markdown_is_empty():
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""


def test_control_characters_are_stripped_but_newlines_kept():
    assert strip_control_characters("a\x00b\tc\nd\x1f") == "ab\tc\nd"
    assert strip_control_characters(None) is None
