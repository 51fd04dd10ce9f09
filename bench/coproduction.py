"""Measure co-producing the programme at scale.

    .venv/bin/python bench/coproduction.py                 # SQLite (a fresh file)
    .venv/bin/python bench/coproduction.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Loads the demo data, then on the 2040 edition: a call with 3 criteria, `--proposals` proposals
with `--reviews` reviews each (bulk-written), and the benchmark's `--events` events (from
serve_pages) each with `--registrations` people registered. Then:

- the panel's ranking, the review queue and the schedule draft served by gunicorn
  (`--workers`), `--requests` GETs each, `--concurrency` at a time: requests/s, p50, p99;
- a release that moves `--moves` events, timed in-process from sign-off to the last message,
  with the number of messages written (one per person, whatever the number of changes).

Traffic goes only to 127.0.0.1 and every loop is bounded.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ledger import Session  # noqa: E402
from serve_pages import measure, prepare_database, start_gunicorn  # noqa: E402


def generate(app, proposals: int, reviews: int) -> None:
    """A 2040 call with proposals and reviews written straight to the tables."""
    from sqlalchemy import insert, select

    from cpweek.auth.models import RoleGrant, User
    from cpweek.coproduction import services as coproduction
    from cpweek.coproduction.models import Proposal, Review, Score
    from cpweek.extensions import db
    from cpweek.programme.models import Edition
    from cpweek.timezones import utcnow

    with app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.year == 2040))
        organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
        today = date.today()
        call = coproduction.save_call(
            edition,
            coproduction.CallDetails(
                opens_at=utcnow() - timedelta(days=1),
                closes_at=utcnow() + timedelta(days=9),
                reviewing_starts_on=today - timedelta(days=1),
                reviewing_ends_on=today + timedelta(days=9),
                deciding_starts_on=today - timedelta(days=1),
                deciding_ends_on=today + timedelta(days=9),
            ),
            organiser,
        )
        for name, weight in (("Co-produced", 3), ("On theme", 2), ("Accessible", 2)):
            coproduction.add_criterion(call, name, "", weight, organiser)
        criteria = [c.id for c in coproduction.criteria_of(call)]
        reviewers = [
            {"email": f"panel{n}@example.org", "name": f"Panel {n}"} for n in range(reviews)
        ]
        db.session.execute(insert(User), reviewers)
        ids = list(db.session.scalars(select(User.id).where(User.email.like("panel%"))))
        db.session.execute(
            insert(RoleGrant),
            [
                {"user_id": uid, "role": "co_producer" if n % 2 else "organiser"}
                for n, uid in enumerate(ids)
            ],
        )
        now = utcnow()
        db.session.execute(
            insert(Proposal),
            [
                {
                    "call_id": call.id,
                    "proposer_id": organiser.id,
                    "title": f"Proposal {n}",
                    "summary": "Generated.",
                    "kind": "webinar",
                    "format": "online",
                    "length_minutes": 60,
                    "lived_experience_involvement": "Generated.",
                    "lived_experience": "yes" if n % 3 else "prefer_not",
                    "access_needs": "",
                    "unavailable": [],
                    "status": "submitted",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(proposals)
            ],
        )
        proposal_ids = list(
            db.session.scalars(select(Proposal.id).where(Proposal.call_id == call.id))
        )
        db.session.execute(
            insert(Review),
            [
                {
                    "proposal_id": pid,
                    "reviewer_id": uid,
                    "perspective": "lived_experience" if n % 2 else "staff",
                    "comment": "Generated.",
                    "submitted_at": now,
                }
                for pid in proposal_ids
                for n, uid in enumerate(ids)
            ],
        )
        review_ids = list(db.session.scalars(select(Review.id)))
        rows = [
            {"review_id": rid, "criterion_id": cid, "value": 1 + (rid + cid) % 5}
            for rid in review_ids
            for cid in criteria
        ]
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Score), rows[start : start + 5000])
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--proposals", type=int, default=300)
    parser.add_argument("--reviews", type=int, default=6, help="reviews per proposal")
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--registrations", type=int, default=20, help="people per event")
    parser.add_argument("--moves", type=int, default=50, help="events one release moves")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    env, cleanup = prepare_database(
        args.database_url, args.events, registrations=args.registrations
    )
    from cpweek import create_app

    app = create_app()
    generate(app, args.proposals, args.reviews)
    server, port = start_gunicorn(env, args.workers)
    try:
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"cpweek co-production on {database}: {args.proposals} proposals x {args.reviews} "
            f"reviews, {args.events} events x {args.registrations} registrations; gunicorn -w "
            f"{args.workers}, {args.requests} requests per page, {args.concurrency} at a time"
        )
        organiser = Session(port, "organiser@example.org", "kettle river lamp")
        headers = {"Cookie": organiser.cookie}
        print(f"{'page':<52} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for label, path in [
            (f"panel ranking ({args.proposals} proposals)", "/review/2040/panel"),
            ("review queue", "/review/2040/"),
            (f"schedule draft ({args.events} events, conflicts)", "/manage/2040/schedule"),
            ("what changed (public)", "/2040/changes"),
        ]:
            measure(port, path, 5, 2, headers)
            result = measure(port, path, args.requests, args.concurrency, headers)
            assert set(result["statuses"]) == {200}, (path, result["statuses"])
            print(f"{label:<52} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p99']:>8.1f}")
    finally:
        server.terminate()
        server.wait(timeout=10)

    with app.app_context():
        from sqlalchemy import select

        from cpweek.auth.models import RoleGrant, User
        from cpweek.coproduction import schedule
        from cpweek.extensions import db
        from cpweek.programme.models import Edition, Event

        edition = db.session.scalar(select(Edition).where(Edition.year == 2040))
        organiser = db.session.scalar(select(User).where(User.email == "organiser@example.org"))
        co_producer = db.session.scalar(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == "co_producer")
            .limit(1)
        )
        events = list(
            db.session.scalars(
                select(Event)
                .where(Event.edition_id == edition.id, Event.slug.like("event-%"))
                .order_by(Event.id)
                .limit(args.moves)
            )
        )
        # People registered for the moved events: each person for five of them, so one
        # message per person covers five changes.
        from cpweek.programme.models import Registration

        people = [
            User(email=f"moved{n}@example.org", name=f"Moved {n}")
            for n in range(len(events) // 5 * args.registrations)
        ]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(
            Registration(
                event_id=event.id,
                person_id=people[(i // 5) * args.registrations + j].id,
                name=f"Moved {j}",
                status="confirmed",
            )
            for i, event in enumerate(events[: len(events) // 5 * 5])
            for j in range(args.registrations)
        )
        db.session.commit()
        for event in events:  # each half an hour later
            schedule.place(
                event,
                event.starts_at + timedelta(minutes=30),
                event.ends_at + timedelta(minutes=30),
                event.track,
                organiser,
            )
        release = schedule.prepare_release(edition, organiser, "Benchmark")
        schedule.sign_off(release, organiser)
        outbox = Path(env["MAIL_OUTBOX"])
        before = len(list(outbox.glob("*.eml")))
        started = time.perf_counter()
        schedule.sign_off(release, co_producer)
        elapsed = time.perf_counter() - started
        written = len(list(outbox.glob("*.eml"))) - before
        print(
            f"release moving {len(events)} events ({len(events) // 5 * 5 * args.registrations} "
            f"registrations of {len(people)} people, five each): published and told in "
            f"{elapsed:.2f} s, {written} messages (one per person)"
        )
    cleanup()


if __name__ == "__main__":
    main()
