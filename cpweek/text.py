"""Cleaning text people type, before it reaches a database (PostgreSQL refuses NUL bytes)."""

from __future__ import annotations

import re
from typing import overload

import markdown
import nh3
from markupsafe import Markup

# C0 control characters and DEL, except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@overload
def strip_control_characters(value: str) -> str: ...
@overload
def strip_control_characters(value: None) -> None: ...
def strip_control_characters(value: str | None) -> str | None:
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "code",
    "pre",
    "hr",
}
_TOP_HEADING = re.compile(r"<(/?)h1>")


def render_markdown(source: str) -> Markup:
    """Markdown as safe HTML: scripts, styles, event handlers and javascript: links removed.

    A '# Title' becomes an <h2>: the page's own <h1> stays the only one.
    """
    html = markdown.markdown(source or "", extensions=["sane_lists"])
    html = _TOP_HEADING.sub(lambda m: f"<{m.group(1)}h2>", html)
    return Markup(  # noqa: S704 - nh3 has just sanitised it
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer",
        )
    )
