"""Measure the reciprocity ledger at scale.

    .venv/bin/python bench/ledger.py                       # SQLite (a fresh file)
    .venv/bin/python bench/ledger.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Loads the demo data, then `--contributors` generated contributors with `--entries` ledger
entries each (fees, vouchers, time credits and expenses across two tax years, in every status),
written in bulk. Then:

- the organisers' overview, the approve page and a contributor's statement served by gunicorn
  (`--workers`), `--requests` GETs each, `--concurrency` at a time: requests/s, p50, p99;
- a double-click storm: `--storm` approved-to-be entries, each approved by two organisers'
  requests at the same moment over HTTP; it fails unless every entry is approved exactly once;
- one payment run of every approved entry, timed in-process.

Traffic goes only to 127.0.0.1 and every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from serve_pages import measure, prepare_database, run_concurrently, start_gunicorn  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
KINDS = ["fee", "voucher", "time_credit", "expense", "charity"]
STATUSES = ["pending", "queried", "approved", "paid", "rejected", "withdrawn"]


def generate(app, contributors: int, per_person: int, storm: int) -> dict:
    """Bulk rows straight into the tables (the services' rules are tested elsewhere)."""
    from sqlalchemy import insert, select

    from cpweek.auth.models import RoleGrant, User
    from cpweek.extensions import db
    from cpweek.reciprocity.models import LedgerEntry, PaymentRun
    from cpweek.timezones import utcnow

    with app.app_context():
        run = PaymentRun(paid_on=date(2026, 7, 10), method="bank_transfer", reference="BENCH")
        db.session.add(run)
        db.session.flush()
        users = [
            {"email": f"bench{n}@example.org", "name": f"Contributor {n:04d}"}
            for n in range(contributors)
        ]
        db.session.execute(insert(User), users)
        ids = list(db.session.scalars(select(User.id).where(User.email.like("bench%@example.org"))))
        db.session.execute(
            insert(RoleGrant), [{"user_id": user_id, "role": "contributor"} for user_id in ids]
        )
        now = utcnow()
        rows = []
        for person_number, user_id in enumerate(ids):
            for n in range(per_person):
                status = STATUSES[(n + person_number) % len(STATUSES)]
                rows.append(
                    {
                        "contributor_id": user_id,
                        "kind": KINDS[n % len(KINDS)],
                        "amount": 500 + 25 * (n % 40),
                        "occurred_on": date(2025, 5, 1) + timedelta(days=(n * 11) % 540),
                        "description": f"Generated entry {n}",
                        "status": status,
                        "created_at": now,
                        "decided_at": now if status in ("approved", "paid", "rejected") else None,
                        "payment_run_id": run.id if status == "paid" else None,
                    }
                )
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(LedgerEntry), rows[start : start + 5000])
        # Entries for the double-click storm: pending, one per generated contributor in turn.
        db.session.execute(
            insert(LedgerEntry),
            [
                {
                    "contributor_id": ids[n % len(ids)],
                    "kind": "fee",
                    "amount": 2500,
                    "occurred_on": date(2026, 9, 1),
                    "description": f"Storm entry {n}",
                    "status": "pending",
                    "created_at": now,
                }
                for n in range(storm)
            ],
        )
        db.session.commit()
        storm_ids = list(
            db.session.scalars(
                select(LedgerEntry.id).where(LedgerEntry.description.like("Storm entry %"))
            )
        )
        return {"first_contributor": ids[0], "storm_ids": storm_ids}


class Session:
    """A signed-in organiser over plain HTTP: the session cookie and a CSRF token."""

    def __init__(self, port: int, email: str, password: str):
        self.port = port
        self.cookie = ""
        page = self.request("GET", "/sign-in")
        token = CSRF.search(page).group(1)
        self.request(
            "POST", "/sign-in", {"email": email, "password": password, "csrf_token": token}
        )
        self.token = CSRF.search(self.request("GET", "/ledger/guidance/benefits")).group(1)

    def request(self, method: str, path: str, form: dict | None = None) -> str:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        self.status = response.status
        connection.close()
        return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite when absent")
    parser.add_argument("--contributors", type=int, default=300)
    parser.add_argument("--entries", type=int, default=60, help="entries per contributor")
    parser.add_argument("--storm", type=int, default=300, help="entries approved twice at once")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    env, cleanup = prepare_database(args.database_url, events=0)
    from cpweek import create_app

    app = create_app()
    made = generate(app, args.contributors, args.entries, args.storm)
    server, port = start_gunicorn(env, args.workers)
    try:
        total = args.contributors * args.entries
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"cpweek ledger on {database}: {args.contributors} contributors, {total:,} entries; "
            f"gunicorn -w {args.workers}, {args.requests} requests per page, "
            f"{args.concurrency} at a time"
        )
        organiser = Session(port, "organiser@example.org", "kettle river lamp")
        headers = {"Cookie": organiser.cookie}
        print(f"{'page':<52} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        first = made["first_contributor"]
        pages = [
            (f"ledger overview ({args.contributors} balances, aged list)", "/ledger/"),
            ("review an entry (warnings, forms)", f"/ledger/entries/{made['storm_ids'][0]}"),
            (
                f"a contributor's statement ({args.entries} entries)",
                f"/ledger/contributors/{first}/statement?year=2025",
            ),
            ("statement as CSV", f"/ledger/contributors/{first}/statement.csv?year=2025"),
        ]
        for label, path in pages:
            measure(port, path, 10, 2, headers)
            result = measure(port, path, args.requests, args.concurrency, headers)
            assert set(result["statuses"]) == {200}, (path, result["statuses"])
            print(f"{label:<52} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p99']:>8.1f}")

        # Two organisers press Approve on the same entry at the same moment, for every entry.
        second = Session(port, "organiser@example.org", "kettle river lamp")
        storm_ids = made["storm_ids"]

        def approve(n: int):
            who = organiser if n % 2 == 0 else second
            entry_id = storm_ids[n // 2]
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request(
                "POST",
                f"/ledger/entries/{entry_id}/approve",
                body=urlencode({"csrf_token": who.token, "acknowledge": "y"}),
                headers={"Cookie": who.cookie, "Content-Type": "application/x-www-form-urlencoded"},
            )
            response = connection.getresponse()
            response.read()
            connection.close()
            return time.perf_counter() - started, response.status

        result = run_concurrently(approve, 2 * len(storm_ids), 16)
        with app.app_context():
            from sqlalchemy import func, select

            from cpweek.audit import AuditEntry
            from cpweek.extensions import db
            from cpweek.reciprocity.models import LedgerEntry

            approved = db.session.scalar(
                select(func.count()).where(
                    LedgerEntry.id.in_(storm_ids), LedgerEntry.status == "approved"
                )
            )
            audited = db.session.scalar(
                select(func.count()).where(
                    AuditEntry.action == "reciprocity.entry_approved",
                    AuditEntry.object_id.in_(storm_ids),
                )
            )
        print(
            f"double-click storm: {2 * len(storm_ids)} approvals of {len(storm_ids)} entries, "
            f"16 at a time: {result['rps']:.1f} requests/s, p99 {result['p99']:.0f} ms; "
            f"approved {approved}, audit entries {audited} (each must be {len(storm_ids)})"
        )
        assert approved == audited == len(storm_ids)

        with app.app_context():
            from cpweek.auth.models import User
            from cpweek.reciprocity import services as ledger

            payable = [item.entry.id for item in ledger.payable_entries()]
            organiser_user = db.session.scalar(
                select(User).where(User.email == "organiser@example.org")
            )
            started = time.perf_counter()
            run = ledger.record_payment_run(
                payable,
                ledger.PaymentDetails(date(2026, 10, 1), "bank_transfer", "BENCH-RUN"),
                organiser_user,
            )
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            csv_text = ledger.payment_run_csv(run)
            csv_elapsed = time.perf_counter() - started
        print(
            f"payment run of {len(payable):,} approved entries: recorded in "
            f"{elapsed * 1000:.0f} ms; its CSV ({len(csv_text.splitlines()) - 1:,} lines) "
            f"built in {csv_elapsed * 1000:.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        cleanup()


if __name__ == "__main__":
    main()
