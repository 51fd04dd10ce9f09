"""The base of every domain error, and the HTTP error pages.

Services raise `DomainError` subclasses with a message written for the person using the site;
a view shows it next to `field` when one is named, or at the top of the page otherwise.
"""

from __future__ import annotations

import sqlite3
import time
from urllib.parse import unquote

import psycopg
from flask import Flask, abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from cpweek.config import UPLOAD_LIMITS
from cpweek.text import has_control_characters


class DomainError(Exception):
    field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


ERROR_PAGES = {
    400: "Something in that request was not right",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That is not something this page can do",
    413: "That upload is too large",
    429: "Too many attempts",
    500: "Sorry, something went wrong on our side",
}


# Failures that mean the database could not be reached or answer in time, not a bug: the
# person is told to try again in a minute (503), never shown the generic 500 page.
UNREACHABLE = (
    sa_exc.OperationalError,  # connection refused or lost, SQLite "database is locked"
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,  # from the pool's pre-ping
    sa_exc.TimeoutError,  # no connection free in the pool in time
    psycopg.OperationalError,  # the driver's own, should one escape unwrapped
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)
UNAVAILABLE_TITLE = "We cannot reach our database just now"


def database_unreachable(error: BaseException | None) -> bool:
    """Whether `error`, or what caused it, is the database being out of reach."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, UNREACHABLE):
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, InternalServerError):
            error = error.original_exception
        else:
            error = error.__cause__ or error.__context__
    return False


def database_unavailable_response():
    """The 503 page, rendered without the database.

    `render_template` runs the context processors, and Flask-Login's looks up the signed-in
    person (a query), as does base.html's navigation; so the page stands alone and is rendered
    straight from the Jinja environment (url_for and config are its globals)."""
    setting = int(current_app.config.get("DATABASE_UNAVAILABLE_RETRY_AFTER", 30))
    retry_after = max(1, min(setting, 60))
    template = current_app.jinja_env.get_template("errors/503.html")
    body = template.render(title=UNAVAILABLE_TITLE, status=503)
    return body, 503, {"Retry-After": str(retry_after), "Cache-Control": "no-store"}


def _too_many_attempts():
    """The 429 page with a Retry-After saying when the limit that was hit lets go."""
    from cpweek.extensions import limiter

    response = current_app.make_response(_render(429))
    try:
        hit = limiter.current_limit
        wait = hit.reset_at - time.time() if hit is not None else None
    except Exception:  # the limit's storage went away meanwhile: the page still answers
        wait = None
    if wait is not None:
        response.headers["Retry-After"] = str(max(1, int(wait)))
    return response


def upload_limits() -> str:
    """The largest file of each kind the site takes, in a sentence: "Documents can be up to
    25 MB, caption files 1 MB, ... videos 1 GB." (settings in cpweek/config.py)."""
    sizes = [
        (words, _megabytes(int(current_app.config[setting])))
        for _kind, words, setting, _default in UPLOAD_LIMITS
    ]
    (first_words, first_size), *rest = sizes
    others = ", ".join(f"{words.lower()} {size}" for words, size in rest[:-1])
    last_words, last_size = rest[-1]
    return (
        f"{first_words} can be up to {first_size}, {others} and {last_words.lower()} {last_size}."
    )


def _megabytes(count: int) -> str:
    return f"{count // 1024:,} GB" if count >= 1024 and count % 1024 == 0 else f"{count:,} MB"


def _render(status: int, **context):
    return render_template(
        f"errors/{status}.html" if status in (403, 404, 429, 500) else "errors/generic.html",
        status=status,
        title=ERROR_PAGES[status],
        **context,
    ), status


def refuse_control_characters_in_urls(app: Flask) -> None:
    """A NUL or other control character in a path or query string is a 400, never a 500."""

    @app.before_request
    def check_url():
        if has_control_characters(unquote(request.full_path)):
            abort(400)


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(
            400,
            detail="The form had expired or came from another site. "
            "Go back, reload the page and try again: nothing was saved.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code if error.code in ERROR_PAGES else None
        if status is None:
            return error
        if status == 413:
            return _render(
                413,
                detail="The file was too large to send, and nothing was saved. "
                f"{upload_limits()} The page you came from says how large a file it takes: "
                "a smaller file, or one split in parts, will go. Go back: what you typed is "
                "usually still in the form.",
            )
        if status == 429:
            return _too_many_attempts()
        return _render(status)

    def unreachable(error: Exception):
        current_app.logger.warning("Database unreachable, answered 503: %s", error)
        return database_unavailable_response()

    for kind in UNREACHABLE:
        app.register_error_handler(kind, unreachable)

    @app.errorhandler(sa_exc.DBAPIError)
    def database_error(error: sa_exc.DBAPIError):
        if database_unreachable(error):
            return unreachable(error)
        raise error  # any other database error is a bug: the 500 page, logged

    @app.errorhandler(500)
    def server_error(error):
        # An exception after the view (the unit of work's commit) comes here wrapped.
        if database_unreachable(error):
            return database_unavailable_response()
        return _render(500)
