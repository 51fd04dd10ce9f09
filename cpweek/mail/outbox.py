"""The one path for mail: `queue_mail` writes a message into the caller's transaction; a worker
(`flask send-mail`, or `--watch`) delivers what is due, outside any web request.

A worker claims a batch with a conditional UPDATE (two workers never claim one message), sends
it over one SMTP connection, and records each message as sent as soon as the server accepts it.
A failure is retried later with a growing wait; after MAIL_MAX_ATTEMPTS it is marked failed and
shown to organisers, who can try again. A claim left by a worker that died is taken over after
MAIL_CLAIM_TIMEOUT seconds (so a message can, rarely, go twice; it is never lost).
Without MAIL_SERVER (development) each message is written as an .eml file to MAIL_OUTBOX.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update

from cpweek.extensions import db
from cpweek.mail.message import Attachment, build_message
from cpweek.mail.models import OutboxMessage, OutboxStatus
from cpweek.statements import rows_changed
from cpweek.timezones import utcnow

log = logging.getLogger(__name__)

SMTP_CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)


def queue_mail(
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: str | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction: it goes if, and only if, the
    change that caused it is committed."""
    message = build_message(to, subject, text, html, attachments, reply_to)
    row = OutboxMessage(
        recipients=message["To"],
        subject=subject[:300],
        raw=bytes(message),
        status=OutboxStatus.PENDING.value,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(row)
    return row


# --- the worker ---------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed


def _due_condition(now):
    stale = now - timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT"])
    return or_(
        and_(
            OutboxMessage.status == OutboxStatus.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
        ),
        and_(OutboxMessage.status == OutboxStatus.SENDING.value, OutboxMessage.claimed_at < stale),
    )


def claim_batch(limit: int) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker and commit the claim.

    The UPDATE repeats the due condition, so when two workers pick the same ids the second
    finds them taken (PostgreSQL re-checks a row it waited for; SQLite runs one writer)."""
    now = utcnow()
    ids = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(_due_condition(now))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    if not ids:
        db.session.rollback()
        return []
    token = uuid.uuid4().hex
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), _due_condition(now))
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_by=token,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.claimed_by == token, OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.id)
        )
    )


def _finish(message: OutboxMessage, error: BaseException | None) -> str:
    """Record one message's outcome (only while the claim is still ours) and commit."""
    config = current_app.config
    now = utcnow()
    values: dict
    if error is None:
        outcome = OutboxStatus.SENT.value
        values = {"status": outcome, "sent_at": now, "last_error": None}
    else:
        detail = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            outcome = OutboxStatus.FAILED.value
            values = {"status": outcome, "last_error": detail}
            log.error(
                "gave up on mail %s (%r) after %d tries: %s",
                message.id,
                message.subject,
                message.attempts,
                detail,
            )
        else:
            outcome = OutboxStatus.PENDING.value
            wait = min(
                config["MAIL_RETRY_SECONDS"] * 2 ** (message.attempts - 1),
                config["MAIL_RETRY_MAX_SECONDS"],
            )
            values = {
                "status": outcome,
                "last_error": detail,
                "next_attempt_at": now + timedelta(seconds=wait),
            }
            log.warning(
                "mail %s (%r) not sent, try %d, next in %ss: %s",
                message.id,
                message.subject,
                message.attempts,
                wait,
                detail,
            )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == message.claimed_by)
        .values(claimed_by=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return outcome


def _tally(report: DeliveryReport, outcome: str) -> None:
    if outcome == OutboxStatus.SENT.value:
        report.sent += 1
    elif outcome == OutboxStatus.FAILED.value:
        report.failed += 1
    else:
        report.retrying += 1


def _connect(config) -> smtplib.SMTP:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_over_smtp(batch: list[OutboxMessage], report: DeliveryReport) -> None:
    """One connection for the batch. A refusal of one message fails that message; a broken
    connection fails the rest of the batch, to be retried later."""
    try:
        smtp = _connect(current_app.config)
    except (smtplib.SMTPException, OSError) as error:
        for message in batch:
            _tally(report, _finish(message, error))
        return
    remaining = list(batch)
    try:
        while remaining:
            message = remaining[0]
            try:
                smtp.send_message(message_from_bytes(message.raw, policy=policy.SMTP))
            except SMTP_CONNECTION_ERRORS:
                raise
            except smtplib.SMTPException as error:
                remaining.pop(0)
                _tally(report, _finish(message, error))
                continue
            remaining.pop(0)
            _tally(report, _finish(message, None))
    except SMTP_CONNECTION_ERRORS as error:
        for message in remaining:
            _tally(report, _finish(message, error))
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _write_files(batch: list[OutboxMessage], report: DeliveryReport) -> None:
    folder = Path(current_app.config["MAIL_OUTBOX"])
    for message in batch:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # Sortable by time, unique when several are written in the same second.
            name = f"{utcnow():%Y%m%d-%H%M%S}-{message.id:06d}-{uuid.uuid4().hex[:6]}.eml"
            (folder / name).write_bytes(message.raw)
        except OSError as error:
            _tally(report, _finish(message, error))
        else:
            _tally(report, _finish(message, None))


def deliver_due(batch_size: int | None = None) -> DeliveryReport:
    """One pass: send everything that is due now, a batch at a time, then forget old sent mail."""
    size = batch_size or current_app.config["MAIL_BATCH_SIZE"]
    report = DeliveryReport()
    while batch := claim_batch(size):
        batch_report = DeliveryReport()
        if current_app.config["MAIL_SERVER"]:
            _send_over_smtp(batch, batch_report)
        else:
            _write_files(batch, batch_report)
        report.add(batch_report)
        if batch_report.sent == 0:
            break  # nothing got through: leave the rest for their next try
    purge_sent()
    return report


def purge_sent() -> int:
    """Sent messages hold personal details: keep them only MAIL_KEEP_SENT_DAYS days."""
    cutoff = utcnow() - timedelta(days=current_app.config["MAIL_KEEP_SENT_DAYS"])
    purged = rows_changed(
        delete(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENT.value, OutboxMessage.sent_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return purged


def watch(
    poll_seconds: float | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    on_pass: Callable[[DeliveryReport], None] | None = None,
) -> None:
    """Deliver, wait, and again, until `should_stop()`; a database outage is waited out."""
    wait = poll_seconds if poll_seconds is not None else current_app.config["MAIL_POLL_SECONDS"]
    while not should_stop():
        try:
            report = deliver_due()
        except Exception:  # the database went away: log it, keep the worker alive
            log.exception("mail worker pass failed; trying again in %ss", wait)
            db.session.rollback()
            db.session.remove()
        else:
            if on_pass is not None:
                on_pass(report)
        time.sleep(wait)


# --- what organisers see ------------------------------------------------------------------


@dataclass
class OutboxSummary:
    pending: int
    failed: int
    oldest_pending_at: object | None


def summary() -> OutboxSummary:
    rows = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.status.in_(["pending", "sending", "failed"]))
            .group_by(OutboxMessage.status)
        ).all()
    )
    oldest = db.session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status.in_(["pending", "sending"])
        )
    )
    return OutboxSummary(
        pending=rows.get("pending", 0) + rows.get("sending", 0),
        failed=rows.get("failed", 0),
        oldest_pending_at=oldest,
    )


def undelivered(limit: int = 100) -> list[OutboxMessage]:
    """Messages given up on, and those still waiting for another try, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status == OutboxStatus.FAILED.value,
                    and_(
                        OutboxMessage.status == OutboxStatus.PENDING.value,
                        OutboxMessage.attempts > 0,
                    ),
                )
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def try_again(message_id: int) -> bool:
    """Put a failed message back in the queue, due now, with a fresh count of tries."""
    return bool(
        rows_changed(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status.in_([OutboxStatus.FAILED.value, OutboxStatus.PENDING.value]),
            )
            .values(status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
