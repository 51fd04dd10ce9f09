"""Equality monitoring: invitations to answer, recording the answers apart from identity, and
counting them. There is no function that returns responses row by row, and there must not be
one: the data leaves this module only as counts.

The flow: when a person registers (or proposes, or becomes a contributor), the room that acts
asks `signals.monitoring_invitation`; `reports.receivers` answers with a link made by
`invite()`. The link's token is the only key; the invitation row keeps its SHA-256 hash, the
edition, the stage and the last day it works, and nothing about the person. Answering, or
skipping every question, deletes the invitation and inserts one response in the same unit of
work, so a link counts once.
"""

from __future__ import annotations

import hmac
import random
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, literal, select, text, union_all

from cpweek.extensions import db
from cpweek.reports.errors import InvitationGone, UnknownAnswer
from cpweek.reports.models import EqualityInvitation, EqualityResponse, Stage
from cpweek.reports.questions import BY_KEY, QUESTIONS
from cpweek.statements import rows_changed
from cpweek.timezones import utcnow
from cpweek.tokens import new_token, token_hash

#: How many days a link works for after it is made.
INVITATION_DAYS = 90

# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet. Anything else is
# refused before it is hashed or looked up.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def _today() -> date:
    return utcnow().date()


def month_of(day: date) -> date:
    """The coarse time a response keeps: the 1st of its month."""
    return day.replace(day=1)


def _new_key() -> str:
    """A response's key: random (UUID version 4), so keys say nothing of when or in what order
    responses came. Never uuid1 or uuid7, which carry the time."""
    return str(uuid.uuid4())


def invite(edition_id: int, stage: Stage | str) -> str:
    """A new single-use invitation to answer for this edition and stage; the raw token for the
    link (only its hash is kept). Flushed in the caller's unit of work."""
    stage = Stage(stage)
    token = new_token()
    db.session.add(
        EqualityInvitation(
            token_hash=token_hash(token),
            edition_id=edition_id,
            stage=stage.value,
            expires_on=_today() + timedelta(days=INVITATION_DAYS),
        )
    )
    db.session.flush()
    return token


def invitation(token: str) -> EqualityInvitation | None:
    """The invitation the token opens, or None when it is unknown, altered, used or expired."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    wanted = token_hash(token)
    found = db.session.get(EqualityInvitation, wanted)
    # The look-up is by the hash; comparing again in constant time costs nothing and keeps the
    # check independent of how the database compares strings.
    if found is None or not hmac.compare_digest(found.token_hash, wanted):
        return None
    if found.expires_on < _today():
        return None
    return found


def clean_answers(answers: Mapping[str, str | None]) -> dict[str, str | None]:
    """Each question's answer: a code of its options, or None (skipped: missing or empty).
    Refuses a question that does not exist or a code that is none of its options. The follow-up
    to the condition question counts only after a "yes" (the GSS asks it of them alone)."""
    unknown = sorted(set(answers) - set(BY_KEY))
    if unknown:
        raise UnknownAnswer(f"There is no question called {unknown[0]!r}.")
    cleaned: dict[str, str | None] = {}
    for question in QUESTIONS:
        code = answers.get(question.key) or None
        if code is not None and code not in question.codes():
            raise UnknownAnswer(
                f"Choose one of the answers given for “{question.words}”, or leave it.",
                field=question.key,
            )
        cleaned[question.key] = code
    for question in QUESTIONS:
        if question.follows and cleaned[question.follows] != "yes":
            cleaned[question.key] = None
    return cleaned


def record_answers(token: str, answers: Mapping[str, str | None]) -> None:
    """Use the invitation: delete it and insert one response with these answers (an empty
    mapping is "skip all questions": a response with every question skipped).

    Two requests with one token at the same moment: the invitation is deleted with RETURNING
    as the first write, so the second DELETE waits for the first transaction (PostgreSQL's row
    lock; SQLite's write lock) and then finds nothing: it is refused, and nothing is saved
    twice."""
    cleaned = clean_answers(answers)
    if not _TOKEN.fullmatch(token or ""):
        raise InvitationGone()
    used = db.session.execute(
        delete(EqualityInvitation)
        .where(EqualityInvitation.token_hash == token_hash(token))
        .returning(
            EqualityInvitation.token_hash,
            EqualityInvitation.edition_id,
            EqualityInvitation.stage,
            EqualityInvitation.expires_on,
        ),
        execution_options={"synchronize_session": False},
    ).first()
    if used is None or not hmac.compare_digest(used.token_hash, token_hash(token)):
        raise InvitationGone()
    if used.expires_on < _today():
        # The refusal rolls the unit of work back, so the expired row stays for the purge.
        raise InvitationGone()
    db.session.add(
        EqualityResponse(
            key=_new_key(),
            edition_id=used.edition_id,
            stage=used.stage,
            month=month_of(_today()),
            **cleaned,
        )
    )
    db.session.flush()


def purge_expired_invitations(today: date | None = None) -> int:
    """Delete invitations past their last day; how many."""
    return rows_changed(
        delete(EqualityInvitation)
        .where(EqualityInvitation.expires_on < (today or _today()))
        .execution_options(synchronize_session=False)
    )


def _rewrite(model: type[EqualityResponse] | type[EqualityInvitation], rng: random.Random):
    """Every row of `model`'s table, deleted and written again in a random order in this
    transaction. The DELETE ... RETURNING comes first: it takes exactly the rows it removes
    (on PostgreSQL an answer racing it either committed before, and its rows are taken, or
    waits and then finds its invitation gone; on SQLite it is the transaction's first write),
    so no row is lost and no used invitation comes back."""
    columns = list(model.__table__.columns)
    rows = [
        dict(row)
        for row in db.session.execute(
            delete(model).returning(*columns), execution_options={"synchronize_session": False}
        ).mappings()
    ]
    rng.shuffle(rows)
    return rows


def reshuffle(rng: random.Random | None = None) -> tuple[int, int]:
    """Write every response (with a new random key) and every invitation again, in a random
    order, in this one transaction; how many of each. Why: PostgreSQL keeps rows in the order
    they were written (a read without ORDER BY, or `ctid`, shows it) and stamps each with the
    transaction that wrote it (`xmin`, which grows with time): answers given minutes after
    registering could be lined up with the registrations by either, and an unused invitation
    shares its `xmin` with the registration that made it. Afterwards every row of each table
    has one `xmin` and a random place. (On SQLite both tables are WITHOUT ROWID: rows already
    sit in key order.) The old rows linger as dead tuples until a VACUUM (`flask
    equality-tidy` runs VACUUM FULL); the write-ahead log and backups keep what they saw. Run
    it regularly, not per answer. `rng` is for tests (a seeded order).

    On PostgreSQL both tables are locked against writes first: an answer whose DELETE of its
    invitation waited on a row this rewrite deleted would find it gone (the rewritten row is
    another row) and refuse a valid link. Behind the lock it waits for the commit and finds
    the new row. The invitations first, as an answer takes them (its DELETE, then its INSERT
    of the response): in the other order the two would wait for each other. (SQLite lets one
    writer in at a time already.)"""
    rng = rng or secrets.SystemRandom()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text(
                f"LOCK TABLE {EqualityInvitation.__tablename__}, "
                f"{EqualityResponse.__tablename__} IN SHARE ROW EXCLUSIVE MODE"
            )
        )
    responses = _rewrite(EqualityResponse, rng)
    for row in responses:
        row["key"] = _new_key()
    invitations = _rewrite(EqualityInvitation, rng)
    for model, rows in ((EqualityResponse, responses), (EqualityInvitation, invitations)):
        if rows:
            db.session.execute(insert(model), rows)
    return len(responses), len(invitations)


@dataclass(frozen=True)
class AnswerCount:
    edition_id: int
    stage: str
    question: str  # a question's key
    option: str | None  # an option's code; None: skipped
    count: int


def answer_counts(edition_ids: Iterable[int] | None = None) -> list[AnswerCount]:
    """How many responses chose each option (or skipped), by edition, stage and question, in
    one query. Raw counts, before any suppression: never publish them as they are."""
    table = EqualityResponse.__table__
    wanted = None if edition_ids is None else sorted(set(edition_ids))
    parts = []
    for question in QUESTIONS:
        column = table.c[question.key]
        part = select(
            table.c.edition_id,
            table.c.stage,
            literal(question.key).label("question"),
            column.label("option"),
            func.count().label("n"),
        ).group_by(table.c.edition_id, table.c.stage, column)
        if wanted is not None:
            part = part.where(table.c.edition_id.in_(wanted))
        parts.append(part)
    rows = db.session.execute(union_all(*parts)).all()
    order = {question.key: index for index, question in enumerate(QUESTIONS)}
    found = [
        AnswerCount(row.edition_id, row.stage, row.question, row.option, int(row.n)) for row in rows
    ]
    found.sort(key=lambda c: (c.edition_id, c.stage, order[c.question], c.option or ""))
    return found
