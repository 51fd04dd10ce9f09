"""Fixtures: one database per run (SQLite file, or a fresh PostgreSQL schema), built by the
migrations; a real SMTP server on 127.0.0.1 that catches every message; a clean slate per test."""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import socket
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, func, select, text

from cpweek import create_app
from cpweek.config import normalise_database_url
from cpweek.evidence.services.filters import answers
from cpweek.extensions import db, limiter
from cpweek.mail import deliver_due
from cpweek.reports.services.impact import public_figures

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
FAST_HASH = "scrypt:128:8:1"  # still scrypt, at about the lowest cost werkzeug accepts: 1 ms, not 7
RAM_DISK = Path("/dev/shm")  # noqa: S108 - mkdtemp makes a private folder inside


# --- a real SMTP server -------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the SMTP server received. Reading `messages` first commits the test's own unit of
    work and runs the mail worker once, as `flask send-mail` would after the request."""

    received: list[EmailMessage] = field(default_factory=list)
    deliver: bool = True

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.received.append(message)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        if self.deliver and has_app_context():
            db.session.commit()
            deliver_due()
        return self.received

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]

    @staticmethod
    def text(message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None, "the message has no plain part"
        return body.get_content()

    @staticmethod
    def html(message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("html",))
        assert body is not None, "the message has no html part"
        return body.get_content()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    _, box = smtp_server
    box.received.clear()
    box.deliver = True
    return box


# --- the database -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_config(tmp_path_factory):
    """Settings pointing at a database nobody else uses: leftovers from other runs never matter."""
    if not TEST_DATABASE_URL:
        # In memory (tmpfs) where the machine has it: no commit waits on a disk.
        folder = Path(
            tempfile.mkdtemp(prefix="cpweek-test-", dir=RAM_DISK if RAM_DISK.is_dir() else None)
        )
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'test.sqlite'}"}
        shutil.rmtree(folder, ignore_errors=True)
        return
    url = normalise_database_url(TEST_DATABASE_URL)
    schema = f"cpweek_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield {
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            # Tests need no durability: not waiting for each commit to reach the disk saves
            # a fifth of the PostgreSQL run and changes nothing any statement does.
            "connect_args": {"options": f"-csearch_path={schema} -csynchronous_commit=off"},
        },
    }
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def base_config(database_config, smtp_server, tmp_path_factory) -> dict:
    controller, _ = smtp_server
    return {
        "TESTING": True,
        "CPWEEK_ENV": "development",
        "SECRET_KEY": "test-secret-key",
        "CPWEEK_BASE_URL": "http://cpweek.test",
        "SERVER_NAME": None,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": controller.port,
        "MAIL_USE_TLS": False,
        "MAIL_OUTBOX": str(tmp_path_factory.mktemp("outbox")),
        # Uploaded files (cpweek/files) in a folder of this run's own, never instance/files.
        "CPWEEK_FILES_DIR": str(tmp_path_factory.mktemp("files")),
        "RATELIMIT_STORAGE_URI": "memory://",
        **database_config,
    }


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Tests keep an app context open for factories and services; without this, Flask would reuse
    it for requests, sharing `g` (and so the signed-in user) and the database session between
    them."""

    def open(self, *args, **kwargs):
        # The test is the unit of work around its own factories and service calls: it ends
        # (commits) before the person acts, as a request of its own would have.
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


def _sqlite_without_sync(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


@pytest.fixture(scope="session")
def app(base_config):
    application = create_app(base_config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        if db.engine.dialect.name == "sqlite":
            # Tests need no durability: not waiting for each commit to reach the disk changes
            # nothing any statement does (as synchronous_commit=off for PostgreSQL above).
            event.listen(db.engine, "connect", _sqlite_without_sync)
            db.engine.dispose()  # so that no connection made before the listener is reused
        upgrade()  # the schema comes from the migrations, as in production
        if db.engine.dialect.name == "postgresql":
            _no_autovacuum()
    return application


def _no_autovacuum() -> None:
    """Tables are emptied with DELETE (see `_empty_tables`), so new rows follow the dead ones
    in insertion order, as after TRUNCATE. An autovacuum between two tests (on by default,
    off on the machine these numbers were taken on) would free space for them to land in
    anywhere, and a read without ORDER BY could see them in another order on another machine."""
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            connection.execute(text(f'ALTER TABLE "{table.name}" SET (autovacuum_enabled = false)'))


@pytest.fixture(autouse=True)
def _clean_slate(request):
    """Each test starts with empty tables and fresh rate limits, and runs in an app context."""
    application = request.getfixturevalue("app")
    with application.app_context():
        limiter.reset()
        answers.clear()  # the evidence room's remembered counts (cpweek/cache.py)
        public_figures.clear()  # the public impact report's (ids start again at 1)
        yield
        db.session.remove()
        _empty_tables()


def _empty_tables() -> None:
    """Empties the tables the test wrote to, children first (only its own rows where a module
    keeps a world, see `keep_rows`).

    One query finds them (a test writes to a handful of the tables). They are emptied with
    DELETE, not TRUNCATE: on PostgreSQL TRUNCATE gives each table and index a new file, and
    every new index file is synced to disk at commit, which cost more than the tests around
    it. Serial ids restart at 1 as TRUNCATE's RESTART IDENTITY (and an emptied SQLite table)
    would have them."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        written = _non_empty(connection, tables)
        emptied = set()
        for table in (t for t in tables if t.name in written):
            if table.name in _KEPT:
                kept = _KEPT[table.name]
                if kept is not None:  # else its rows go with their parents (ON DELETE CASCADE)
                    _delete(connection, table, table.c.id > kept)
                continue
            _delete(connection, table)
            emptied.add(table.name)
        if connection.dialect.name == "postgresql":
            _restart_sequences(connection, emptied)


def _delete(connection, table, *where) -> None:
    # Rows pointing at rows of their own table (a reversal at its entry) go first.
    for key in table.foreign_keys:
        if key.column.table is table:
            connection.execute(table.delete().where(key.parent.is_not(None), *where))
    connection.execute(table.delete().where(*where))


# Tables holding a module's kept world: table name -> the highest id kept (None: a table
# without an integer id, whose rows go with their parents).
_KEPT: dict[str, int | None] = {}


def keep_rows() -> None:
    """The rows in the tables now stay from one test to the next, until `release_rows`; each
    test still loses the rows it adds. For a world that a module's tests only read (the
    permission matrix builds it once, not once per case)."""
    tables = db.metadata.sorted_tables
    with db.engine.connect() as connection:
        for name in _non_empty(connection, tables):
            table = db.metadata.tables[name]
            has_id = "id" in table.c and [c.name for c in table.primary_key] == ["id"]
            _KEPT[name] = (
                connection.execute(select(func.max(table.c.id))).scalar() if has_id else None
            )


def release_rows() -> None:
    """Ends `keep_rows`: every table is emptied."""
    _KEPT.clear()
    _empty_tables()


@pytest.fixture(scope="module")
def demo_world(app):
    """The demo data, loaded once for a module whose tests only read its pages (each test
    still loses the rows it adds: `keep_rows`). Seeding it per test was a fifth of the
    accessibility tests' time."""
    from cpweek.demo import seed_demo

    with app.app_context():
        seed_demo()
        db.session.commit()
        keep_rows()
    yield
    with app.app_context():
        release_rows()


def _non_empty(connection, tables) -> set[str]:
    probes = " UNION ALL ".join(
        f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")"  # noqa: S608
        for t in tables
    )
    return set(connection.execute(text(probes)).scalars())


_SEQUENCES: dict[str, list[str]] = {}  # table name -> the sequences its serial columns own


def _restart_sequences(connection, tables: set[str]) -> None:
    if not _SEQUENCES:
        owned = connection.execute(
            text(
                "SELECT t.relname, s.relname FROM pg_class s "
                "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
                "JOIN pg_class t ON t.oid = d.refobjid "
                "WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace"
            )
        )
        for table_name, sequence in owned:
            _SEQUENCES.setdefault(table_name, []).append(sequence)
    sequences = [s for name in tables for s in _SEQUENCES.get(name, [])]
    if sequences:
        calls = ", ".join(f"setval('\"{s}\"', 1, false)" for s in sequences)
        connection.execute(text(f"SELECT {calls}"))


# --- clients and helpers ------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """The test client used the way a person uses the site: forms are fetched, then submitted
    with the CSRF token they carry."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def csrf_token(self, url: str = "/sign-in") -> str:
        page = self.client.get(url).get_data(as_text=True)
        match = CSRF_RE.search(page)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def submit(self, url: str, data: dict, *, form_url: str | None = None, **kwargs):
        token = self.csrf_token(form_url or url)
        return self.client.post(url, data={**data, "csrf_token": token}, **kwargs)

    def sign_in(self, email: str, password: str = "correct horse battery", **extra):
        response = self.submit("/sign-in", {"email": email, "password": password, **extra})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def sign_out(self):
        return self.submit("/sign-out", {}, form_url="/")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries:` ... `len(queries)` is the number of SQL statements."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter
