"""Serve cpweek with gunicorn and measure its public pages.

    .venv/bin/python bench/serve_pages.py                       # SQLite (a fresh file)
    .venv/bin/python bench/serve_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Loads the demo data plus `--events` generated events into one edition of a fresh database
(a temporary SQLite file, or a PostgreSQL schema dropped afterwards), starts gunicorn with
`--workers` workers on 127.0.0.1, and fires `--requests` GETs per page from `--concurrency`
threads. Prints requests per second and p50 / p99 latency for each page and feed (the programme
and the edition feed also answering a client whose copy is current, with a 304), and the edition
feed's 304 as a share of the home page's requests/s (the goal: 80% or more). Then a
registration rush: `--rush-attempts` people (each a GET of the form and a POST with its CSRF
token) for 200 places, `--rush-concurrency` at a time; it fails unless exactly 200 are
confirmed. Traffic goes only to 127.0.0.1 and every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
RUSH_PLACES = 200  # places at the rush event
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    """gunicorn serving the app on a free port of 127.0.0.1, once it accepts connections."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "app:app",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def prepare_database(
    url: str | None, events: int, editions: int = 1, registrations: int = 0
) -> tuple[dict, callable]:
    """Environment for the app, and a function that removes the database afterwards."""
    from sqlalchemy import create_engine, text

    env: dict[str, str] = {}
    if url:
        schema = f"cpweek_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in url else "?"
        env["DATABASE_URL"] = f"{url}{sep}options=-csearch_path%3D{schema}"

        def cleanup():
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        folder = tempfile.mkdtemp(prefix="cpweek-bench-")
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite"

        def cleanup():
            for file in Path(folder).glob("*"):
                file.unlink()
            os.rmdir(folder)

    env.update(
        CPWEEK_ENV="development",
        SECRET_KEY="bench",
        RATELIMIT_ENABLED="false",
        PASSWORD_HASH_METHOD="scrypt:1024:8:1",
        MAIL_OUTBOX=tempfile.mkdtemp(),
    )
    os.environ.update(env)
    from flask_migrate import upgrade

    from cpweek import create_app
    from cpweek.demo import seed_demo
    from cpweek.extensions import db
    from cpweek.programme.models import Edition, Event, Registration
    from cpweek.timezones import from_local

    app = create_app()
    with app.app_context():
        upgrade()
        seed_demo()
        # `editions` generated years (2040, 2041, ...), each with `events` events holding
        # `registrations` confirmed registrations; the pages measured are 2040's.
        for offset in range(editions):
            year = 2040 + offset
            generated = Edition(
                year=year,
                theme="Benchmark week",
                summary="Generated.",
                starts_on=datetime(year, 7, 2).date(),
                ends_on=datetime(year, 7, 6).date(),
                status="published",
            )
            db.session.add(generated)
            db.session.flush()
            if offset == 0:
                edition = generated  # the rush event and the feed reader's events live here
            first = datetime(year, 7, 2, 9, 0)
            made = []
            for number in range(events):
                starts = first + timedelta(days=number % 5, minutes=15 * (number % 32))
                made.append(
                    Event(
                        edition_id=generated.id,
                        slug=f"event-{number}",
                        title=f"Generated event {number}",
                        kind="webinar",
                        format="online",
                        summary="A generated event for the benchmark.",
                        starts_at=from_local(starts),
                        ends_at=from_local(starts + timedelta(minutes=45)),
                        status="published",
                        capacity=max(100, registrations),
                    )
                )
            db.session.add_all(made)
            db.session.flush()
            db.session.add_all(
                Registration(
                    event_id=event.id,
                    status="confirmed",
                    name=f"Person {n}",
                    access_needs=["live_captions"] if n % 7 == 0 else [],
                )
                for event in made
                for n in range(registrations)
            )
        db.session.add(
            Event(
                edition_id=edition.id,
                slug="rush",
                title="The rush",
                kind="conference",
                format="online",
                summary="200 places.",
                starts_at=from_local(datetime(2040, 7, 3, 10)),
                ends_at=from_local(datetime(2040, 7, 3, 16)),
                status="published",
                capacity=RUSH_PLACES,
            )
        )
        db.session.commit()
        # A person with a place at 20 events and a calendar feed.
        from cpweek.auth.models import User
        from cpweek.programme import services

        person = User(email="feed@example.org", name="Feed Reader")
        db.session.add(person)
        db.session.commit()
        for event in db.session.scalars(
            select(Event).where(Event.edition_id == edition.id).limit(20)
        ):
            services.register(
                event, services.Applicant(name="Feed Reader", email=None), person=person
            )
        env["FEED_TOKEN"] = services.calendar_token_for(person)
        db.session.commit()  # services flush; the caller commits (a feed of 20 events, not a 404)
    return env, cleanup


def rush(port: int, attempts: int, concurrency: int) -> dict:
    """`attempts` people register for the rush event at once, each with a form and its token."""
    token_re = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def one(number: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/2040/events/rush")
        page = connection.getresponse()
        body = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
        token = token_re.search(body).group(1)
        form = urlencode(
            {
                "csrf_token": token,
                "name": f"Rusher {number}",
                "email": f"rusher{number}@example.org",
            }
        )
        started = time.perf_counter()
        connection.request(
            "POST",
            "/2040/events/rush",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        )
        response = connection.getresponse()
        response.read()
        connection.close()
        return time.perf_counter() - started, response.status

    return run_concurrently(one, attempts, concurrency)


def count_rush(env: dict) -> dict[str, int]:
    from sqlalchemy import func

    from cpweek import create_app
    from cpweek.extensions import db
    from cpweek.programme.models import Event, Registration

    app = create_app()
    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == "rush"))
        rows = db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        ).all()
        db.engine.dispose()
    return dict(rows)


def etag_of(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.getheader("ETag")


def measure(port: int, path: str, requests: int, concurrency: int, headers=None) -> dict:
    def one(_):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        connection.close()
        return time.perf_counter() - started, response.status

    return run_concurrently(one, requests, concurrency)


def run_concurrently(one, count: int, concurrency: int) -> dict:
    """Call one(n) for n in range(count) from `concurrency` threads; each returns (seconds,
    status). Requests/s, p50 and p99 in ms, and how many of each status."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds for seconds, _ in results)
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "rps": count / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--events", type=int, default=300, help="events per generated edition")
    parser.add_argument("--editions", type=int, default=1, help="generated editions")
    parser.add_argument(
        "--registrations", type=int, default=20, help="confirmed registrations per event"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rush-attempts", type=int, default=1000)
    parser.add_argument("--rush-concurrency", type=int, default=32)
    args = parser.parse_args()

    env, cleanup = prepare_database(
        args.database_url, args.events, args.editions, args.registrations
    )
    server, port = start_gunicorn(env, args.workers)
    try:
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"cpweek pages on {database}, gunicorn -w {args.workers}, "
            f"{args.requests} requests per page, {args.concurrency} at a time"
        )
        print(f"{'page':<46} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        rates = {}
        pages = [
            ("home", "/"),
            (f"programme, {args.events} events", "/2040/"),
            ("programme, 2025 demo edition", "/2025/"),
            ("event page", "/2040/events/event-7"),
            ("sign-in form", "/sign-in"),
        ]
        programme = {"If-None-Match": etag_of(port, "/2040/")}
        feed = {"If-None-Match": etag_of(port, "/2040/calendar.ics")}
        pages += [
            (f"programme, {args.events} events, unchanged (304)", "/2040/", programme, 304),
            (f"edition feed, {args.events} events (200)", "/2040/calendar.ics", None, 200),
            ("edition feed, unchanged (304)", "/2040/calendar.ics", feed, 304),
            ("personal feed, 20 events", f"/calendar/{env['FEED_TOKEN']}.ics", None, 200),
        ]
        for label, path, *rest in pages:
            headers, expected = rest if rest else (None, 200)
            measure(port, path, 20, 2, headers)  # warm up each worker
            result = measure(port, path, args.requests, args.concurrency, headers)
            assert set(result["statuses"]) == {expected}, result["statuses"]
            rates[label] = result["rps"]
            print(f"{label:<46} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p99']:>8.1f}")
        share = rates["edition feed, unchanged (304)"] / rates["home"]
        print(
            f"edition feed's 304 at {share:.0%} of the home page's requests/s (goal: 80% or more)"
        )
        result = rush(port, args.rush_attempts, args.rush_concurrency)
        counts = count_rush(env)
        print(
            f"registration rush: {args.rush_attempts} attempts for {RUSH_PLACES} places, "
            f"{args.rush_concurrency} at a time: {result['rps']:.1f} registrations/s, "
            f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms; "
            f"responses {result['statuses']}"
        )
        confirmed = counts.get("confirmed", 0)
        print(
            f"  confirmed {confirmed}, waiting {counts.get('waitlisted', 0)}: "
            + ("no place oversold" if confirmed == RUSH_PLACES else "OVERSOLD OR UNDERFILLED")
        )
        assert confirmed == RUSH_PLACES and sum(counts.values()) == args.rush_attempts
    finally:
        server.terminate()
        server.wait(timeout=30)
        cleanup()


if __name__ == "__main__":
    main()
