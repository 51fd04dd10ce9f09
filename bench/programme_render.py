"""Time the programme page of an edition with `--events` events, in process (no server).

    .venv/bin/python bench/programme_render.py                  # 200 events, 30 pages
    .venv/bin/python bench/programme_render.py --save page.html # also keep the page's HTML

Builds the demo data plus the generated edition of bench/serve_pages.py in a temporary SQLite
file, asks for /2040/ `--pages` times through Flask's test client, and prints the median time per
page and the part of it spent rendering the template (and the fastest of each, which a busy
machine disturbs least). `--save` writes the HTML of the last page,
so two versions of the templates can be compared byte for byte.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve_pages import prepare_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--save", type=Path, default=None)
    args = parser.parse_args()

    _, cleanup = prepare_database(None, args.events, registrations=5)
    try:
        from cpweek import create_app
        from cpweek.programme.views import public as views

        app = create_app()
        rendering: list[float] = []
        render_template = views.render_template

        def timed_render(*a, **kw):
            started = time.perf_counter()
            try:
                return render_template(*a, **kw)
            finally:
                rendering.append(time.perf_counter() - started)

        views.render_template = timed_render
        client = app.test_client()
        client.get("/2040/")  # warm up: templates compiled, connections open
        rendering.clear()
        totals = []
        for _ in range(args.pages):
            started = time.perf_counter()
            response = client.get("/2040/")
            totals.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(
            f"programme page, {args.events} events, {args.pages} pages: "
            f"{statistics.median(totals) * 1000:.1f} ms a page, of which rendering "
            f"{statistics.median(rendering) * 1000:.1f} ms (fastest: {min(totals) * 1000:.1f} "
            f"and {min(rendering) * 1000:.1f} ms)"
        )
        if args.save:
            args.save.write_bytes(response.get_data())
    finally:
        cleanup()


if __name__ == "__main__":
    main()
