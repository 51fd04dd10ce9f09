"""Measure the resources room at 10,000 resources.

    .venv/bin/python bench/resources.py                       # SQLite (a fresh file)
    .venv/bin/python bench/resources.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Builds a fresh database (a temporary SQLite file, or a schema of its own on the PostgreSQL
server, dropped afterwards), migrated, with the demo data, then bulk-loads `--resources`
published resources spread over the demo's editions and every kind but podcast episodes: titles
of 6-12 and summaries of 40-100 social-care words (bench/evidence.py's vocabulary), 1-3 topics,
an event for one in five, `--credits` credits and `--formats` formats each (a stored PDF, a
link, and a plain-summary PDF; every file row names the same small stored PDF, so nothing
dangles), a plain-English summary for reports and a transcript and captions for recordings.
Then one podcast of `--episodes` episodes, each with its own small MP3 stored through
`cpweek.files`, and one 50 MB MP3 (`--audio-mb`) as the last episode's audio. Core inserts in
batches; the full-text index fills itself (SQLite: FTS5 triggers; PostgreSQL: the generated
tsvector column). Files go to a temporary folder (CPWEEK_FILES_DIR), removed at the end, the
50 MB file first through `cpweek.files.remove_stored`.

gunicorn (`--workers`, 2) on 127.0.0.1 then serves `--requests` GETs of each, `--concurrency`
(8) at a time, after a warm-up of 20:

- the library with no query (a page of facet counts over every resource): /resources
- a search with facets: /resources?q=care&kind=report&topic=co-production&year=2025
- a resource page with its credits and formats (50 different resources in turn)
- the podcast feed, 200, and 304 with If-None-Match
- a ranged request for the 50 MB audio file: Range: bytes=10000000-10999999 (206, 1 MB)

It prints requests/s, p50 and p95 in ms and the status codes seen, with the machine's load
average before and after (other work on the machine slows every figure); a page that answers
otherwise than expected is reported and the run goes on. Traffic goes only to 127.0.0.1 and
every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from evidence import SURNAMES, WORDS  # noqa: E402
from serve_pages import start_gunicorn  # noqa: E402

BATCH = 2_000
RANGE = "bytes=10000000-10999999"
SEARCH = "/resources?q=care&kind=report&topic=co-production&year=2025"


def prepare_database(url: str | None) -> tuple[dict, callable]:
    """Environment for the app and gunicorn, and a function that removes the database and the
    stored files afterwards."""
    from sqlalchemy import create_engine, make_url, text

    files = tempfile.mkdtemp(prefix="cpweek-bench-files-")
    env: dict[str, str] = {
        "CPWEEK_ENV": "development",
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": "false",
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "MAIL_OUTBOX": tempfile.mkdtemp(prefix="cpweek-bench-mail-"),
        "CPWEEK_FILES_DIR": files,
    }
    if url:
        server = make_url(url).set(drivername="postgresql+psycopg")
        schema = f"cpweek_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        rendered = server.render_as_string(hide_password=False)
        sep = "&" if "?" in rendered else "?"
        env["DATABASE_URL"] = f"{rendered}{sep}options=-csearch_path%3D{schema}"

        def drop_database() -> None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        folder = tempfile.mkdtemp(prefix="cpweek-bench-resources-")
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite"

        def drop_database() -> None:
            shutil.rmtree(folder, ignore_errors=True)

    def cleanup() -> None:
        drop_database()
        shutil.rmtree(files, ignore_errors=True)
        shutil.rmtree(env["MAIL_OUTBOX"], ignore_errors=True)

    os.environ.update(env)
    return env, cleanup


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def build(resources: int, credits: int, formats: int, episodes: int, audio_mb: int) -> dict:
    """Load the demo and the generated resources; returns what the measurements ask for."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from cpweek import create_app
    from cpweek.demo import seed_demo
    from cpweek.demo.tiny_files import tiny_pdf
    from cpweek.evidence.models import EvidenceTerm
    from cpweek.extensions import db
    from cpweek.files import FileKind, store_bytes
    from cpweek.programme.models import Edition, Event
    from cpweek.resources.models import (
        Credit,
        CreditRole,
        FormatRole,
        Resource,
        ResourceEvent,
        ResourceFormat,
        ResourceKind,
        ResourceTerm,
    )

    rng = random.Random(13)  # noqa: S311 - made-up text, not secrets
    app = create_app()
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        editions = dict(db.session.execute(select(Edition.year, Edition.id)).all())
        events_by_edition: dict[int, list[int]] = {}
        for event_id, edition_id in db.session.execute(select(Event.id, Event.edition_id)):
            events_by_edition.setdefault(edition_id, []).append(event_id)
        topics = list(
            db.session.scalars(select(EvidenceTerm.id).where(EvidenceTerm.vocabulary == "topic"))
        )
        pdf = store_bytes(
            tiny_pdf("Benchmark resource", ["A generated file."]),
            "resource.pdf",
            [FileKind.DOCUMENT],
            folder="bench",
        )
        kinds = [k.value for k in ResourceKind if k is not ResourceKind.PODCAST]
        years = sorted(year for year in editions if year <= 2026)
        roles = [r.value for r in CreditRole]
        started = time.perf_counter()
        for first in range(0, resources, BATCH):
            numbers = range(first, min(first + BATCH, resources))
            rows = []
            for n in numbers:
                kind = kinds[n % len(kinds)]
                year = years[n % len(years)]
                day = date(year, 7, 1) + timedelta(days=n % 120)
                rows.append(
                    {
                        "slug": f"bench-{n}",
                        "title": _words(rng, 6, 12).capitalize(),
                        "summary": _words(rng, 40, 100).capitalize() + ".",
                        "kind": kind,
                        "status": "published",
                        "licence": "CC-BY-4.0",
                        "edition_id": editions[year],
                        "published_on": day,
                        "published_at": datetime(year, 7, 1, 9, tzinfo=UTC)
                        + timedelta(days=n % 120),
                        "plain_summary": _words(rng, 30, 60) if kind == "report" else "",
                        "transcript": _words(rng, 80, 160) if kind == "recording" else "",
                        "captions_by_host": kind == "recording",
                        "duration_seconds": 3600 if kind == "recording" else None,
                        "illustrative": True,
                    }
                )
            db.session.execute(insert(Resource), rows)
            ids = dict(
                db.session.execute(
                    select(Resource.slug, Resource.id).where(
                        Resource.slug.in_([row["slug"] for row in rows])
                    )
                ).all()
            )
            terms, links, made, files = [], [], [], []
            for row in rows:
                resource_id = ids[row["slug"]]
                for term in rng.sample(topics, rng.randint(1, 3)):
                    terms.append({"resource_id": resource_id, "term_id": term})
                choices = events_by_edition.get(row["edition_id"], [])
                if choices and resource_id % 5 == 0:
                    links.append({"resource_id": resource_id, "event_id": rng.choice(choices)})
                for position in range(credits):
                    made.append(
                        {
                            "resource_id": resource_id,
                            "role": roles[position % len(roles)],
                            "name": f"{rng.choice('ABCDEFGHJKLMNPRST')}. {rng.choice(SURNAMES)}",
                            "consent_note": "Generated for the benchmark",
                            "position": position,
                        }
                    )
                for position in range(formats):
                    role, is_link = [
                        (FormatRole.MAIN.value, False),
                        (FormatRole.ALTERNATIVE.value, True),
                        (FormatRole.PLAIN_SUMMARY.value, False),
                    ][position % 3]
                    files.append(
                        {
                            "resource_id": resource_id,
                            "role": role,
                            "label": "On the publisher's site" if is_link else "PDF",
                            "position": position,
                            "url": f"https://example.org/r/{resource_id}" if is_link else "",
                            "storage_key": "" if is_link else pdf.key,
                            "filename": "" if is_link else pdf.filename,
                            "media_type": "" if is_link else pdf.media_type,
                            "size_bytes": None if is_link else pdf.size,
                        }
                    )
            for model, batch in (
                (ResourceTerm, terms),
                (ResourceEvent, links),
                (Credit, made),
                (ResourceFormat, files),
            ):
                if batch:
                    db.session.execute(insert(model), batch)
            db.session.commit()
        loaded = time.perf_counter() - started
        big = _podcast(episodes, audio_mb, editions[max(years)])
        db.session.commit()
        print(
            f"loaded {resources:,} resources ({credits} credits, {formats} formats each) in "
            f"{loaded:.0f} s, and a podcast of {episodes} episodes with a {audio_mb} MB episode"
        )
        db.engine.dispose()
    return big


def _podcast(episodes: int, audio_mb: int, edition_id: int) -> dict:
    """`episodes` podcast episodes with a small stored MP3 each, the last one with the big file
    instead: where the ranged request goes."""
    from cpweek.extensions import db
    from cpweek.files import FileKind, samples, store_bytes
    from cpweek.resources.models import FormatRole, Resource, ResourceFormat

    for number in range(1, episodes + 1):
        title = f"Benchmark podcast, episode {number}"
        audio, seconds = samples.mp3(5), 5
        if number == episodes:  # the same silence, to `audio_mb` MB (about 26 ms a frame)
            audio = samples.mp3(size=audio_mb * 1024 * 1024)
            seconds = round(len(audio) / 417 * 1152 / 44100)
        resource = Resource(
            slug=f"bench-episode-{number}",
            title=title,
            summary="A generated episode for the benchmark.",
            kind="podcast",
            status="published",
            licence="CC-BY-4.0",
            edition_id=edition_id,
            published_on=date(2026, 1, 1) + timedelta(days=number),
            published_at=datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(days=number),
            transcript=f"A generated transcript of episode {number}.",
            duration_seconds=seconds,
            episode=number,
            illustrative=True,
        )
        db.session.add(resource)
        db.session.flush()
        stored = store_bytes(
            audio, f"episode-{number}.mp3", [FileKind.AUDIO], folder=f"resources/{resource.id}"
        )
        row = ResourceFormat(
            resource_id=resource.id,
            role=FormatRole.MAIN.value,
            label="Listen (MP3)",
            storage_key=stored.key,
            filename=stored.filename,
            media_type=stored.media_type,
            size_bytes=stored.size,
        )
        db.session.add(row)
        db.session.flush()
    return {
        "key": stored.key,
        "size": stored.size,
        "path": f"/resources/{resource.slug}/files/{row.id}/{stored.filename}",
    }


def remove_big_file(key: str) -> None:
    from cpweek import create_app
    from cpweek.extensions import db
    from cpweek.files import remove_stored, stored_size

    app = create_app()
    with app.app_context():
        remove_stored(key)
        db.session.commit()  # a removal takes effect when its unit of work commits
        gone = stored_size(key) is None
        db.engine.dispose()
    print(f"the {key} file removed: {'yes' if gone else 'NO'}")


def etag_of(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.getheader("ETag") or ""


def measure(port: int, paths: list[str], count: int, concurrency: int, headers=None) -> dict:
    """GET paths in turn, `count` times, `concurrency` at a time: requests/s, p50 and p95 in
    ms, the status codes seen and the smallest and largest body."""

    def one(number: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        connection.request("GET", paths[number % len(paths)], headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return time.perf_counter() - started, response.status, len(body)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(count)))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds for seconds, _, _ in results)
    statuses: dict[int, int] = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "rps": count / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] * 1000,
        "statuses": statuses,
        "bytes": (min(r[2] for r in results), max(r[2] for r in results)),
    }


def load_average() -> str:
    """The machine's load beside its CPUs: figures from a busy machine are read as such."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--credits", type=int, default=3, help="credits per resource")
    parser.add_argument("--formats", type=int, default=3, help="formats per resource")
    parser.add_argument("--episodes", type=int, default=50)
    parser.add_argument("--audio-mb", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    env, cleanup = prepare_database(args.database_url)
    server = None
    big = None
    try:
        big = build(args.resources, args.credits, args.formats, args.episodes, args.audio_mb)
        server, port = start_gunicorn(env, args.workers)
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"cpweek resources on {database}, {args.resources:,} resources, gunicorn -w "
            f"{args.workers}, {args.requests} requests each, {args.concurrency} at a time; "
            f"{load_average()}"
        )
        pages = [
            ("library, no query (facet counts)", ["/resources"], None, 200),
            ("library search with facets", [SEARCH], None, 200),
            (
                "resource page (3 credits, 3 formats)",
                [f"/resources/bench-{n}" for n in range(0, args.resources, args.resources // 50)],
                None,
                200,
            ),
            ("podcast feed (200)", ["/resources/podcast.xml"], None, 200),
            (
                "podcast feed, unchanged (304)",
                ["/resources/podcast.xml"],
                {"If-None-Match": etag_of(port, "/resources/podcast.xml")},
                304,
            ),
            (f"{args.audio_mb} MB audio, {RANGE}", [big["path"]], {"Range": RANGE}, 206),
        ]
        print(f"{'request':<44} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  statuses")
        for label, paths, headers, expected in pages:
            measure(port, paths, 20, 2, headers)  # warm up each worker
            result = measure(port, paths, args.requests, args.concurrency, headers)
            seen = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items()))
            flag = "" if set(result["statuses"]) == {expected} else f"  (expected {expected})"
            print(
                f"{label:<44} {result['rps']:>8.1f} {result['p50']:>8.1f} "
                f"{result['p95']:>8.1f}  {seen}{flag}"
            )
            if expected == 206 and result["bytes"] != (1_000_000, 1_000_000):
                print(f"  ranged bodies of {result['bytes']} bytes, not 1,000,000")
        print(f"at the end: {load_average()}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        try:
            if big is not None:
                remove_big_file(big["key"])
        finally:
            cleanup()


if __name__ == "__main__":
    main()
