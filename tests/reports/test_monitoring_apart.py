"""No query can join an equality answer to a person.

Read from the migrated database itself (not only the models): the two equality tables have no
foreign key but to `editions`, no column that could carry who answered or exactly when, and a
key that is no sequence. Then by behaviour: people register one after another and each answers;
nothing in the responses matches a registration, every response has the same coarse time, and
neither the keys' order nor the order the rows are read in gives back the order of registering.
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import exc, inspect, select, text
from sqlalchemy.types import Date, DateTime, Integer, String

from cpweek.extensions import db
from cpweek.programme.models import Registration
from cpweek.reports.models import ANSWER_COLUMNS, EqualityInvitation, EqualityResponse
from cpweek.reports.questions import REGION
from cpweek.reports.services import monitoring
from tests.factories import make_edition, make_event

TABLES = ("equality_responses", "equality_invitations")
COLUMNS = {
    "equality_responses": {"key", "edition_id", "stage", "month", *ANSWER_COLUMNS},
    "equality_invitations": {"token_hash", "edition_id", "stage", "expires_on"},
}
# Anything in a column's name that would name a person, their records, or a moment.
IDENTIFYING = re.compile(
    r"user|person|people|registration|proposal|involvement|contributor_id|email|mail|name|"
    r"phone|address|ip|session|token(?!_hash)|created|updated|_at$|time|seq|^id$",
    re.IGNORECASE,
)


def _inspector():
    return inspect(db.engine)


def test_no_foreign_key_leads_from_an_answer_or_an_invitation_to_a_person():
    inspector = _inspector()
    for table in TABLES:
        targets = {key["referred_table"] for key in inspector.get_foreign_keys(table)}
        assert targets == {"editions"}, table
    # And nothing points at them either (no table keeps a response's or invitation's key).
    for other in inspector.get_table_names():
        for key in inspector.get_foreign_keys(other):
            assert key["referred_table"] not in TABLES, other
    for model in (EqualityResponse, EqualityInvitation):
        assert {fk.column.table.name for fk in model.__table__.foreign_keys} == {"editions"}


def test_no_column_could_carry_an_identity_or_an_exact_time():
    inspector = _inspector()
    for table in TABLES:
        columns = inspector.get_columns(table)
        assert {column["name"] for column in columns} == COLUMNS[table]
        for column in columns:
            name, kind = column["name"], column["type"]
            assert not isinstance(kind, DateTime), name
            assert isinstance(kind, String | Date | Integer), (name, kind)
            if isinstance(kind, Integer):
                assert name == "edition_id"
            if isinstance(kind, String):
                assert kind.length <= 64, name
            if name not in ("edition_id", "stage", "month", "key", "token_hash", "expires_on"):
                assert not IDENTIFYING.search(name), name
        for index in inspector.get_indexes(table):
            assert index["column_names"] == ["edition_id"], index


def test_the_key_is_random_not_a_sequence(monkeypatch):
    inspector = _inspector()
    [key] = inspector.get_pk_constraint("equality_responses")["constrained_columns"]
    column = next(c for c in inspector.get_columns("equality_responses") if c["name"] == key)
    assert isinstance(column["type"], String) and column.get("default") is None
    assert not column.get("autoincrement") or column["autoincrement"] == "auto"
    edition = make_edition(2099)
    written: list[str] = []  # each response's key, in the order they were written
    real = monitoring._new_key
    monkeypatch.setattr(monitoring, "_new_key", lambda: written.append(real()) or written[-1])
    for _ in range(40):
        monitoring.record_answers(monitoring.invite(edition.id, "registration"), {})
    db.session.commit()
    assert set(written) == set(db.session.scalars(select(EqualityResponse.key)))
    assert len(set(written)) == 40
    assert all(uuid.UUID(key).version == 4 for key in written)
    # Forty random keys sort into the order written with odds of 1 in 40! (about 1e-48).
    assert sorted(written) != written


def test_a_response_keeps_only_the_month(monkeypatch):
    edition = make_edition(2099)
    monkeypatch.setattr(monitoring, "_today", lambda: date(2099, 7, 17))
    monitoring.record_answers(monitoring.invite(edition.id, "registration"), {"sex": "male"})
    db.session.commit()
    assert db.session.scalar(select(EqualityResponse.month)) == date(2099, 7, 1)


def test_on_sqlite_no_hidden_rowid_counts_the_insertions():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's rowid; PostgreSQL's order is undone by reshuffle")
    for table in TABLES:
        sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table})
        assert "WITHOUT ROWID" in sql
        with pytest.raises(exc.OperationalError):
            db.session.execute(text(f"SELECT rowid FROM {table}"))  # noqa: S608
        db.session.rollback()


def _seeded_keys(monkeypatch, seed: int) -> None:
    """Keys from a seeded generator of random UUIDs (as uuid4 makes them), so the test is the
    same every run; the real ones are checked in test_the_key_is_random_not_a_sequence."""
    rng = random.Random(seed)
    monkeypatch.setattr(
        monitoring, "_new_key", lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))
    )


def test_responses_cannot_be_lined_up_with_the_registrations(browser, monkeypatch):
    _seeded_keys(monkeypatch, 2026)
    edition = make_edition(2099)
    make_event(edition, datetime(2099, 6, 30, 10), slug="webinar", capacity=50)
    regions = [option.code for option in REGION.options]  # 11 different answers
    link = re.compile(r'href="(/equality/[A-Za-z0-9_-]{43})"')
    for number, region in enumerate(regions):
        form = {"name": f"Person {number}", "email": f"person{number}@example.org"}
        manage = browser.submit("/2099/events/webinar", form).headers["Location"]
        [equality] = link.findall(browser.get(manage).get_data(as_text=True))
        assert browser.submit(equality, {"region": region, "submit": "1"}).status_code == 302
    registrations = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    in_order_registered = regions  # person n registered n-th and answered regions[n]
    assert [r.name for r in registrations] == [f"Person {n}" for n in range(11)]

    def rows() -> list[EqualityResponse]:
        db.session.expire_all()
        return list(db.session.scalars(select(EqualityResponse)))  # no ORDER BY

    found = rows()
    assert len(found) == 11
    # Nothing in a response is anything of a registration's (but the edition all share).
    known = {str(r.id) for r in registrations} | {str(r.person_id) for r in registrations}
    known |= {r.name for r in registrations} | {f"person{n}@example.org" for n in range(11)}
    known |= {str(r.confirmed_at) for r in registrations} | {
        str(r.queued_at) for r in registrations
    }
    for response in found:
        own = COLUMNS["equality_responses"] - {"edition_id", "stage"}
        values = {str(getattr(response, column)) for column in own}
        assert not values & known
    # One coarse time for everyone, so time orders nothing.
    assert len({response.month for response in found}) == 1
    # The keys' order is not the order of registering.
    by_key = [r.region for r in sorted(found, key=lambda r: r.key)]
    assert sorted(by_key) == sorted(in_order_registered) and by_key != in_order_registered
    if db.engine.dialect.name == "sqlite":
        # WITHOUT ROWID: read back in key order, not in the order written.
        assert [r.region for r in found] == by_key
    else:
        # PostgreSQL reads back in the order written until the rows are shuffled.
        monitoring.reshuffle(random.Random(14))
        db.session.commit()
        found = rows()
        assert [r.region for r in found] != in_order_registered
        xmins = db.session.scalars(text("SELECT DISTINCT xmin::text FROM equality_responses"))
        assert len(list(xmins)) == 1  # one transaction wrote them all


def test_equality_tidy_removes_expired_links_and_rewrites_the_rest(runner, monkeypatch):
    edition = make_edition(2099)
    monitoring.record_answers(monitoring.invite(edition.id, "registration"), {"sex": "female"})
    unused = monitoring.invite(edition.id, "registration")
    monkeypatch.setattr(monitoring, "_today", lambda: date(2000, 1, 1))
    monitoring.invite(edition.id, "proposal")  # expired by now
    monkeypatch.undo()
    db.session.commit()
    before = db.session.scalar(select(EqualityResponse.key))
    db.session.commit()  # no transaction left open: VACUUM FULL needs the tables to itself
    result = runner.invoke(args=["equality-tidy"])
    assert result.exit_code == 0, result.output
    assert "1 expired links removed; 1 responses and 1 links rewritten" in result.output
    db.session.expire_all()
    [(key, sex)] = db.session.execute(select(EqualityResponse.key, EqualityResponse.sex)).all()
    assert sex == "female" and key != before
    # The link not used yet still works, once.
    assert monitoring.invitation(unused) is not None
    monitoring.record_answers(unused, {})
    db.session.commit()
    assert db.session.scalar(select(EqualityInvitation.token_hash)) is None
    if db.engine.dialect.name == "postgresql":
        return
    for table in TABLES:  # still WITHOUT ROWID after the rewrite
        sql = db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = :t"), {"t": table})
        assert "WITHOUT ROWID" in sql
