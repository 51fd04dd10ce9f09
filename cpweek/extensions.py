"""Flask extensions, created once here and bound to the app in `create_app`."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from flask import current_app, has_app_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so Alembic can alter them on every database (SQLite's batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The base of every model. A type checker cannot take an attribute (db.Model) as a base class, so
# to it a model is a plain declarative class on Base: the models use nothing Flask-SQLAlchemy
# adds at run time (Model.query, bind keys), only the table name each one sets itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite enforces foreign keys only when asked, and waits for a lock instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def render_migration_type(type_: str, obj, autogen_context):
    """Write our own column types into migrations as the plain SQLAlchemy type they store."""
    from cpweek.timezones import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


migrate = Migrate(render_as_batch=True, compare_type=True, render_item=render_migration_type)
login_manager = LoginManager()
csrf = CSRFProtect()


def _client_address() -> str:
    return get_remote_address() or "unknown"


limiter = Limiter(key_func=_client_address)


def storage_for_logs(uri: str) -> str:
    """The limiter's storage URI without its password, fit for a log line."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


class _LimiterLogToApp(logging.Handler):
    """Flask-Limiter's log, into the app's: its fallback to memory and its recovery named.

    Flask-Limiter notes the fallback once per worker (when its storage is first found dead) on
    its own logger, which has no handler under gunicorn and does not name the storage; the
    operator needs to see which storage failed and that limits are now counted per worker.
    Its other warnings and errors (a swallowed storage error) are passed on as they are; its
    INFO lines (every limit hit) are dropped."""

    def emit(self, record: logging.LogRecord) -> None:
        has_app = has_app_context()
        logger = current_app.logger if has_app else logging.getLogger("cpweek")
        message = record.getMessage()
        if message.startswith("Rate limit storage unreachable"):
            text = (
                "Rate limit storage %s is unreachable: falling back to in-memory rate limits "
                "(counted per worker) until it answers again"
            )
        elif message.startswith("Rate limit storage recovered"):
            text = "Rate limit storage %s answers again: rate limits are shared again"
        else:
            if record.levelno >= logging.WARNING:
                logger.handle(record)
            return
        uri = current_app.config.get("RATELIMIT_STORAGE_URI", "") if has_app else ""
        logger.warning(text, storage_for_logs(uri or "(unknown)"))


_limiter_log = logging.getLogger("flask-limiter")
# INFO, so "recovered" reaches the handler above, which is the logger's only way out.
_limiter_log.setLevel(logging.INFO)
_limiter_log.propagate = False
if not any(isinstance(h, _LimiterLogToApp) for h in _limiter_log.handlers):
    _limiter_log.addHandler(_LimiterLogToApp())


def sign_in_account_key() -> str:
    """Rate-limit key for sign-in attempts: the address together with the email tried."""
    email = (request.form.get("email") or "").strip().lower()[:320]
    return f"{_client_address()}|{email}"
