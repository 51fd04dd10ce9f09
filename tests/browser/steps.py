"""The steps of a browser journey, keyboard only, and the checks every page must pass.

Every way of filling a form lives here, in one small helper each (fill, tick, choose, fill_date,
fill_time, upload...), so that when a form changes (date fields becoming day, month and year
boxes, for example) one helper changes and the journeys stay as they are."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from urllib.parse import urlsplit

from cpweek.extensions import db

AXE_PATH = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = """tags => document.styleSheets.length < 1
  ? [{id: 'no-stylesheet', help: 'the stylesheet did not load', targets: []}]
  : axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
      .then(r => r.violations.map(v => ({
        id: v.id, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))"""
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]*')
_CLEAN: set[tuple[int, str]] = set()  # documents axe found clean, by width, in this run
WIDTHS_OF_PAGE = """() => [document.documentElement.scrollWidth,
                          document.documentElement.clientWidth]"""
# What sits above the error summary in view: anything a person would fill in or press first.
CONTROLS_ABOVE = """summary => {
  const top = summary.getBoundingClientRect().top;
  const main = document.getElementById('main-content');
  return [...main.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
    .filter(el => { const box = el.getBoundingClientRect();
                    return box.height > 0 && box.bottom > 0 && box.top < top; })
    .map(el => el.outerHTML.slice(0, 120));
}"""


# --- what is in view -----------------------------------------------------------------------------

# How the app marks what happened after a submit (templates/base.html, _macros/forms.html).
MESSAGE = ".notice--success, .notice--info"
ERROR_SUMMARY = ".error-summary"


def assert_in_view(page, locator, what: str | None = None) -> None:
    """The element is on screen without scrolling: its box inside the viewport (its top, if it
    is taller than the viewport)."""
    what = what or str(locator)
    # Nothing changes a JavaScript-off page after it loads: no waiting for it to appear.
    assert locator.count() and locator.first.is_visible(), f"{what} is not shown on {page.url}"
    box = locator.first.bounding_box()
    view = page.viewport_size
    assert box is not None, f"{what} has no box on {page.url}"
    bottom_ok = box["y"] + box["height"] <= view["height"] + 1 or box["height"] > view["height"]
    inside = box["y"] >= -1 and box["y"] < view["height"] and bottom_ok
    inside = inside and box["x"] >= -1 and box["x"] + box["width"] <= view["width"] + 1
    assert inside, (
        f"{what} spans {round(box['y'])} to {round(box['y'] + box['height'])} px, not inside "
        f"the 0 to {view['height']} px in view, on {page.url}"
    )


def assert_success(page, words: str | None = None) -> None:
    """After a submit that worked: the success message is in view and the title is plain."""
    notice = page.locator(MESSAGE)
    if words:
        notice = notice.filter(has_text=words)
    assert_in_view(page, notice, f"the message {words or ''!r}")
    assert not page.title().startswith("Error:"), page.title()


def assert_error_first(page, words: str | None = None) -> None:
    """After a submit that did not: the title starts "Error:" and the error summary is in view
    with nothing to fill in or press above it."""
    assert page.title().startswith("Error:"), f"title {page.title()!r} on {page.url}"
    summary = page.locator(ERROR_SUMMARY)
    if words:
        summary = summary.filter(has_text=words)
    assert_in_view(page, summary, "the error summary")
    above = summary.first.evaluate(CONTROLS_ABOVE)
    assert not above, f"controls above the error summary on {page.url}: {above}"


# --- filling forms with the keyboard --------------------------------------------------------------


def _field(page, label: str, scope=None):
    return (scope or page).get_by_label(label, exact=True)


def type_into(page, locator, text: str) -> None:
    """Focus the field, select what is there and type over it, key by key."""
    locator.focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    if text:
        page.keyboard.type(text)
    assert locator.input_value() == text, f"typed {text!r}, field holds {locator.input_value()!r}"


def fill(page, label: str, text: str, scope=None) -> None:
    type_into(page, _field(page, label, scope), text)


def tick(page, label: str, scope=None, on: bool = True) -> None:
    """A checkbox, or a radio button: focus it and press Space."""
    box = _field(page, label, scope)
    if box.is_checked() != on:
        box.focus()
        page.keyboard.press("Space")
    assert box.is_checked() == on, f"{label!r} did not become {'ticked' if on else 'clear'}"


choose = tick  # a radio button is chosen the same way: focus it and press Space


def score(page, question: str, value: int, scope=None) -> None:
    """A worded scale (1 to 5): the radio button in the group whose legend starts with the
    question, and whose label starts with the number ("4", or "4 – quite" once worded)."""
    scope = scope or page
    group = scope.locator("fieldset", has=page.locator("legend", has_text=question)).first
    button = group.get_by_label(re.compile(rf"^{value}\b"))
    button.focus()
    page.keyboard.press("Space")
    assert button.is_checked(), f"{question!r}: {value} is not chosen"


def select(page, label: str, option: str, scope=None) -> None:
    """A drop-down list: focus it and type the start of the option, as a person would; Chromium
    picks the first option beginning with what is typed."""
    box = _field(page, label, scope)
    box.focus()
    page.keyboard.type(option)
    chosen = box.evaluate("el => el.options[el.selectedIndex].text")
    assert chosen.startswith(option), f"{label!r}: typed {option!r}, chose {chosen!r}"


def _boxes(page, legend: str, scope):
    """The fieldset of a date or time question, found by its legend (the question)."""
    group = (scope or page).locator("fieldset", has=page.locator("legend", has_text=legend))
    assert group.count(), f"no question {legend!r} on {page.url}"
    return group.first


def fill_date(page, legend: str, value: date, scope=None) -> None:
    """A date question: day, month and year boxes (the GOV.UK pattern: the legend is the
    question, the boxes labelled Day, Month and Year), typed as a UK person types them."""
    group = _boxes(page, legend, scope)
    type_into(page, group.get_by_label("Day", exact=True), str(value.day))
    type_into(page, group.get_by_label("Month", exact=True), str(value.month))
    type_into(page, group.get_by_label("Year", exact=True), str(value.year))


def fill_time(page, legend: str, value: time, scope=None) -> None:
    """A time question: Hour and Minute boxes on the 24-hour clock, UK time."""
    group = _boxes(page, legend, scope)
    type_into(page, group.get_by_label("Hour", exact=True), f"{value.hour:02d}")
    type_into(page, group.get_by_label("Minute", exact=True), f"{value.minute:02d}")


def upload(page, label: str, path: Path, scope=None) -> None:
    """A file: the one step no keyboard can do in a test, since the operating system's file
    chooser is outside the page; Playwright sets the file on the focused input instead."""
    box = _field(page, label, scope)
    box.focus()
    box.set_input_files(str(path))


# --- the journey ----------------------------------------------------------------------------------


class Journey:
    """One person's tab: every page it lands on is checked (axe-core, no sideways scrolling, no
    script). Screenshots of the key steps are kept under tests/browser/screenshots/ when asked
    for (CPWEEK_SCREENSHOTS=1), so a run leaves no files behind unless someone wants to look;
    a failing journey keeps one of where it stopped either way (tests/browser/conftest.py)."""

    def __init__(
        self, page, *, axe_page, base_url: str, mailbox, screenshots: Path, keep_shots: bool
    ):
        self.page = page
        self.axe_page = axe_page
        self.base_url = base_url
        self.mailbox = mailbox
        self.screenshots = screenshots
        self.keep_shots = keep_shots
        self.pages_checked: list[str] = []
        self.steps: list[str] = []
        for old in screenshots.glob("*.png") if screenshots.exists() else ():
            old.unlink()

    # Moving about. The test's own database session ends first, as a request of its own would
    # (tests/conftest.py's IsolatedClient does the same): on SQLite an open read would hold
    # the server's writes back.

    def goto(self, path: str) -> None:
        db.session.commit()
        self.page.goto(path)
        self.check()

    def follow(self, name: str | re.Pattern, scope=None) -> None:
        """Follow a link: Tab would reach it; focus it and press Enter."""
        link = (scope or self.page).get_by_role("link", name=name, exact=True).first
        self._press_enter_on(link)

    def press(self, name: str, scope=None) -> None:
        """Press a button (submit a form): focus it and press Enter."""
        button = (scope or self.page).get_by_role("button", name=name, exact=True)
        if button.count() > 1:
            button = button.locator("visible=true")
        self._press_enter_on(button.first)

    def _press_enter_on(self, locator) -> None:
        db.session.commit()
        locator.focus()
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.check()

    def tab_to_skip_link(self) -> None:
        """From the top of the page, the first Tab lands on "Skip to main content", in view."""
        self.page.locator("body").focus()
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        self.page.keyboard.press("Tab")
        focused = self.page.locator(":focus")
        assert focused.inner_text().strip() == "Skip to main content"
        assert_in_view(self.page, focused)

    def sign_in(self, email: str, password: str = "correct horse battery") -> None:
        self.goto("/sign-in")
        fill(self.page, "Email address", email)
        fill(self.page, "Password", password)
        self.press("Sign in")
        assert "/sign-in" not in self.page.url, self.page.locator("main").inner_text()[:500]

    def sign_out(self) -> None:
        self.press("Sign out")

    def path_from_mail(self, message, pattern: str) -> str:
        """The link in an email whose path matches `pattern`, on this test's server (emails name
        CPWEEK_BASE_URL, cpweek.test)."""
        text = self.mailbox.text(message)
        for url in re.findall(r"https?://\S+", text):
            parts = urlsplit(url)
            if re.search(pattern, parts.path):
                return parts.path + (f"?{parts.query}" if parts.query else "")
        raise AssertionError(f"no link matching {pattern!r} in:\n{text}")

    def target(self, check, *args, step: str) -> None:
        """What happened is the first thing in view after a submit (issue 11, point 1)."""
        try:
            check(self.page, *args)
        except AssertionError as error:
            raise AssertionError(f"{step}: {error}") from None

    # The checks every page passes.

    def check(self) -> None:
        """No script, no sideways scrolling, and no WCAG 2.2 A/AA violation axe-core can find.

        The page has JavaScript off, and axe-core needs it (its checks wait on timers that a
        page without JavaScript never runs). So axe runs in a second page of its own context,
        with JavaScript on and the same viewport, which is handed this page's document:
        `page.content()` is exactly the HTML the server sent, as parsed, because nothing in a
        JavaScript-off page can change it, and the app has no script or noscript element (the
        first assertion), so no part renders differently with JavaScript on. The document is
        written into the axe page under the same address (history.replaceState, then
        set_content), so the same stylesheets load from the live server and colour contrast,
        focus styles and sizes are judged on the real CSS at the real width."""
        page = self.page
        url = page.url
        html = page.content()
        lowered = html.lower()
        assert "<script" not in lowered and "<noscript" not in lowered, f"script on {url}"
        scroll_width, client_width = page.evaluate(WIDTHS_OF_PAGE)
        assert scroll_width <= client_width, (
            f"{url} is {scroll_width} px wide in a {client_width} px viewport"
        )
        self.pages_checked.append(urlsplit(url).path)
        # The same document at the same width was already found clean (a sign-in page, say):
        # only the CSRF token differs, which nothing axe checks depends on.
        key = (page.viewport_size["width"], CSRF_VALUE.sub(r"\1", html))
        if key in _CLEAN:
            return
        axe = self.axe_page
        axe.evaluate("url => history.replaceState(null, '', url)", url)
        axe.set_content(html)
        violations = axe.evaluate(RUN_AXE, AXE_TAGS)
        assert not violations, f"axe-core on {url} (title {page.title()!r}): {violations}"
        _CLEAN.add(key)

    def shot(self, name: str) -> Path:
        """A key step: what is in view now is kept for people to look at, when asked for."""
        self.steps.append(name)
        path = self.screenshots / f"{len(self.steps):02d}-{name}.png"
        if self.keep_shots:
            self.screenshots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(path))
        return path

    def shot_of_failure(self) -> Path:
        """Where a failing journey stopped, after its last key step."""
        self.screenshots.mkdir(parents=True, exist_ok=True)
        last = self.steps[-1] if self.steps else "start"
        path = self.screenshots / f"failed-after-{last}.png"
        self.page.screenshot(path=str(path))
        return path
