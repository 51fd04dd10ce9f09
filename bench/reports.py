"""Measure the reports room at 50,000 registrations, 20,000 feedback responses and 30,000
equality answers over four editions.

    .venv/bin/python bench/reports.py                       # SQLite (a fresh file)
    .venv/bin/python bench/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Builds a fresh database (a temporary SQLite file, or a schema of its own on the PostgreSQL
server, dropped afterwards), migrated, with the demo data (which adopts four outcome measures
for 2025 and 2026 and holds their feedback and equality answers), then adopts four bank
measures for 2022 and 2024 through `reports.services.outcomes` (the demo organiser proposes,
the demo co-producer agrees) and bulk-loads, over the demo's 2022, 2024, 2025 and 2026
editions and their events:

- `--registrations` registrations (mostly attended or confirmed, some waitlisted or cancelled,
  one in seven with an access need);
- `--responses` anonymous feedback responses with an answer to most adopted measures, the
  overall question and free text on about a third; `--busy` of them go to the 2025 conference,
  whose results page is measured, the rest spread over the other events;
- `--equality` equality answers at every stage (`Stage`), the options drawn with the demo's
  weights (`cpweek.demo.impact`).

Core inserts in batches. gunicorn (`--workers`, 2) on 127.0.0.1 then serves `--requests` GETs of
each page in `PAGES`, `--concurrency` (8) at a time, after a warm-up of 20; organisers' pages
with the demo organiser's signed-in session. It prints requests/s, p50 and p95 in ms and the
status codes seen, with the machine's load average before and after; a page that answers
otherwise than 200 is reported and the run goes on. Traffic goes only to 127.0.0.1 and every
loop is bounded.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ledger import Session  # noqa: E402
from resources import load_average, measure, prepare_database  # noqa: E402
from serve_pages import start_gunicorn  # noqa: E402

BATCH = 5_000
YEARS = (2022, 2024, 2025, 2026)
BUSY_EVENT = "innovation-conference-2025"  # its results page is the one measured
EXTRA_MEASURES = {
    2022: ("confidence", "wellbeing", "motivation", "practice_and_design"),
    2024: ("empowerment", "trust_in_services", "practice", "staff_trust"),
}

# The pages measured: (label, path, signed in as the demo organiser?). Paths may use
# {busy_event} (the 2025 conference's id). Add the reports room's pages here as they are built
# (the organiser dashboard, the public impact report, the stage comparison).
PAGES: list[tuple[str, str, bool]] = [
    (
        "feedback results of an event ({busy} responses)",
        "/manage/events/{busy_event}/feedback",
        True,
    ),
    ("outcome measures, 2026", "/manage/2026/outcomes", True),
    ("outcome measures, 2025", "/manage/2025/outcomes", True),
    ("organisers' impact report (dashboard), 2026", "/manage/2026/impact", True),
    ("public impact report, 2026", "/2026/impact", False),
    ("impact report as CSV, 2026", "/2026/impact.csv", False),
    ("who takes part: stages by ethnic group, 2026", "/2026/who-takes-part", False),
    (
        "who takes part: stages by long-term condition, organisers",
        "/manage/2026/who-takes-part?characteristic=long_condition",
        True,
    ),
]


def _adopt_extra_measures() -> None:
    from sqlalchemy import select

    from cpweek.auth.models import User
    from cpweek.extensions import db
    from cpweek.programme.models import Edition
    from cpweek.reports.services import outcomes

    organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
    co_producer = db.session.scalar(select(User).where(User.email == "coproducer@example.org"))
    for year, keys in EXTRA_MEASURES.items():
        edition = db.session.scalar(select(Edition).where(Edition.year == year))
        for key in keys:
            measure = outcomes.propose_from_bank(edition, key, organiser)
            outcomes.agree(measure, co_producer)
    db.session.commit()


def _registrations(rng: random.Random, count: int, events: list, now: datetime) -> None:
    from sqlalchemy import insert

    from cpweek.extensions import db
    from cpweek.programme.models import Registration

    statuses = ("attended", "confirmed", "waitlisted", "cancelled")
    for first in range(0, count, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, count)):
            event = events[n % len(events)]
            status = rng.choices(statuses, weights=(55, 30, 8, 7))[0]
            made = event.starts_at - timedelta(days=rng.randint(1, 60))
            rows.append(
                {
                    "event_id": event.id,
                    "status": status,
                    "source": "self",
                    "name": f"Person {n}",
                    "access_needs": ["live_captions"] if n % 7 == 0 else [],
                    "checked_in_at": event.starts_at if status == "attended" else None,
                    "queued_at": made,
                    "confirmed_at": made if status in ("attended", "confirmed") else None,
                    "cancelled_at": made + timedelta(days=1) if status == "cancelled" else None,
                    "created_at": made,
                    "updated_at": now,
                }
            )
        db.session.execute(insert(Registration), rows)
        db.session.commit()


def _responses(rng: random.Random, count: int, busy: int, events: list, measures: dict) -> None:
    from sqlalchemy import func, insert, select

    from cpweek.demo.impact_texts import COULD_BE_BETTER, WHAT_WORKED
    from cpweek.extensions import db
    from cpweek.reports.feedback_models import FeedbackAnswer, FeedbackResponse

    busy_event = next(event for event in events if event.slug == BUSY_EVENT)
    others = [event for event in events if event.id != busy_event.id]
    sources = ("online", "phone", "paper")
    for first in range(0, count, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, count)):
            event = busy_event if n < busy else others[n % len(others)]
            rows.append(
                {
                    "event_id": event.id,
                    "edition_id": event.edition_id,
                    "overall": rng.choices(range(1, 6), weights=(3, 6, 24, 40, 27))[0],
                    "what_worked": rng.choice(WHAT_WORKED) if rng.random() < 0.3 else "",
                    "could_be_better": rng.choice(COULD_BE_BETTER) if rng.random() < 0.2 else "",
                    "source": rng.choices(sources, weights=(84, 9, 7))[0],
                    "easy_read": rng.random() < 0.08,
                    "created_on": event.ends_at.date() + timedelta(days=rng.randint(1, 14)),
                }
            )
        before = db.session.scalar(select(func.max(FeedbackResponse.id))) or 0
        db.session.execute(insert(FeedbackResponse), rows)
        # Their ids, in the order written, to hang the answers on.
        made = db.session.execute(
            select(FeedbackResponse.id, FeedbackResponse.edition_id)
            .where(FeedbackResponse.id > before)
            .order_by(FeedbackResponse.id)
        ).all()
        answers = [
            {"response_id": response_id, "measure_id": measure_id, "option": rng.randint(1, 5)}
            for response_id, edition_id in made
            for measure_id in measures[edition_id]
            if rng.random() < 0.88
        ]
        db.session.execute(insert(FeedbackAnswer), answers)
        db.session.commit()


def _equality(rng: random.Random, count: int, edition_ids: list[int]) -> None:
    from sqlalchemy import insert

    from cpweek.demo.impact import ANSWER_WEIGHTS, REGISTRATION_ETHNIC
    from cpweek.extensions import db
    from cpweek.reports.models import EqualityResponse, Stage
    from cpweek.reports.services.monitoring import clean_answers

    stages = [stage.value for stage in Stage]
    weights = {**ANSWER_WEIGHTS, "ethnic_group": REGISTRATION_ETHNIC[2026]}
    for first in range(0, count, BATCH):
        rows = []
        for n in range(first, min(first + BATCH, count)):
            answers = {
                key: rng.choices(list(options), weights=list(options.values()))[0]
                for key, options in weights.items()
            }
            rows.append(
                {
                    "key": str(uuid.uuid4()),
                    "edition_id": edition_ids[n % len(edition_ids)],
                    "stage": rng.choices(stages, weights=[70] + [30] * (len(stages) - 1))[0],
                    "month": date(2022 + n % 5, 1 + n % 12, 1),
                    **clean_answers(answers),
                }
            )
        db.session.execute(insert(EqualityResponse), rows)
        db.session.commit()


def build(registrations: int, responses: int, busy: int, equality: int) -> dict:
    """Load the demo and the generated rows; what the page paths need."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from cpweek import create_app
    from cpweek.demo import seed_demo
    from cpweek.extensions import db
    from cpweek.programme.models import Edition, Event
    from cpweek.reports.feedback_models import MeasureStatus, OutcomeMeasure

    rng = random.Random(14)  # noqa: S311 - made-up data, not secrets
    app = create_app()
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        _adopt_extra_measures()
        editions = dict(
            db.session.execute(
                select(Edition.year, Edition.id).where(Edition.year.in_(YEARS))
            ).all()
        )
        events = list(
            db.session.scalars(
                select(Event).where(Event.edition_id.in_(editions.values())).order_by(Event.id)
            )
        )
        measures: dict[int, list[int]] = {edition_id: [] for edition_id in editions.values()}
        for measure_id, edition_id in db.session.execute(
            select(OutcomeMeasure.id, OutcomeMeasure.edition_id).where(
                OutcomeMeasure.status == MeasureStatus.ADOPTED.value
            )
        ):
            measures.setdefault(edition_id, []).append(measure_id)
        started = time.perf_counter()
        _registrations(rng, registrations, events, datetime.now(UTC))
        _responses(rng, responses, busy, events, measures)
        _equality(rng, equality, list(editions.values()))
        print(
            f"loaded {registrations:,} registrations, {responses:,} feedback responses and "
            f"{equality:,} equality answers over {len(editions)} editions "
            f"({len(events)} events) in {time.perf_counter() - started:.0f} s"
        )
        busy_event = next(event.id for event in events if event.slug == BUSY_EVENT)
        db.engine.dispose()
    return {"busy_event": busy_event}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--registrations", type=int, default=50_000)
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--busy", type=int, default=2_000, help="responses to the measured event")
    parser.add_argument("--equality", type=int, default=30_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    env, cleanup = prepare_database(args.database_url)
    server = None
    try:
        made = build(args.registrations, args.responses, args.busy, args.equality)
        server, port = start_gunicorn(env, args.workers)
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"cpweek reports on {database}, gunicorn -w {args.workers}, {args.requests} "
            f"requests each, {args.concurrency} at a time; {load_average()}"
        )
        organiser = Session(port, "organiser@example.org", "kettle river lamp")
        print(f"{'page':<52} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  statuses")
        for label, path, signed_in in PAGES:
            path = path.format(**made)
            headers = {"Cookie": organiser.cookie} if signed_in else None
            measure(port, [path], 20, 2, headers)  # warm up each worker
            result = measure(port, [path], args.requests, args.concurrency, headers)
            seen = ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items()))
            flag = "" if set(result["statuses"]) == {200} else "  (expected 200)"
            print(
                f"{label.format(busy=f'{args.busy:,}'):<52} {result['rps']:>8.1f} "
                f"{result['p50']:>8.1f} {result['p95']:>8.1f}  {seen}{flag}"
            )
        print(f"at the end: {load_average()}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cleanup()


if __name__ == "__main__":
    main()
