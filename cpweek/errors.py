"""The base of every domain error, and the HTTP error pages.

Services raise `DomainError` subclasses with a message written for the person using the site;
a view shows it next to `field` when one is named, or at the top of the page otherwise.
"""

from __future__ import annotations

from urllib.parse import unquote

from flask import Flask, abort, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
                detail="The file was too large to send. Receipts can be up to "
                f"{app.config['RECEIPT_MAX_BYTES'] // (1024 * 1024)} MB: a photo taken at a "
                "lower resolution, or a PDF, is usually smaller. Go back: what you typed is "
                "usually still in the form.",
            )
        return _render(status)

    @app.errorhandler(500)
    def server_error(error):
        return _render(500)
