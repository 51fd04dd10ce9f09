"""Error pages are helpful pages, never a stack trace."""

from __future__ import annotations

import re
import sqlite3

import psycopg
import pytest
from flask import has_request_context
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cpweek import create_app
from cpweek.auth.permissions import public
from cpweek.extensions import db
from cpweek.programme.models import Registration
from tests.conftest import Browser
from tests.factories import PASSWORD, make_user, make_webinar


def test_an_unexpected_failure_shows_the_friendly_500_page(base_config):
    app = create_app({**base_config, "TESTING": False})

    @app.route("/_boom")
    @public
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/_boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in page and "nothing was saved" in page
    assert "RuntimeError" not in page and "Traceback" not in page


def test_not_found_and_method_not_allowed(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "check it is correct" in response.get_data(as_text=True)
    response = client.delete("/")
    assert response.status_code == 405
    assert "That is not something this page can do" in response.get_data(as_text=True)


def test_too_large_a_request_is_refused_clearly(client, app):
    # Said by the Content-Length header alone: Werkzeug refuses before reading the body (the
    # limit follows the largest upload, about a gigabyte, too much to build in a test).
    too_long = str(app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post(
        "/sign-in", data={"email": "x"}, environ_overrides={"CONTENT_LENGTH": too_long}
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That upload is too large" in page and "says how large a file it takes" in page


# --- the database out of reach: a 503 that says so, never the generic 500 -----------------------

UNREACHABLE_TEXT = (
    "We cannot reach our database just now. Nothing you sent was saved. "
    "Please try again in a minute."
)


def _driver_error() -> Exception:
    """What the driver raises when the server has gone away (or, on SQLite, stays locked)."""
    if db.engine.dialect.name == "postgresql":
        return psycopg.OperationalError(
            "consuming input failed: server closed the connection unexpectedly"
        )
    return sqlite3.OperationalError("database is locked")


@pytest.fixture
def database_down(app):
    """`database_down("execute")` makes every statement a request sends fail as an unreachable
    database does; `database_down("commit")` only the request's commit. The test's own work
    (outside a request) is untouched; leaving the test puts everything back."""
    undo = []

    def cut(where: str) -> None:
        if where == "execute":

            def refuse(conn, cursor, statement, parameters, context, executemany):
                if has_request_context():
                    raise _driver_error()

            sa_event.listen(db.engine, "before_cursor_execute", refuse)
            undo.append(lambda: sa_event.remove(db.engine, "before_cursor_execute", refuse))
        else:
            dialect = db.engine.dialect
            real_commit = dialect.do_commit

            def failing_commit(dbapi_connection):
                if has_request_context():
                    raise _driver_error()
                real_commit(dbapi_connection)

            dialect.do_commit = failing_commit
            undo.append(lambda: delattr(dialect, "do_commit"))

    def restore() -> None:
        while undo:
            undo.pop()()

    cut.restore = restore
    yield cut
    restore()


@pytest.fixture
def webinar():
    return make_webinar()


def _assert_unavailable(response, app) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert UNREACHABLE_TEXT in page and app.config["CPWEEK_HELP_PHONE"] in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert "X-RateLimit-Limit" not in response.headers


def _registrations() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def _register(browser: Browser, email: str):
    return browser.submit(
        "/2099/events/webinar", {"name": "Ama Mensah", "email": email, "consent_to_contact": "y"}
    )


def test_a_page_read_while_the_database_is_unreachable_answers_503(client, app, database_down):
    database_down("execute")
    _assert_unavailable(client.get("/"), app)
    database_down.restore()
    assert client.get("/").status_code == 200


def test_a_signed_in_person_gets_the_503_page_without_any_query(browser, app, database_down):
    # base.html and Flask-Login would look the person up: the page must not need that.
    make_user(email="signed.in@example.org")
    browser.sign_in("signed.in@example.org", PASSWORD)
    database_down("execute")
    _assert_unavailable(browser.get("/account"), app)
    database_down.restore()
    assert browser.get("/account").status_code == 200


def test_a_registration_posted_while_the_database_is_unreachable_saves_nothing(
    browser, app, webinar, database_down
):
    token = browser.csrf_token("/2099/events/webinar")
    database_down("execute")
    response = browser.client.post(
        "/2099/events/webinar",
        data={
            "csrf_token": token,
            "name": "Ama Mensah",
            "email": "ama@example.org",
            "consent_to_contact": "y",
        },
    )
    _assert_unavailable(response, app)
    database_down.restore()
    assert _registrations() == 0
    # The next person (and the same one, trying again) gets through.
    assert _register(browser, "ama@example.org").status_code == 302
    assert _registrations() == 1


def test_a_commit_that_fails_at_the_end_of_the_request_answers_503(
    browser, app, webinar, database_down, monkeypatch
):
    # The unit of work commits in after_request; an exception there reaches Flask's
    # handle_exception (the 500 handler, with the exception as original_exception), which
    # re-raises under TESTING unless told otherwise, as in production.
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    token = browser.csrf_token("/2099/events/webinar")
    database_down("commit")
    response = browser.client.post(
        "/2099/events/webinar",
        data={"csrf_token": token, "name": "Ama", "email": "ama@example.org"},
    )
    _assert_unavailable(response, app)
    _assert_unavailable(browser.get("/"), app)  # a page whose only commit is the request's
    database_down.restore()
    assert _registrations() == 0
    assert _register(browser, "ama@example.org").status_code == 302
    assert _registrations() == 1


def test_the_503_retry_after_is_never_more_than_a_minute(client, app, database_down, monkeypatch):
    monkeypatch.setitem(app.config, "DATABASE_UNAVAILABLE_RETRY_AFTER", 3600)
    database_down("execute")
    response = client.get("/")
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"


def test_other_database_errors_are_still_the_500_page(base_config):
    app = create_app({**base_config, "TESTING": False})

    @app.route("/_integrity")
    @public
    def integrity():
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    response = app.test_client().get("/_integrity")
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.get_data(as_text=True)


# --- Retry-After: only where it means something ---------------------------------------------------


def test_ordinary_pages_and_refused_forms_carry_no_rate_limit_retry_after(browser, webinar):
    assert "Retry-After" not in browser.get("/2099/events/webinar").headers
    refused = browser.submit("/2099/events/webinar", {"name": "", "email": "not an address"})
    assert refused.status_code == 200 and "Retry-After" not in refused.headers
    assert "Retry-After" not in _register(browser, "ama@example.org").headers


def test_too_many_sign_in_attempts_say_when_to_come_back(browser, app):
    make_user(email="locked@example.org")
    for _ in range(5):
        response = browser.submit(
            "/sign-in", {"email": "locked@example.org", "password": "wrong wrong wrong"}
        )
        assert response.status_code == 200 and "Retry-After" not in response.headers
    blocked = browser.submit("/sign-in", {"email": "locked@example.org", "password": PASSWORD})
    assert blocked.status_code == 429
    # The limit is 5 per 15 minutes: the window lets go within 900 seconds.
    assert re.fullmatch(r"\d+", blocked.headers["Retry-After"])
    assert 1 <= int(blocked.headers["Retry-After"]) <= 900
