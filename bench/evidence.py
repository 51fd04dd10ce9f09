"""Measure the evidence room at 50,000 items.

    .venv/bin/python bench/evidence.py                      # SQLite (a fresh file)
    .venv/bin/python bench/evidence.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Builds a fresh database (a temporary SQLite file; or, with --database-url, the database
`cpweek_bench_evidence` on that PostgreSQL server, dropped at the end), migrates it, installs the
default vocabularies and bulk-loads `--items` included items into one collection: titles of 8-16
words and summaries of 80-200 words from a fixed vocabulary of social-care words, 1-4 authors, a
publisher, every facet populated (7-8 terms each). Core inserts in batches; the full-text index
fills itself (SQLite: the FTS5 triggers; PostgreSQL: the generated tsvector column).

Then gunicorn (`--workers`, 4 by default) on 127.0.0.1 serves, `--requests` GETs each,
`--concurrency` (8) at a time:

- a search with two facets: /evidence/<slug>/?q=carers&topic=unpaid-carers&dimension=ethnicity
- the collection page with no query (a page of facet counts): /evidence/<slug>/
- the gap map: /evidence/<slug>/map
- an item page: /evidence/<slug>/items/<id> (50 different items in turn)

It prints requests/s, p50 and p95 with the status codes seen, and PASS/FAIL against the issue's
goals (on PostgreSQL: search with facets p95 under 100 ms; the gap map p95 under 150 ms). A page
that does not answer 200 is reported and the run goes on; the exit status is 0 either way.
Traffic goes only to 127.0.0.1 and every loop is bounded.
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
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve_pages import start_gunicorn  # noqa: E402

BENCH_DATABASE = "cpweek_bench_evidence"
SLUG = "bench-hub"
BATCH = 2_000
GOALS = {"search": 100.0, "map": 150.0}  # p95 in ms, stated for PostgreSQL

_WORDS = (
    "care support carers unpaid people access equity inequality outcomes experience services "
    "local authority council commissioning home residential nursing community day direct "
    "payments personal budget assessment review eligibility needs wellbeing independence choice "
    "control dignity respect disabled disability older younger adults family families ethnicity "
    "minoritised communities language interpreter rural coastal urban deprivation poverty income "
    "charging funding workforce staff workers pay training retention recruitment agency "
    "co-production involvement lived experience voice partnership steering group evaluation "
    "study survey interviews qualitative quantitative data analysis evidence findings report "
    "policy practice guidance hospital discharge safeguarding mental health loneliness isolation "
    "housing adaptations technology digital exclusion online remote monitoring transport "
    "distance waiting times unmet need barriers enablers trust culture faith gender women men "
    "sexual orientation LGBT trans age dementia learning autism sensory hearing sight physical "
    "respite breaks advocacy information advice navigation prevention early help integrated "
    "health NHS primary GP pathways quality inspection regulation market providers contracts "
    "outcomes-based fairness barriers understanding awareness stigma discrimination racism"
)
WORDS = _WORDS.split()
_SURNAMES = "Ahmed Brown Chen Davies Evans Fraser Green Hussain Iqbal Jones Khan Lewis Morgan"
SURNAMES = _SURNAMES.split()
INITIALS = "ABCDEFGHJKLMNPRST"
PUBLISHERS = [
    "Example Research Centre",
    "Example Institute for Care Equity",
    "Example University Social Care Unit",
    "Example Carers' Network",
    "Example Council Insight Team",
    "Example Health and Care Trust",
]


def prepare_database(url: str | None) -> tuple[dict, callable]:
    """Environment for the app and gunicorn, and a function that removes the database."""
    from sqlalchemy import create_engine, make_url, text

    env: dict[str, str] = {
        "CPWEEK_ENV": "development",
        "SECRET_KEY": "bench",
        "RATELIMIT_ENABLED": "false",
        "MAIL_OUTBOX": tempfile.mkdtemp(prefix="cpweek-bench-mail-"),
    }
    if url:
        server = make_url(url).set(drivername="postgresql+psycopg")
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
        env["DATABASE_URL"] = server.set(database=BENCH_DATABASE).render_as_string(
            hide_password=False
        )

        def cleanup() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
            admin.dispose()
            shutil.rmtree(env["MAIL_OUTBOX"], ignore_errors=True)
    else:
        folder = tempfile.mkdtemp(prefix="cpweek-bench-evidence-")
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite"

        def cleanup() -> None:
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(env["MAIL_OUTBOX"], ignore_errors=True)

    os.environ.update(env)
    return env, cleanup


def words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def load(items: int, seed: int = 2026) -> tuple[list[int], float]:
    """Migrate, install the vocabularies and bulk-load the items; their ids and the seconds."""
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select, text

    from cpweek import create_app
    from cpweek.evidence.models import (
        EvidenceCollection,
        EvidenceItem,
        EvidenceItemTerm,
        Vocabulary,
    )
    from cpweek.evidence.services.vocabularies import all_terms, install_default_vocabularies
    from cpweek.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        install_default_vocabularies()
        collection = EvidenceCollection(
            slug=SLUG,
            title="Benchmark evidence hub",
            theme="Care equity",
            introduction="Generated items for the benchmark.",
        )
        db.session.add(collection)
        db.session.commit()
        terms = {v: [t.id for t in found] for v, found in all_terms().items()}
        rng = random.Random(seed)  # noqa: S311 - made-up text, not secrets
        first_id = (db.session.scalar(select(func.max(EvidenceItem.id))) or 0) + 1
        started = time.perf_counter()
        now = datetime.now(UTC)
        for start in range(0, items, BATCH):
            item_rows, term_rows = [], []
            for n in range(start, min(start + BATCH, items)):
                item_id = first_id + n
                title = words(rng, 8, 16)
                item_rows.append(
                    {
                        "id": item_id,
                        "collection_id": collection.id,
                        "title": title[:1].upper() + title[1:],
                        "summary": words(rng, 80, 200) + ".",
                        "easy_read": "",
                        "publisher": rng.choice(PUBLISHERS),
                        "authors": "\n".join(
                            f"{rng.choice(SURNAMES)}, {rng.choice(INITIALS)}."
                            for _ in range(rng.randint(1, 4))
                        ),
                        "url": f"https://example.org/bench/{item_id}",
                        "doi": "",
                        "published_year": rng.randint(2005, 2026),
                        "status": "included",
                        "exclusion_reason": "",
                        "source": "import",
                        "illustrative": True,
                        "created_at": now,
                        "updated_at": now,
                        "included_at": now - timedelta(minutes=n),
                        "reviewed_at": now - timedelta(minutes=n),
                    }
                )
                chosen: set[tuple[str, int]] = set()
                for vocabulary in Vocabulary:  # every facet populated
                    chosen.add((vocabulary.value, rng.choice(terms[vocabulary.value])))
                extra = rng.choice((Vocabulary.TOPIC, Vocabulary.DIMENSION, None))
                if extra is not None:  # a second topic or dimension for two items in three
                    chosen.add((extra.value, rng.choice(terms[extra.value])))
                term_rows.extend(
                    {"item_id": item_id, "term_id": term_id, "vocabulary": vocabulary}
                    for vocabulary, term_id in chosen
                )
            db.session.execute(insert(EvidenceItem.__table__), item_rows)
            db.session.execute(insert(EvidenceItemTerm.__table__), term_rows)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('evidence_items', 'id'), "
                    "(SELECT max(id) FROM evidence_items))"
                )
            )
        db.session.commit()
        db.session.execute(text("ANALYZE"))  # the planner's statistics, as after a real load
        db.session.commit()
        elapsed = time.perf_counter() - started
        db.engine.dispose()
    return list(range(first_id, first_id + items)), elapsed


def measure(port: int, paths: list[str], requests: int, concurrency: int) -> dict:
    """GET paths[n % len(paths)] for n in range(requests), `concurrency` at a time."""

    def one(n: int) -> tuple[float, int]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request("GET", paths[n % len(paths)])
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            status = 0  # no answer: counted, never retried
        finally:
            connection.close()
        return time.perf_counter() - started, status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    latencies = sorted(seconds * 1000 for seconds, _ in results)
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "rps": requests / elapsed,
        "p50": statistics.median(latencies),
        "p95": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))],
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server (the database cpweek_bench_evidence is made there); "
        "SQLite when absent",
    )
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200, help="GETs per page")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    args.items = max(1, min(args.items, 500_000))
    args.requests = max(1, min(args.requests, 10_000))

    env, cleanup = prepare_database(args.database_url)
    server = None
    try:
        ids, seconds = load(args.items)
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"cpweek evidence on {database}: {args.items:,} included items loaded in "
            f"{seconds:.1f} s ({args.items / seconds:,.0f} items/s); gunicorn -w {args.workers}, "
            f"{args.requests} requests per page, {args.concurrency} at a time"
        )
        server, port = start_gunicorn(env, args.workers)
        step = max(1, len(ids) // 50)
        pages = [
            (
                "search, two facets",
                "search",
                [f"/evidence/{SLUG}/?q=carers&topic=unpaid-carers&dimension=ethnicity"],
            ),
            ("collection page (facet counts)", None, [f"/evidence/{SLUG}/"]),
            ("gap map", "map", [f"/evidence/{SLUG}/map"]),
            (
                "item page (50 items in turn)",
                None,
                [f"/evidence/{SLUG}/items/{i}" for i in ids[::step][:50]],
            ),
        ]
        print(f"{'page':<32} {'statuses':<14} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  goal (p95)")
        for label, goal_key, paths in pages:
            measure(port, paths, 2 * args.workers, 2)  # warm each worker up
            result = measure(port, paths, args.requests, args.concurrency)
            statuses = ",".join(f"{s}x{n}" for s, n in sorted(result["statuses"].items()))
            verdict = ""
            if goal_key:
                goal = GOALS[goal_key]
                if set(result["statuses"]) != {200}:
                    verdict = f"< {goal:.0f} ms: not judged (not all 200)"
                else:
                    passed = "PASS" if result["p95"] < goal else "FAIL"
                    note = "" if args.database_url else " (goal stated for PostgreSQL)"
                    verdict = f"< {goal:.0f} ms: {passed}{note}"
            print(
                f"{label:<32} {statuses:<14} {result['rps']:>8.1f} {result['p50']:>8.1f} "
                f"{result['p95']:>8.1f}  {verdict}"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=15)
        cleanup()


if __name__ == "__main__":
    main()
