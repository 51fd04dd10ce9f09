"""The outbox: a message exists exactly when its change was committed, is claimed by one worker,
goes over one SMTP connection per batch, is retried with growing waits, and is given up (and
shown to organisers, who can try again) only after MAIL_MAX_ATTEMPTS."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from cpweek import create_app
from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.mail import OutboxMessage, deliver_due, outbox, queue_mail
from cpweek.timezones import utcnow
from cpweek.uow import discard, unit_of_work
from tests.factories import make_user


def _queue(n: int, subject: str = "Hello") -> list[int]:
    rows = [queue_mail(f"p{i}@example.org", f"{subject} {i}", "Words") for i in range(n)]
    db.session.commit()
    return [row.id for row in rows]


def _row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def broken_mail_server(app):
    """MAIL_PORT pointing where nothing listens; restored afterwards."""
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _closed_port()
    yield
    app.config["MAIL_PORT"] = port


# --- one unit of work ---------------------------------------------------------------------


@pytest.fixture
def uow_app(base_config) -> Flask:
    """An app with three routes that queue a message: one answers, one refuses, one fails."""
    application = create_app(
        {**base_config, "WTF_CSRF_ENABLED": False, "PROPAGATE_EXCEPTIONS": False}
    )

    @application.post("/queue/<outcome>")
    def queue(outcome: str):
        queue_mail("ama@example.org", f"Outcome {outcome}", "Words")
        if outcome == "refused":
            discard()  # what show_error / refuse do
        if outcome == "broken":
            raise RuntimeError("something failed after the message was queued")
        return "done"

    application.view_functions["queue"].access = "public"
    return application


def test_mail_leaves_only_with_a_committed_change(uow_app, mailbox):
    client = uow_app.test_client()
    assert client.post("/queue/ok").status_code == 200
    assert client.post("/queue/refused").status_code == 200
    assert client.post("/queue/broken").status_code == 500
    subjects = [m["Subject"] for m in mailbox.messages]
    assert subjects == ["Outcome ok"]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_nothing_is_sent_inside_a_request(uow_app, mailbox):
    mailbox.deliver = False
    uow_app.test_client().post("/queue/ok")
    assert mailbox.messages == []  # waits for the worker
    [row] = db.session.scalars(select(OutboxMessage))
    assert row.status == "pending" and row.attempts == 0


def test_unit_of_work_commits_or_rolls_back():
    with unit_of_work():
        queue_mail("a@example.org", "Kept", "Words")
    with pytest.raises(ValueError), unit_of_work():
        queue_mail("b@example.org", "Lost", "Words")
        raise ValueError("halfway")
    assert list(db.session.scalars(select(OutboxMessage.subject))) == ["Kept"]


# --- delivery -----------------------------------------------------------------------------


def test_a_pass_sends_everything_due_over_one_connection_per_batch(app, mailbox, monkeypatch):
    _queue(7)
    connections = []
    real_connect = outbox._connect
    monkeypatch.setattr(
        outbox, "_connect", lambda config: connections.append(1) or real_connect(config)
    )
    mailbox.deliver = False
    report = deliver_due(batch_size=3)
    assert (report.sent, report.retrying, report.failed) == (7, 0, 0)
    assert len(connections) == 3  # batches of 3, 3 and 1
    assert sorted(m["Subject"] for m in mailbox.received) == [f"Hello {i}" for i in range(7)]
    assert all(
        row.status == "sent" and row.sent_at for row in db.session.scalars(select(OutboxMessage))
    )
    assert deliver_due().sent == 0  # nothing goes twice


def test_two_workers_at_once_send_each_message_once(app, mailbox):
    _queue(40)
    mailbox.deliver = False
    start = threading.Barrier(2)
    reports = []

    def worker() -> None:
        with app.app_context():
            start.wait(timeout=30)
            reports.append(deliver_due(batch_size=5))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(r.sent for r in reports) == 40
    ids = [m["Message-ID"] for m in mailbox.received]
    assert len(ids) == len(set(ids)) == 40


def test_a_failure_is_retried_later_with_growing_waits_then_given_up(app, broken_mail_server):
    app.config.update(MAIL_MAX_ATTEMPTS=3, MAIL_RETRY_SECONDS=30)
    try:
        [message_id] = _queue(1)
        before = utcnow()
        assert deliver_due().retrying == 1
        row = _row(message_id)
        assert row.status == "pending" and row.attempts == 1 and row.last_error
        assert timedelta(seconds=29) < row.next_attempt_at - before < timedelta(seconds=40)
        assert deliver_due().retrying == 0  # not due yet: nothing tried

        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        before = utcnow()
        deliver_due()
        row = _row(message_id)
        assert row.attempts == 2
        assert timedelta(seconds=59) < row.next_attempt_at - before < timedelta(seconds=70)

        row.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert deliver_due().failed == 1
        assert _row(message_id).status == "failed"
    finally:
        app.config.update(MAIL_MAX_ATTEMPTS=8, MAIL_RETRY_SECONDS=30)


def test_a_server_that_accepts_and_never_answers_loses_nothing(app, mailbox):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections (the kernel does) and never says a word
    port, timeout = app.config["MAIL_PORT"], app.config["MAIL_TIMEOUT"]
    app.config.update(MAIL_PORT=silent.getsockname()[1], MAIL_TIMEOUT=1)
    try:
        [message_id] = _queue(1)
        assert deliver_due().retrying == 1
        assert "timed out" in _row(message_id).last_error
    finally:
        app.config.update(MAIL_PORT=port, MAIL_TIMEOUT=timeout)
        silent.close()
    row = _row(message_id)
    row.next_attempt_at = utcnow()
    db.session.commit()
    assert [m["Subject"] for m in mailbox.messages] == ["Hello 0"]


def test_a_claim_left_by_a_worker_that_died_is_taken_over(app, mailbox):
    [message_id] = _queue(1)
    row = _row(message_id)
    row.status, row.claimed_by, row.claimed_at = "sending", "dead-worker", utcnow()
    db.session.commit()
    mailbox.deliver = False
    assert deliver_due().sent == 0  # still within MAIL_CLAIM_TIMEOUT: another worker has it
    row = _row(message_id)
    row.claimed_at = utcnow() - timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT"] + 1)
    db.session.commit()
    assert deliver_due().sent == 1 and len(mailbox.received) == 1


def test_sent_mail_is_forgotten_after_the_keeping_days(app, mailbox):
    ids = _queue(2)
    mailbox.messages  # noqa: B018 - delivers both
    old = _row(ids[0])
    old.sent_at = utcnow() - timedelta(days=app.config["MAIL_KEEP_SENT_DAYS"] + 1)
    db.session.commit()
    assert outbox.purge_sent() == 1
    assert list(db.session.scalars(select(OutboxMessage.id))) == [ids[1]]


def test_without_a_mail_server_the_worker_writes_files(app, tmp_path, mailbox):
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX=str(tmp_path / "outbox"))
    try:
        _queue(2, subject="Outbox test")
        assert deliver_due().sent == 2
    finally:
        app.config["MAIL_SERVER"] = "127.0.0.1"
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2 and b"Subject: Outbox test 0" in files[0].read_bytes()
    assert mailbox.messages == []


def test_the_watch_loop_delivers_and_stops_when_told(app, mailbox):
    _queue(3)
    passes = []
    outbox.watch(0.01, should_stop=lambda: len(passes) >= 1, on_pass=passes.append)
    assert passes[0].sent == 3 and len(mailbox.received) == 3


def test_send_mail_command_reports_a_pass(app, runner, mailbox):
    _queue(2)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Mail sent: 2; to try again later: 0; given up: 0." in result.output


# --- what organisers see ------------------------------------------------------------------


def test_organisers_see_undelivered_mail_and_try_again(app, browser, mailbox, broken_mail_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    try:
        [message_id] = _queue(1, subject="Your place is booked")
        assert deliver_due().failed == 1
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = 8
    make_user("organiser@example.org", roles=(Role.ORGANISER,))
    browser.sign_in("organiser@example.org")
    page = browser.get("/manage/mail/").get_data(as_text=True)
    assert "Your place is booked 0" in page and "Given up" in page and "p0@example.org" in page
    response = browser.submit(f"/manage/mail/{message_id}/try-again", {}, form_url="/manage/mail/")
    assert response.status_code == 302
    row = _row(message_id)
    assert row.status == "pending" and row.attempts == 0


def test_try_again_for_a_message_that_is_not_waiting_is_a_404(app, browser, mailbox):
    [message_id] = _queue(1)
    mailbox.messages  # noqa: B018 - sent
    make_user("organiser@example.org", roles=(Role.ORGANISER,))
    browser.sign_in("organiser@example.org")
    for target in (message_id, 999999):
        response = browser.submit(f"/manage/mail/{target}/try-again", {}, form_url="/manage/mail/")
        assert response.status_code == 404


def test_a_silent_worker_is_pointed_out(app, browser):
    [message_id] = _queue(1)
    row = _row(message_id)
    row.created_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    make_user("organiser@example.org", roles=(Role.ORGANISER,))
    browser.sign_in("organiser@example.org")
    page = browser.get("/manage/mail/").get_data(as_text=True)
    assert "Mail is not going out" in page and "flask send-mail --watch" in page
