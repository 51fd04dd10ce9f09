"""Measure how wide every page of the demo is on a phone: does anything scroll sideways?

    .venv/bin/python bench/phone_widths.py                          # a fresh demo database
    .venv/bin/python bench/phone_widths.py --base-url http://127.0.0.1:5000   # a running `make run`
    .venv/bin/python bench/phone_widths.py --screenshots bench/out/phone     # and keep screenshots

WCAG 1.4.10 (Reflow): at 320 CSS px wide (1280 px at 400% zoom) no page may scroll sideways;
a wide table scrolls inside its own region, which must be focusable (tabindex="0") and named
(role="region" with an aria-label), so a keyboard user can scroll it too.

Without --base-url the script makes a fresh SQLite database in a temporary folder, loads the
demo data (`flask db upgrade`, `flask seed-demo`) and serves it with gunicorn on 127.0.0.1.
Then, as nobody and as each demo account in turn, Chromium (Debian's, /usr/bin/chromium;
JavaScript off, like the people we design for) follows every link of the site from the pages
each person starts on (up to --per-endpoint pages per route, query strings dropped), and at each
width in --widths records document.documentElement.scrollWidth against clientWidth. It prints a
table (one line per page, the widest element when a page overflows), lists scrolling regions that
a keyboard cannot reach, and exits 1 when any page is wider than the viewport.
Traffic goes only to 127.0.0.1 and every loop is bounded (--max-pages per person).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from werkzeug.exceptions import HTTPException

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve_pages import start_gunicorn  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# None: signed out; "ama" is the contributor with the 60-character name.
PEOPLE = [None, "attendee", "contributor", "coproducer", "organiser", "admin", "ama"]
# Where each person starts; everything else is found by following links.
START = [
    "/",
    "/account",
    "/account/calendar",
    "/account/access",
    "/involvement/",
    "/proposals/",
    "/manage/",
    "/ledger/",
    "/manage/mail/",
    "/admin/people",
    "/evidence/",
    "/editions",
]
# Not pages: files, feeds, and links that act (there are none on GET, but be safe).
SKIP = re.compile(
    r"(\.(ics|csv|atom|json|pdf|png|jpe?g)$)|^/static/|^/receipts/|/export\.|^/sign-out|^/api/"
)

# Run in the page (Playwright evaluates even with the page's own JavaScript off). Returns the
# page's widths, the element reaching furthest past the right edge, and the scrolling regions a
# keyboard cannot reach (no role="region", name or tabindex="0").
MEASURE = r"""() => {
  const root = document.documentElement, width = root.clientWidth;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = (el) => getComputedStyle(el).overflowX !== 'visible';
  const inside = (el) => {  // inside a box that scrolls or clips by itself: being wide is fine
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (clips(p)) return true;
    }
    return false;
  };
  const describe = (el) => {
    const name = typeof el.className === 'string' ? el.className.trim() : '';
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 30);
    return el.tagName.toLowerCase() + (name ? '.' + name.split(/\s+/).join('.') : '')
      + ' "' + text + '"';
  };
  let widest = null, right = width;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    // Text too long for its box sticks out of it: scrollWidth says how far.
    const edge = clips(el) ? box.right : Math.max(box.right, box.left + el.scrollWidth);
    if (edge <= width + 0.5 || edge < right - 0.5 || inside(el)) continue;
    right = edge;  // on a tie the later (inner) element wins
    widest = describe(el);
  }
  const regions = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!scrolls(el) || el.scrollWidth <= el.clientWidth + 1) continue;
    const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (el.getAttribute('role') !== 'region' || el.getAttribute('tabindex') !== '0' || !named) {
      regions.push(describe(el));
    }
  }
  return {scroll: root.scrollWidth, client: width, widest, regions};
}"""


def serve_demo() -> tuple[str, callable]:
    """A fresh demo database served by gunicorn on 127.0.0.1; returns its address and a stop."""
    folder = tempfile.mkdtemp(prefix="cpweek-phone-")
    env = {
        **os.environ,
        "CPWEEK_ENV": "development",
        "SECRET_KEY": "bench",
        "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite",
        "RATELIMIT_ENABLED": "false",
        "MAIL_OUTBOX": f"{folder}/outbox",
    }
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "app"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    server, port = start_gunicorn(env, workers=2)

    def stop() -> None:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)

    return f"http://127.0.0.1:{port}", stop


def endpoint_of(path: str) -> str:
    """The app's route for a path (so /2025/events/a and /2025/events/b count as one page kind)."""
    from cpweek import create_app

    global _ADAPTER
    if _ADAPTER is None:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )
        _ADAPTER = app.url_map.bind("localhost")
    try:
        return _ADAPTER.match(path, method="GET")[0]
    except HTTPException:  # not one of ours (404) or a redirect: key it by its path
        return path


_ADAPTER = None


def sign_in(page, base: str, who: str) -> None:
    from cpweek.demo import DEMO_PASSWORD

    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", f"{who}@example.org")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form[action^='/sign-in'] [type=submit]")
    if "/sign-in" in page.url:
        raise SystemExit(f"could not sign in as {who}@example.org")


def crawl(context, base: str, who: str | None, args) -> list[dict]:
    """Follow the links a person can see, measuring each page found at every width."""
    page = context.new_page()
    if who:
        sign_in(page, base, who)
    queue, seen, per_endpoint, rows = list(START), set(), Counter(), []
    while queue and len(rows) < args.max_pages:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        endpoint = endpoint_of(path)
        if per_endpoint[endpoint] >= args.per_endpoint:
            continue
        response = page.goto(base + path)
        if response is None or response.status != 200 or urlsplit(page.url).path != path:
            continue  # refused, missing, or a redirect to a page measured on its own
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        per_endpoint[endpoint] += 1
        row = {"who": who or "signed out", "path": path, "widths": {}}
        for width in args.widths:
            page.set_viewport_size({"width": width, "height": 800})
            row["widths"][width] = page.evaluate(MEASURE)
            if args.screenshots:
                name = re.sub(r"[^a-z0-9]+", "-", f"{who or 'anon'}{path}".lower()).strip("-")
                page.screenshot(path=f"{args.screenshots}/{name}-{width}.png", full_page=True)
        rows.append(row)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            if not href.startswith(base):
                continue
            link = urlsplit(href).path
            if link not in seen and not SKIP.search(link):
                queue.append(link)
    page.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=None, help="a running cpweek with the demo data")
    parser.add_argument("--widths", type=int, nargs="+", default=[320, 390])
    parser.add_argument("--per-endpoint", type=int, default=3, help="pages measured per route")
    parser.add_argument("--max-pages", type=int, default=250, help="pages measured per person")
    parser.add_argument("--screenshots", default=None, help="a folder for full-page screenshots")
    parser.add_argument("--only-wide", action="store_true", help="print only pages that overflow")
    args = parser.parse_args()
    if args.screenshots:
        Path(args.screenshots).mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    base, stop = (args.base_url.rstrip("/"), lambda: None) if args.base_url else serve_demo()
    rows: list[dict] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for who in PEOPLE:
                context = browser.new_context(java_script_enabled=False)
                rows += crawl(context, base, who, args)
                context.close()
            browser.close()
    finally:
        stop()

    header = f"{'person':<12} {'page':<58}" + "".join(f" {w:>6}" for w in args.widths)
    print(header + "  widest element when too wide")
    wide = unreachable = 0
    for row in rows:
        too_wide = [m for m in row["widths"].values() if m["scroll"] > m["client"]]
        wide += bool(too_wide)
        regions = {r for m in row["widths"].values() for r in m["regions"]}
        unreachable += bool(regions)
        if args.only_wide and not too_wide and not regions:
            continue
        cells = "".join(
            f" {m['scroll']:>5}{'!' if m['scroll'] > m['client'] else ' '}"
            for m in row["widths"].values()
        )
        note = too_wide[0]["widest"] if too_wide else ""
        if regions:
            note += f" scrolling region without role/name/tabindex: {', '.join(sorted(regions))}"
        print(f"{row['who']:<12} {row['path'][:58]:<58}{cells}  {note}")
    print(
        f"\n{len(rows)} pages measured at {', '.join(map(str, args.widths))} CSS px: "
        f"{wide} wider than the viewport (marked !), {unreachable} with a scrolling region a "
        "keyboard cannot reach."
    )
    sys.exit(1 if wide or unreachable else 0)


if __name__ == "__main__":
    main()
