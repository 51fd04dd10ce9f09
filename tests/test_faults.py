"""Rate limits when their storage (Redis) is down or silent: sign-in, registration and password
reset keep working on limits counted in memory, and the fallback is logged once."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from cpweek import create_app
from cpweek.extensions import limiter, storage_for_logs
from tests.conftest import Browser, IsolatedClient
from tests.factories import PASSWORD, make_user, make_webinar


def _closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def worker_with_storage(base_config, app):
    """`worker_with_storage(uri)`: a second app (a gunicorn worker) whose limits live at `uri`.
    The limiter is one object shared by every app in the process: afterwards it is put back
    on memory and told its storage is alive, so other tests count their limits as before."""

    def make(uri: str) -> Browser:
        worker = create_app({**base_config, "RATELIMIT_STORAGE_URI": uri})
        worker.test_client_class = IsolatedClient
        return Browser(worker.test_client())

    yield make
    limiter._storage_dead = False  # Flask-Limiter keeps this across init_app
    create_app(base_config)


@pytest.fixture
def webinar():
    return make_webinar()


def _fallback_warnings(caplog, uri: str) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.levelno == logging.WARNING
        and "falling back to in-memory rate limits" in record.getMessage()
        and uri in record.getMessage()
    ]


def test_with_redis_down_sign_in_registration_and_reset_work_and_it_is_logged_once(
    worker_with_storage, webinar, mailbox, caplog
):
    uri = f"redis://127.0.0.1:{_closed_port()}/0"
    browser = worker_with_storage(uri)
    make_user(email="kept.going@example.org")
    caplog.set_level(logging.INFO)

    signed_in = browser.submit(
        "/sign-in", {"email": "kept.going@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    browser.sign_out()
    registered = browser.submit(
        "/2099/events/webinar",
        {"name": "Ama Mensah", "email": "ama@example.org", "consent_to_contact": "y"},
    )
    assert registered.status_code == 302
    reset = browser.submit("/password-reset", {"email": "kept.going@example.org"})
    assert reset.status_code in (200, 302)
    assert any("kept.going@example.org" in m["To"] for m in mailbox.messages)

    assert len(_fallback_warnings(caplog, uri)) == 1


def test_with_redis_down_limits_still_hold_in_memory(worker_with_storage):
    browser = worker_with_storage(f"redis://127.0.0.1:{_closed_port()}/0")
    make_user(email="guessed@example.org")
    for _ in range(5):
        response = browser.submit(
            "/sign-in", {"email": "guessed@example.org", "password": "wrong wrong wrong"}
        )
        assert response.status_code == 200
    blocked = browser.submit("/sign-in", {"email": "guessed@example.org", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) <= 900


def test_a_redis_that_accepts_and_never_answers_does_not_hold_a_sign_in(worker_with_storage):
    # A listening socket that never accepts: the kernel completes the connection, nobody reads.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        browser = worker_with_storage(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        make_user(email="patient@example.org")
        token = browser.csrf_token("/sign-in")
        started = time.monotonic()
        response = browser.client.post(
            "/sign-in",
            data={"email": "patient@example.org", "password": PASSWORD, "csrf_token": token},
        )
        took = time.monotonic() - started
        assert response.status_code == 302
        # Half a second for the storage to answer, once, then memory: not the 10 s of
        # redis-py's defaults and retries.
        assert took < 3, f"sign-in took {took:.1f} s"
    finally:
        silent.close()


def test_the_storage_is_named_in_logs_without_its_password():
    assert storage_for_logs("redis://:s3cret@cache.internal:6380/2") == (
        "redis://:***@cache.internal:6380/2"
    )
    assert storage_for_logs("redis://app:s3cret@cache/0") == "redis://app:***@cache/0"
    assert storage_for_logs("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
