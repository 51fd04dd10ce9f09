"""Checks of the page structure WCAG 2.2 AA leans on, run over real pages in tests.

Not a substitute for testing with people and assistive technology; it catches the regressions
a template change can bring: a missing label, a second <h1>, a skipped heading level, a broken
aria reference, a duplicate id, an image without alt text.
"""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.headings: list[int] = []
        self.stack: list[str] = []
        self.links: list[dict] = []
        self.title = ""
        self._text_target: dict | None = None
        self._in_title = False
        self._label_depth = 0
        self.controls_in_labels: set[int] = set()

    def handle_starttag(self, tag, attrs):
        attributes = {k: (v or "") for k, v in attrs}
        self.elements.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label":
            self._label_depth += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        if tag in ("input", "select", "textarea") and self._label_depth:
            self.controls_in_labels.add(len(self.elements) - 1)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.headings.append(int(tag[1]))
        if tag == "a":
            attributes["_text"] = ""
            self.links.append(attributes)
            self._text_target = attributes
        if tag == "title":
            self._in_title = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth = max(self._label_depth - 1, 0)
        if tag == "a":
            self._text_target = None
        if tag == "title":
            self._in_title = False
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self._text_target is not None:
            self._text_target["_text"] += data
        if self._in_title:
            self.title += data


def problems(html: str) -> list[str]:
    """Everything wrong with the page, in words; an empty list for a page that passes."""
    page = _Page()
    page.feed(html)
    found = []
    html_tags = [a for t, a in page.elements if t == "html"]
    if not html_tags or not html_tags[0].get("lang"):
        found.append("<html> has no lang")
    if not page.title.strip():
        found.append("empty <title>")
    if page.headings.count(1) != 1:
        found.append(f"{page.headings.count(1)} <h1> elements (want exactly one)")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            found.append(f"heading level skips from h{before} to h{after}")
    mains = [a for t, a in page.elements if t == "main"]
    if len(mains) != 1:
        found.append(f"{len(mains)} <main> elements")
    elif mains[0].get("id") != "main-content":
        found.append("<main> is not the skip link's target")
    if not any(link.get("href") == "#main-content" for link in page.links):
        found.append("no skip link to #main-content")
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    if duplicates:
        found.append(f"duplicate ids: {sorted(duplicates)}")
    ids = set(page.ids)
    for index, (tag, attributes) in enumerate(page.elements):
        if tag in ("input", "select", "textarea"):
            kind = attributes.get("type", "text")
            if tag == "input" and kind in UNLABELLED_INPUT_TYPES:
                continue
            labelled = (
                attributes.get("id") in page.label_for
                or index in page.controls_in_labels
                or attributes.get("aria-label")
                or attributes.get("aria-labelledby")
            )
            if not labelled:
                found.append(f"<{tag} name={attributes.get('name')!r}> has no label")
        for reference in ("aria-describedby", "aria-labelledby"):
            for target in attributes.get(reference, "").split():
                if target not in ids:
                    found.append(f"{reference} points at missing id {target!r}")
        if tag == "img" and "alt" not in attributes:
            found.append("<img> without alt")
        if (
            tag == "a"
            and attributes.get("href", "").startswith("#")
            and len(attributes["href"]) > 1
        ) and attributes["href"][1:] not in ids:
            found.append(f"link to missing anchor {attributes['href']}")
    for link in page.links:
        if not link["_text"].strip() and not link.get("aria-label"):
            found.append(f"link without text: {link.get('href')}")
    return found
