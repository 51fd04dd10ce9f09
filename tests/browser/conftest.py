"""Browser journeys: the test app served on 127.0.0.1 by a werkzeug server in a thread, on the
test database of tests/conftest.py (SQLite or PostgreSQL) with its SMTP server, driven by
Debian's Chromium through Playwright with JavaScript off.

One browser for the session; each test gets a fresh JavaScript-off context at its width. axe-core
runs in a second, JavaScript-on page per width (see `Journey.check` in steps.py for why that is
sound). Without Chromium or axe-core the journeys are skipped with one reason, or fail when
CPWEEK_REQUIRE_BROWSER=1 (CI sets it, so CI cannot pass without them)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.steps import AXE_PATH, Journey

CHROMIUM = Path(os.environ.get("CPWEEK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WIDTHS = {"390px": (390, 844), "1280px": (1280, 800)}
SCREENSHOTS = Path(__file__).parent / "screenshots"
WHAT_TO_INSTALL = (
    "browser journeys need Chromium at /usr/bin/chromium (Debian: apt-get install chromium), "
    "the playwright package (requirements.txt) and axe-core in tests/browser/node_modules "
    "(make test installs it with npm)"
)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing"
    if not AXE_PATH.exists():
        return f"{AXE_PATH} is missing"
    return None


@pytest.fixture(scope="session")
def chromium():
    missing = _missing()
    if missing:
        message = f"{missing}: {WHAT_TO_INSTALL}"
        if os.environ.get("CPWEEK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CPWEEK_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # one line a request would drown pytest's
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The test app on a free port of 127.0.0.1; each request has its own app context and
    database session, as under gunicorn."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def axe_pages(chromium, live_server):
    """One JavaScript-on page per width with axe-core loaded once; see Journey.check."""
    pages: dict[str, object] = {}

    def page_for(width: str):
        if width not in pages:
            context = chromium.new_context(
                viewport=dict(zip(("width", "height"), WIDTHS[width], strict=True)),
                java_script_enabled=True,
                bypass_csp=True,
            )
            page = context.new_page()
            blank = f"{live_server}/__axe__"
            page.route(
                blank,
                lambda route: route.fulfill(
                    body="<!doctype html><html></html>", content_type="text/html"
                ),
            )
            page.goto(blank)
            page.add_script_tag(path=str(AXE_PATH))
            pages[width] = page
        return pages[width]

    yield page_for
    for page in pages.values():
        page.context.close()


# A UK person's browser, with JavaScript off.
PERSON = {"java_script_enabled": False, "locale": "en-GB", "timezone_id": "Europe/London"}


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def journey(request, chromium, live_server, axe_pages, mailbox):
    """A JavaScript-off browser tab at the test's width, and the steps of a journey."""
    width = request.param
    w, h = WIDTHS[width]
    context = chromium.new_context(
        viewport={"width": w, "height": h}, base_url=live_server, **PERSON
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    name = request.node.originalname.removeprefix("test_")
    trip = Journey(
        page,
        axe_page=axe_pages(width),
        base_url=live_server,
        mailbox=mailbox,
        screenshots=SCREENSHOTS / f"{name}-{width}",
        keep_shots=os.environ.get("CPWEEK_SCREENSHOTS") == "1",
    )
    yield trip
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(f"screenshot of the failure: {trip.shot_of_failure()}")
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Tells the journey fixture whether the test failed, so it keeps a screenshot."""
    report = yield
    if report.when == "call":
        item.report_call = report
    return report
