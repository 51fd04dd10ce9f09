"""With RATELIMIT_STORAGE_URI pointing at Redis, sign-in limits are shared by every worker."""

from __future__ import annotations

import socket
import uuid

import pytest

from cpweek import create_app
from tests.conftest import Browser, IsolatedClient
from tests.factories import PASSWORD, make_user

# A database number of its own, emptied before and after, so runs never see each other's counts.
REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_is_up(), reason="no Redis on 127.0.0.1:6379")
def test_two_workers_share_one_limit_through_redis(base_config, app):
    import redis

    email = f"shared-{uuid.uuid4().hex[:8]}@example.org"  # a key no other run shares
    make_user(email=email)
    config = {**base_config, "RATELIMIT_STORAGE_URI": REDIS_URL}
    redis.Redis.from_url(REDIS_URL).flushdb()
    try:
        # Two apps stand in for two gunicorn workers; failures on each count towards one limit.
        workers = []
        for _ in range(2):
            worker = create_app(config)
            worker.test_client_class = IsolatedClient
            workers.append(Browser(worker.test_client()))
        for attempt in range(5):
            response = workers[attempt % 2].submit(
                "/sign-in", {"email": email, "password": "wrong wrong wrong"}
            )
            assert response.status_code == 200
        blocked = workers[1].submit("/sign-in", {"email": email, "password": PASSWORD})
        assert blocked.status_code == 429
        assert redis.Redis.from_url(REDIS_URL).keys(f"*{email}*")
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        create_app(base_config)  # the limiter's storage back to memory for the other tests
